using CustomerWorkflow.Core.Engine;
using CustomerWorkflow.Core.Fields;
using CustomerWorkflow.Core.Proposals;
using CustomerWorkflow.Core.Samples;
using CustomerWorkflow.Core.Tests.TestData;
using CustomerWorkflow.Storage.Sqlite;

namespace CustomerWorkflow.Core.Tests.Engine;

/// <summary>The sample data loads into an empty store and works with the sample users.</summary>
public sealed class SampleDataTests : IDisposable
{
    private readonly TempDatabaseFile _database = new();
    private readonly SqliteWorkflowStore _store;

    public SampleDataTests() => _store = new SqliteWorkflowStore(new SqliteStoreOptions(_database.Path) { DurableCommits = false });

    [Fact]
    public async Task Seed_LoadsTheCustomersAndSettingsOnce()
    {
        await _store.InitializeAsync();

        var first = await SampleData.SeedAsync(_store);
        var second = await SampleData.SeedAsync(_store);

        Assert.Equal(SampleData.Customers.Count, first);
        Assert.Equal(0, second);
        Assert.Equal(first, await _store.CountCustomersAsync());
        Assert.Equal(SampleData.Settings.ApprovalFields, (await _store.GetSettingsAsync())?.Settings.ApprovalFields);
    }

    [Fact]
    public async Task SampleUsers_CanProposeAndApprove()
    {
        await _store.InitializeAsync();
        await SampleData.SeedAsync(_store);
        var engine = new ProposalEngine(_store, new FakeTimeProvider());
        var (clerk, approver) = (SampleData.Users[0], SampleData.Users[2]);

        await engine.SetFieldsAsync(clerk, "NL-001", [new(FieldCatalog.CreditLimit, "175000")]);
        await engine.SubmitAsync(clerk, "NL-001");
        var result = await engine.ApproveAsync(approver, "NL-001-P1");

        Assert.Equal(ProposalStatus.Applied, result.Proposal.Status);
        Assert.Equal("175000.00", result.Customer[FieldCatalog.CreditLimit]);
    }

    public void Dispose()
    {
        _store.Dispose();
        _database.Dispose();
    }
}
