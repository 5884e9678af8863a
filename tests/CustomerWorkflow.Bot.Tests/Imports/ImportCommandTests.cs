using System.Diagnostics;
using System.Text;
using CustomerWorkflow.Bot.Imports;
using CustomerWorkflow.Core;
using CustomerWorkflow.Core.Engine;
using CustomerWorkflow.Core.Import;
using CustomerWorkflow.Core.Samples;
using CustomerWorkflow.Core.Settings;
using CustomerWorkflow.Storage.Sqlite;
using CustomerWorkflow.Testing;

namespace CustomerWorkflow.Bot.Tests.Imports;

/// <summary>
/// The <c>import</c> subcommand on a temporary SQLite database with the sample customers and people: through its entry
/// method (as Program calls it) for each behaviour and each way it refuses, and once as the real process for its exit code.
/// </summary>
public sealed class ImportCommandTests : IAsyncLifetime, IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "cw-cli-" + Guid.NewGuid().ToString("N"));
    private SqliteWorkflowStore _store = null!;

    private string DatabasePath => Path.Combine(_folder, "cli.db");

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_folder);
        _store = new SqliteWorkflowStore(new SqliteStoreOptions(DatabasePath));
        await _store.InitializeAsync();
        await SampleData.SeedAsync(_store);
        await SampleData.SeedUsersAsync(_store);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose()
    {
        _store.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // Left for the OS to clean up; the folder is unique to this test.
        }
    }

    private ProposalEngine Engine => new(_store, TimeProvider.System);

    private Task SetBehaviourAsync(ImportBehaviour behaviour) => Engine.SetImportBehaviourAsync(new Actor("sample-admin", "Adam Admin", Roles.Admin), behaviour);

    private string File(string name, string content) => File(name, Encoding.UTF8.GetBytes(content));

    private string File(string name, byte[] content)
    {
        var path = Path.Combine(_folder, name);
        System.IO.File.WriteAllBytes(path, content);
        return path;
    }

    private async Task<(int Exit, string Out, string Error)> RunAsync(IDictionary<string, string?>? settings, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await ImportCommand.RunAsync([.. args, "--db", DatabasePath], settings, output, error, progress: false);
        return (exit, output.ToString(), error.ToString());
    }

    private Task<(int Exit, string Out, string Error)> RunAsync(params string[] args) => RunAsync(null, args);

    private async Task<string> CityAsync(string id = "US-001") => (await _store.GetAsync(id))!.Customer["City"];

    private async Task<IReadOnlyList<ImportRecord>> ImportsAsync() => await _store.ListImportsAsync(DateTimeOffset.UtcNow.AddHours(-1), 10);

    private const string Csv = "CustomerId,CreditLimit,City\nUS-001,300000,Boston\nUS-002,120000,Tacoma\n";

    [Theory]
    [InlineData(ImportBehaviour.Allow, ImportCommand.Success, "applied             2")]
    [InlineData(ImportBehaviour.Reject, ImportCommand.RowsRejected, "rejected            1")]
    [InlineData(ImportBehaviour.Propose, ImportCommand.Success, "proposed            1   1 proposal(s) submitted for approval")]
    public async Task It_imports_under_the_behaviour_prints_a_summary_table_and_exits_for_scripts(ImportBehaviour behaviour, int exit, string line)
    {
        await SetBehaviourAsync(behaviour);

        var run = await RunAsync(File("customers.csv", Csv), "--as", "adam.admin@example.com");

        Assert.True(exit == run.Exit, run.Error);
        Assert.StartsWith($"Import imp-", run.Out, StringComparison.Ordinal);
        Assert.Contains($"of customers.csv as Adam Admin (adam.admin@example.com), import behaviour: {behaviour.ToString().ToLowerInvariant()}", run.Out, StringComparison.Ordinal);
        Assert.Contains("  rows                2", run.Out, StringComparison.Ordinal);
        Assert.Contains(line, run.Out, StringComparison.Ordinal);
        Assert.Equal("Tacoma", await CityAsync("US-002"));
        var record = Assert.Single(await ImportsAsync());
        Assert.Equal((ImportEntryPoint.Cli, "sample-admin", false), (record.EntryPoint, record.ActorId, record.DryRun));
        if (behaviour == ImportBehaviour.Reject)
        {
            Assert.Contains("Rejected rows:\n  row 1       US-001  Imports may not change fields that need approval: CreditLimit.", run.Out.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_dry_run_says_what_would_happen_and_changes_no_customer()
    {
        await SetBehaviourAsync(ImportBehaviour.Propose);

        var run = await RunAsync(File("customers.csv", Csv), "--as", "Adam Admin", "--dry-run");

        Assert.Equal(ImportCommand.Success, run.Exit);
        Assert.Contains("Dry run: no customer was changed", run.Out, StringComparison.Ordinal);
        Assert.Contains("1 proposal(s) would be submitted for approval", run.Out, StringComparison.Ordinal);
        Assert.Equal(("Redmond", "Seattle"), (await CityAsync(), await CityAsync("US-002")));
        Assert.Null((await _store.GetAsync("US-001"))!.OpenProposal);
        Assert.True(Assert.Single(await ImportsAsync()).DryRun);
    }

    [Fact]
    public async Task A_large_file_streams_through_with_a_progress_bar_on_a_terminal()
    {
        await SetBehaviourAsync(ImportBehaviour.Allow);
        var csv = new StringBuilder("CustomerId,City\n");
        for (var i = 0; i < 3_000; i++)
        {
            csv.Append(i % 2 == 0 ? "US-001,Boston\n" : "US-002,Tacoma\n");
        }

        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await ImportCommand.RunAsync([File("big.csv", csv.ToString()), "--as", "sample-admin", "--db", DatabasePath], null, output, error, progress: true);

        Assert.Equal(ImportCommand.Success, exit);
        Assert.Contains("  rows            3,000", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("] 100%  3,000 rows", error.ToString(), StringComparison.Ordinal);
        Assert.Contains("\r[", error.ToString(), StringComparison.Ordinal);
    }

    public static TheoryData<string[], string> Refusals() => new()
    {
        { ["{file}", "--as", "nobody@example.com"], "error: I don't know 'nobody@example.com'." },
        { ["{file}", "--as", "chloe.clerk@example.com"], "error: Only admins can import customer data, and you are clerk." },
        { ["{file}"], "error: say who imports: --as <user>." },
        { ["--as", "sample-admin"], "error: say which file to import." },
        { ["{file}", "--as", "sample-admin", "--force"], "error: unknown option '--force'." },
        { ["missing.csv", "--as", "sample-admin"], "error: there is no file " },
        { ["{latin1}", "--as", "sample-admin"], "error: The file is not UTF-8 text." },
        { ["{colour}", "--as", "sample-admin"], "error: The header names an unknown column 'Colour'." },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task What_cannot_be_imported_exits_2_saying_why_and_imports_nothing(string[] args, string message)
    {
        var file = File("customers.csv", Csv);
        var latin1 = File("latin1.csv", Encoding.Latin1.GetBytes("CustomerId,City\nUS-001,Köln\n"));
        var colour = File("colour.csv", "CustomerId,City,Colour\nUS-001,Boston,red\n");

        var run = await RunAsync([.. args.Select(a => a.Replace("{file}", file, StringComparison.Ordinal).Replace("{latin1}", latin1, StringComparison.Ordinal).Replace("{colour}", colour, StringComparison.Ordinal))]);

        Assert.Equal(ImportCommand.NotImported, run.Exit);
        Assert.StartsWith(message, run.Error, StringComparison.Ordinal);
        Assert.Contains("Nothing was imported.", run.Error, StringComparison.Ordinal);
        Assert.Equal(string.Empty, run.Out);
        Assert.Equal("Redmond", await CityAsync());
        Assert.Empty(await ImportsAsync());
    }

    [Fact]
    public async Task When_clerks_may_import_a_clerk_imports()
    {
        await SetBehaviourAsync(ImportBehaviour.Allow);

        var run = await RunAsync(new Dictionary<string, string?> { [ImportSettings.AllowedRolesKey] = "Admin,Clerk" }, File("c.csv", Csv), "--as", "chloe.clerk@example.com");

        Assert.True(run.Exit == ImportCommand.Success, run.Error);
        Assert.Equal("Boston", await CityAsync());
    }

    [Fact]
    public async Task As_a_process_it_exits_1_when_rows_were_rejected()
    {
        await SetBehaviourAsync(ImportBehaviour.Allow);
        var file = File("mixed.csv", "CustomerId,City\nUS-001,Boston\nUS-404,Nowhere\n");
        // The host as built beside these tests: bin/<configuration>/net10.0 of the bot project.
        var configuration = Path.GetFileName(Path.GetDirectoryName(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)))!;
        var dll = Path.Combine(NodeScript.RepositoryRoot, "bot", "CustomerWorkflow.Bot", "bin", configuration, "net10.0", "CustomerWorkflow.Bot.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = _folder };
        foreach (var arg in new[] { dll, "import", file, "--as", "adam.admin@example.com", "--db", DatabasePath })
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));

        Assert.True(process.ExitCode == ImportCommand.RowsRejected, await error);
        Assert.Contains("row 2       US-404  There is no customer US-404.", await output, StringComparison.Ordinal);
        Assert.DoesNotContain("\r[", await error, StringComparison.Ordinal);
        Assert.Equal("Boston", await CityAsync());
    }
}
