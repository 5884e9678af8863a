using System.Diagnostics;

namespace CustomerWorkflow.Testing;

/// <summary>Runs a Node.js script of the repository (tests/js) from the repository root, where npm installed node_modules.</summary>
public static class NodeScript
{
    /// <summary>The repository root: the folder with CustomerWorkflow.Bot.sln above the test binaries.</summary>
    public static string RepositoryRoot { get; } = FindRoot();

    /// <summary>Debian's Chromium, or <c>CHROMIUM_PATH</c>; throws with what to install when it is missing.</summary>
    public static string Chromium()
    {
        var path = Environment.GetEnvironmentVariable("CHROMIUM_PATH") ?? "/usr/bin/chromium";
        return File.Exists(path)
            ? path
            : throw new InvalidOperationException($"Chromium is needed for the browser tests and is not at {path}: apt-get install -y chromium (or set CHROMIUM_PATH).");
    }

    /// <summary>Runs tests/js/<paramref name="script"/> and returns what it printed; throws with its error output when it fails.</summary>
    public static async Task<string> RunAsync(string script, params string[] args)
    {
        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = RepositoryRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(Path.Combine(RepositoryRoot, "tests", "js", script));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException("Node.js is needed for these tests (node on PATH); install it and run `npm ci` at the repository root.", e);
        }

        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(4));
            await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"node {script} exited with {process.ExitCode}: {await stderr.ConfigureAwait(false)}");
            }

            return await stdout.ConfigureAwait(false);
        }
    }

    private static string FindRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "CustomerWorkflow.Bot.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException("The repository root (with CustomerWorkflow.Bot.sln) is not above " + AppContext.BaseDirectory);
    }
}
