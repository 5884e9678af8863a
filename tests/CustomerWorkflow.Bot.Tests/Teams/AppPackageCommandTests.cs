using System.Diagnostics;
using System.IO.Compression;
using System.Text.Json.Nodes;
using CustomerWorkflow.Bot.Teams;
using Microsoft.Extensions.Configuration;

namespace CustomerWorkflow.Bot.Tests.Teams;

/// <summary>The host's <c>manifest</c> subcommand: options over configuration, refusals without a zip, and the real entry point.</summary>
public sealed class AppPackageCommandTests : IDisposable
{
    private const string AppId = "3f2504e0-4f89-41d3-9a0c-0305e82c3301";
    private const string BotId = "9b2c6a41-0d7e-4f3a-8e55-1c2d3e4f5a6b";

    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("cw-package-");

    public void Dispose() => _folder.Delete(recursive: true);

    private string Out(string name = "app.zip") => Path.Combine(_folder.FullName, name);

    private static (int Code, string Output, string Error) Run(IConfiguration configuration, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = AppPackageCommand.Run(args, configuration, output, error);
        return (code, output.ToString(), error.ToString());
    }

    private static IConfiguration Empty => new ConfigurationBuilder().Build();

    private static JsonNode ManifestIn(string zipPath)
    {
        using var zip = ZipFile.OpenRead(zipPath);
        using var stream = zip.GetEntry(AppPackage.ManifestFileName)!.Open();
        return JsonNode.Parse(stream)!;
    }

    [Fact]
    public void Options_build_the_package_where_out_says()
    {
        var (code, output, error) = Run(Empty, "--app-id", AppId, "--bot-id", BotId, "--domain=bot.contoso.com", "--version", "1.2.3", "--out", Out());

        Assert.Equal(AppPackageCommand.Success, code);
        Assert.Empty(error);
        Assert.Contains(Out(), output, StringComparison.Ordinal);
        var manifest = ManifestIn(Out());
        Assert.Equal(AppId, (string?)manifest["id"]);
        Assert.Equal("1.2.3", (string?)manifest["version"]);
    }

    [Fact]
    public void Settings_the_host_already_has_fill_in_what_the_options_leave_out_and_options_win()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["MicrosoftAppId"] = BotId,
            ["Teams:AppId"] = AppId,
            ["Teams:Domain"] = "configured.contoso.com",
        }).Build();

        var (code, _, error) = Run(configuration, "--domain", "given.contoso.com", "--out", Out());

        Assert.True(code == AppPackageCommand.Success, error);
        var manifest = ManifestIn(Out());
        Assert.Equal(BotId, (string?)manifest["bots"]![0]!["botId"]);
        Assert.Equal("given.contoso.com", (string?)manifest["validDomains"]![0]);
    }

    [Theory]
    [InlineData("--app-id", "nope", "--bot-id", BotId, "--domain", "bot.contoso.com")]
    [InlineData("--app-id", AppId, "--bot-id", BotId, "--domain", "https://bot.contoso.com/")]
    [InlineData("--app-id", AppId, "--bot-id", BotId, "--domain", "bot.contoso.com", "--version", "v1")]
    [InlineData("--app-id", AppId, "--bot-id", BotId, "--domain", "bot.contoso.com", "--colour", "red")]
    [InlineData("--app-id", AppId, "--bot-id", BotId, "--domain")]
    [InlineData("--app-id", AppId, "--bot-id", BotId, "--domain", "bot.contoso.com", "extra")]
    public void Bad_input_gets_a_short_message_exit_code_2_and_no_zip(params string[] args)
    {
        var (code, output, error) = Run(Empty, [.. args, "--out", Out()]);

        Assert.Equal(AppPackageCommand.BadInput, code);
        Assert.Empty(output);
        Assert.StartsWith("error: ", error, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", error, StringComparison.Ordinal);
        Assert.Empty(_folder.EnumerateFileSystemInfos());
    }

    [Fact]
    public void A_path_that_cannot_be_written_is_said_in_one_line_with_exit_code_1()
    {
        var file = Out("a-file");
        File.WriteAllText(file, "not a folder");

        var (code, _, error) = Run(Empty, "--app-id", AppId, "--bot-id", BotId, "--domain", "bot.contoso.com", "--out", Path.Combine(file, "app.zip"));

        Assert.Equal(AppPackageCommand.Failed, code);
        Assert.StartsWith($"error: could not write {Path.Combine(file, "app.zip")}", error, StringComparison.Ordinal);
        Assert.Single(error.Trim().Split('\n'));
        Assert.Equal([file], _folder.EnumerateFileSystemInfos().Select(f => f.FullName));
    }

    [Fact]
    public void Help_lists_every_option_with_its_configuration_key()
    {
        var (code, output, _) = Run(Empty, "--help");

        Assert.Equal(AppPackageCommand.Success, code);
        foreach (var key in new[] { "Teams:AppId", "MicrosoftAppId", "Teams:Domain", "Teams:Version", "Teams:DeveloperName", "Teams:WebsiteUrl", "Teams:PrivacyUrl", "Teams:TermsOfUseUrl" })
        {
            Assert.Contains(key, output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task The_host_executable_builds_the_package_and_refuses_bad_input_with_exit_code_2()
    {
        var (code, _, error) = await RunHostAsync("manifest", "--app-id", AppId, "--bot-id", BotId, "--domain", "bot.contoso.com", "--out", Out("host.zip"));

        Assert.True(code == 0, error);
        using (var zip = ZipFile.OpenRead(Out("host.zip")))
        {
            Assert.Equal(["color.png", "manifest.json", "outline.png"], zip.Entries.Select(e => e.FullName).Order(StringComparer.Ordinal));
        }

        (code, _, error) = await RunHostAsync("manifest", "--app-id", AppId, "--bot-id", "28:bot", "--domain", "bot.contoso.com", "--out", Out("bad.zip"));

        Assert.Equal(2, code);
        Assert.Contains("error: MicrosoftAppId (--bot-id) must be a GUID", error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
        Assert.False(File.Exists(Out("bad.zip")));
    }

    /// <summary>Runs CustomerWorkflow.Bot.dll (copied beside the tests) as a process, in an empty folder and without the
    /// Teams or Bot Framework settings of the machine running the tests.</summary>
    private async Task<(int Code, string Output, string Error)> RunHostAsync(params string[] args)
    {
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";
        var start = new ProcessStartInfo(dotnet)
        {
            WorkingDirectory = _folder.FullName,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "CustomerWorkflow.Bot.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("Teams__", StringComparison.OrdinalIgnoreCase) || k.StartsWith("MicrosoftApp", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            start.Environment.Remove(name);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output, await error);
    }
}
