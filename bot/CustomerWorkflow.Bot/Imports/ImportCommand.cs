using System.Globalization;
using CustomerWorkflow.Bot.Hosting;
using CustomerWorkflow.Core;
using CustomerWorkflow.Core.Import;
using CustomerWorkflow.Core.People;
using CustomerWorkflow.Core.Storage;

namespace CustomerWorkflow.Bot.Imports;

/// <summary>
/// <c>import &lt;file&gt; --as &lt;user&gt; [--dry-run]</c>: the host's import subcommand, for operations scripts. It builds
/// the host's services from the same configuration (SQLite or Cosmos DB, <c>--db</c>, <c>--Section:Key=value</c>) without
/// starting the host, imports as the named person under the configured behaviour, shows a progress bar on a terminal,
/// prints a summary table, and exits 0 when every row went in, 1 when rows were rejected (or the import stopped), and 2
/// when nothing was imported at all (bad usage, an unknown person, no right to import, a file that cannot be read).
/// </summary>
public static class ImportCommand
{
    public const string Name = "import";

    public const int Success = 0;
    public const int RowsRejected = 1;
    public const int NotImported = 2;

    public const string Usage = """
        Imports customers from a CSV or JSON file (UTF-8) under the configured import behaviour.

        usage: dotnet run --project bot/CustomerWorkflow.Bot -- import <file> --as <user> [--dry-run] [--db <path>]

          <file>                 a CSV file with a header row (CustomerId and field names), or a JSON array of customers
          --as <user>            who imports: a UPN, email, directory id or name the bot knows, with a role that may
                                 import (Import:AllowedRoles, admins by default)
          --dry-run              judge every row and show what would happen; no customer is changed
          --rejections <n>       how many rejected rows to list (20; 0 for none; every one is in the import log)
          --db <path>            the SQLite database (Storage:Sqlite:Path)
          --<Section:Key>=<val>  any other host setting, e.g. --Storage:Provider=Cosmos

        Exit code: 0 every row went in, 1 some rows were rejected, 2 nothing was imported.
        """;

    public static bool IsInvoked(IReadOnlyList<string> args) =>
        args is not null && args.Count > 0 && string.Equals(args[0], Name, StringComparison.OrdinalIgnoreCase);

    /// <summary>Runs the subcommand with the arguments after its name; returns the exit code.</summary>
    /// <param name="settings">Settings over the host's own sources (tests); null in production.</param>
    /// <param name="progress">Draw a progress bar on <paramref name="error"/> (when it is a terminal).</param>
    public static async Task<int> RunAsync(IReadOnlyList<string> args, IDictionary<string, string?>? settings, TextWriter output, TextWriter error, bool progress, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);

        string? path = null, who = null;
        var dryRun = false;
        var listed = 20;
        var hostArgs = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            string Value() => i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal) ? args[++i] : throw new UsageError($"{arg} needs a value.");
            try
            {
                switch (arg)
                {
                    case "-h" or "--help" or "-?":
                        output.WriteLine(Usage);
                        return Success;
                    case "--as":
                        who = Value();
                        break;
                    case "--dry-run":
                        dryRun = true;
                        break;
                    case "--rejections":
                        listed = int.TryParse(Value(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : throw new UsageError("--rejections needs a number.");
                        break;
                    case "--db":
                        hostArgs.Add("--db");
                        hostArgs.Add(Value());
                        break;
                    case var setting when setting.StartsWith("--", StringComparison.Ordinal) && setting.Contains(':', StringComparison.Ordinal):
                        hostArgs.Add(setting);
                        if (!setting.Contains('=', StringComparison.Ordinal))
                        {
                            hostArgs.Add(Value());
                        }

                        break;
                    case var option when option.StartsWith('-'):
                        throw new UsageError($"unknown option '{option}'.");
                    default:
                        path = path is null ? arg : throw new UsageError($"one file at a time; '{arg}' is a second one.");
                        break;
                }
            }
            catch (UsageError usage)
            {
                return Refuse(error, usage.Message, usage: true);
            }
        }

        if (path is null || who is null)
        {
            return Refuse(error, path is null ? "say which file to import." : "say who imports: --as <user>.", usage: true);
        }

        if (!File.Exists(path))
        {
            return Refuse(error, $"there is no file {Path.GetFullPath(path)}.");
        }

        WebApplication app;
        try
        {
            app = Build(hostArgs, settings);
        }
        catch (InvalidOperationException e)
        {
            return Refuse(error, e.Message);
        }

        await using (app.ConfigureAwait(false))
        {
            return await ImportAsync(app.Services, path, who, dryRun, listed, output, error, progress, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task<int> ImportAsync(IServiceProvider services, string path, string who, bool dryRun, int listed, TextWriter output, TextWriter error, bool progress, CancellationToken cancellationToken)
    {
        ImportService imports;
        UserDirectory directory;
        try
        {
            await services.GetRequiredService<IWorkflowStore>().InitializeAsync(cancellationToken).ConfigureAwait(false);
            imports = services.GetRequiredService<ImportService>();
            directory = services.GetRequiredService<UserDirectory>();
        }
        catch (Exception e) when (e is InvalidOperationException or IOException or Storage.Cosmos.CosmosStoreException or Microsoft.Data.Sqlite.SqliteException)
        {
            return Refuse(error, e.Message);
        }

        var user = await directory.ResolveAsync(who, cancellationToken).ConfigureAwait(false);
        if (user is null)
        {
            return Refuse(error, $"I don't know '{who}'. Name someone the bot knows: their UPN, email or directory id (people are known once they write to the bot).");
        }

        var actor = directory.ActorFor(user);
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024, FileOptions.Asynchronous | FileOptions.SequentialScan);
        await using (stream.ConfigureAwait(false))
        {
            ImportResult result;
            var bar = progress ? new ProgressBar(error) : null;
            try
            {
                imports.EnsureMayImport(actor);
                var file = await ImportFile.ReadAsync(stream, Path.GetFileName(path), null, imports.Settings.MaxBytes, cancellationToken).ConfigureAwait(false);
                await using (file.ConfigureAwait(false))
                {
                    result = await imports.RunAsync(new ImportRequest(actor, ImportEntryPoint.Cli, file, dryRun), bar, cancellationToken).ConfigureAwait(false);
                }
            }
            catch (Exception e) when (e is ImportFileException or WorkflowException)
            {
                bar?.Clear();
                return Refuse(error, e.Message);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // Stopped before its first chunk was written; once one is, the import ends as recorded and summed up below.
                bar?.Clear();
                return Refuse(error, "stopped before any row was imported.");
            }

            bar?.Clear();
            await WriteSummaryAsync(imports, result, user, listed, output, cancellationToken).ConfigureAwait(false);
            if (!dryRun && result.SubmittedProposals.Count > 0)
            {
                var notices = services.GetRequiredService<ImportNotices>();
                var told = await notices.ForAsync(result, cancellationToken).ConfigureAwait(false);
                var unreachable = await notices.SendAsync(told, cancellationToken).ConfigureAwait(false);
                output.WriteLine(unreachable.Count == 0
                    ? $"Told {told.Count} approver(s) in Teams."
                    : $"Could not reach {string.Join(", ", unreachable)} in Teams; they find the proposals in `inbox`.");
            }

            return result.Record.Rejected > 0 || result.Record.Status != ImportStatus.Completed ? RowsRejected : Success;
        }
    }

    private static async Task WriteSummaryAsync(ImportService imports, ImportResult result, UserProfile user, int listed, TextWriter output, CancellationToken cancellationToken)
    {
        var r = result.Record;
        output.WriteLine($"{(r.DryRun ? "Dry run" : "Import")} {r.Id} of {r.FileName} as {user.Name}{(user.Upn is { } upn ? $" ({upn})" : string.Empty)}, import behaviour: {r.Behaviour.ToString().ToLowerInvariant()}");
        if (r.DryRun)
        {
            output.WriteLine("Dry run: no customer was changed; the counts say what the import would do.");
        }

        if (r.Status == ImportStatus.Incomplete)
        {
            output.WriteLine($"The import stopped: {r.Message}. The rows counted below were written; the rest of the file was not imported.");
        }

        output.WriteLine();
        output.WriteLine($"  {"rows",-10} {N(r.Rows),10}");
        output.WriteLine($"  {"applied",-10} {N(r.Applied),10}");
        output.WriteLine($"  {"proposed",-10} {N(r.Proposed),10}{(r.Submitted > 0 ? $"   {N(r.Submitted)} proposal(s) {(r.DryRun ? "would be " : string.Empty)}submitted for approval" : string.Empty)}");
        output.WriteLine($"  {"rejected",-10} {N(r.Rejected),10}");
        output.WriteLine($"  {"unchanged",-10} {N(r.Unchanged),10}");
        output.WriteLine($"  {"time",-10} {r.Duration.TotalSeconds,9:0.0}s");
        foreach (var problem in r.Problems)
        {
            output.WriteLine($"  not submitted: {problem}");
        }

        if (r.Rejected > 0 && listed > 0)
        {
            var rows = await imports.RejectionsAsync(r, 0, listed, cancellationToken).ConfigureAwait(false);
            output.WriteLine();
            output.WriteLine(rows.Count == r.Rejected ? "Rejected rows:" : $"Rejected rows (the first {rows.Count} of {N(r.Rejected)}; in Teams: import show {r.Id}):");
            var idWidth = Math.Clamp(rows.Max(x => x.CustomerId.Length), 6, 20);
            foreach (var row in rows)
            {
                output.WriteLine($"  row {row.RowNumber,-7} {Cut(row.CustomerId.Length == 0 ? "(no id)" : row.CustomerId, 20).PadRight(idWidth)}  {row.Reason}");
            }
        }
    }

    private static WebApplication Build(List<string> hostArgs, IDictionary<string, string?>? settings)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = BotHost.Arguments([.. hostArgs]),
            ApplicationName = typeof(BotHost).Assembly.GetName().Name,
        });
        if (settings is not null)
        {
            builder.Configuration.AddInMemoryCollection(settings);
        }

        // stdout is the summary table: the host's log goes to stderr, warnings and worse only.
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Logging:LogLevel:Default"] = "Warning" });
        builder.Logging.ClearProviders();
        builder.Logging.AddConsole(console => console.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.AddCustomerWorkflowBot();
        var app = builder.Build();
        // Resolved now, so a setting that cannot work is reported before anything is read.
        app.Services.GetRequiredService<WorkflowHostOptions>();
        app.Services.GetRequiredService<ImportSettings>();
        return app;
    }

    private static string N(int value) => value.ToString("N0", CultureInfo.InvariantCulture);

    private static string Cut(string text, int length) => text.Length <= length ? text : string.Concat(text.AsSpan(0, length - 1), "…");

    private static int Refuse(TextWriter error, string message, bool usage = false)
    {
        error.WriteLine($"error: {message}");
        error.WriteLine(usage ? "Run with --help for the options. Nothing was imported." : "Nothing was imported.");
        return NotImported;
    }

    private sealed class UsageError(string message) : Exception(message);

    /// <summary>A one-line bar on a terminal's stderr, redrawn in place: how much of the file is read, and the rows judged.</summary>
    private sealed class ProgressBar(TextWriter error) : IProgress<ImportProgress>
    {
        private const int Width = 30;

        public void Report(ImportProgress value)
        {
            var fraction = value.Bytes == 0 ? 1 : Math.Clamp((double)value.BytesRead / value.Bytes, 0, 1);
            var filled = (int)(fraction * Width);
            error.Write($"\r[{new string('#', filled)}{new string('.', Width - filled)}] {fraction * 100,3:0}%  {N(value.Rows)} rows");
        }

        public void Clear() => error.Write($"\r{new string(' ', Width + 30)}\r");
    }
}
