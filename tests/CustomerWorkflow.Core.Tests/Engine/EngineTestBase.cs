using System.Text;
using CustomerWorkflow.Core.Customers;
using CustomerWorkflow.Core.Engine;
using CustomerWorkflow.Core.Fields;
using CustomerWorkflow.Core.Import;
using CustomerWorkflow.Core.Proposals;
using CustomerWorkflow.Core.Settings;
using CustomerWorkflow.Core.Storage;
using CustomerWorkflow.Core.Tests.TestData;
using CustomerWorkflow.Storage.Sqlite;

namespace CustomerWorkflow.Core.Tests.Engine;

/// <summary>
/// The engine over a real SQLite store in a database file of its own for each test, with a clock the test sets.
/// Starts with customer US-001 (see <see cref="CustomerBuilder"/>) and the settings of <see cref="SettingsBuilder"/>.
/// </summary>
public abstract class EngineTestBase : IAsyncLifetime, IDisposable
{
    private readonly TempDatabaseFile _database = new();

    protected EngineTestBase()
    {
        // Commits need not survive power loss in a test; skipping the fsyncs keeps the suite fast.
        Store = new SqliteWorkflowStore(new SqliteStoreOptions(_database.Path) { DurableCommits = false });
        Engine = new ProposalEngine(Store, Time);
    }

    internal FakeTimeProvider Time { get; } = new();

    internal SqliteWorkflowStore Store { get; }

    /// <summary>The database file, for a second instance on it.</summary>
    internal string DatabasePath => _database.Path;

    internal ProposalEngine Engine { get; }

    public virtual async Task InitializeAsync()
    {
        await Store.InitializeAsync();
        await GivenCustomersAsync(A.Customer("US-001").Build());
        await GivenSettingsAsync(A.Settings());
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            Store.Dispose();
            _database.Dispose();
        }
    }

    internal Task GivenCustomersAsync(params Customer[] customers) =>
        Store.CommitAsync(customers.Select(c => new RecordWrite(c, null, 0, 0)).ToList());

    /// <summary>Puts settings in place directly (setup, not the behaviour under test).</summary>
    internal async Task GivenSettingsAsync(WorkflowSettings settings)
    {
        var current = await Store.GetSettingsAsync();
        await Store.SaveSettingsAsync(settings, current?.Version ?? 0, []);
    }

    internal async Task<CustomerRecord> RecordAsync(string customerId = "US-001") =>
        await Store.GetAsync(customerId) ?? throw new InvalidOperationException($"No customer {customerId} in the store.");

    internal async Task<Customer> CustomerAsync(string customerId = "US-001") => (await RecordAsync(customerId)).Customer;

    internal async Task<Proposal> StoredProposalAsync(string proposalId) =>
        await Store.GetProposalAsync(proposalId) ?? throw new InvalidOperationException($"No proposal {proposalId} in the store.");

    internal Task<SetFieldsResult> SetAsync(Actor actor, string customerId, params (string Field, string Value)[] changes) =>
        Engine.SetFieldsAsync(actor, customerId, changes.Select(c => new KeyValuePair<string, string>(c.Field, c.Value)).ToList());

    internal Task<SetFieldsResult> SetAsync(params (string Field, string Value)[] changes) => SetAsync(Users.Clerk, "US-001", changes);

    /// <summary>The clerk proposes CreditLimit 5000.00 on US-001 and submits it; ann or bob decides.</summary>
    internal async Task<Proposal> SubmittedProposalAsync(string creditLimit = "5000")
    {
        await SetAsync((FieldCatalog.CreditLimit, creditLimit));
        return (await Engine.SubmitAsync(Users.Clerk, "US-001")).Proposal;
    }

    internal Task<ImportSummary> ImportCsvAsync(string csv, Actor? actor = null, Action<ImportRowResult>? onRow = null) =>
        Engine.ImportAsync(actor ?? Users.Admin, ImportReaders.ReadCsvAsync(new MemoryStream(Encoding.UTF8.GetBytes(csv))), onRow);

    internal Task<ImportSummary> ImportJsonAsync(string json) =>
        Engine.ImportAsync(Users.Admin, ImportReaders.ReadJsonAsync(new MemoryStream(Encoding.UTF8.GetBytes(json))));
}
