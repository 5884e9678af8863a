using CustomerWorkflow.Core.Engine;
using CustomerWorkflow.Core.Fields;
using CustomerWorkflow.Core.People;
using CustomerWorkflow.Core.Proposals;
using CustomerWorkflow.Core.Tests.Engine;
using CustomerWorkflow.Core.Tests.TestData;
using CustomerWorkflow.Core.Workflows;

namespace CustomerWorkflow.Core.Tests.Workflows;

/// <summary>
/// The engine with workflows over the real SQLite store: the admin's <see cref="Manager"/>, and <see cref="Flow"/>, an
/// engine that chooses workflows at submit. The people are stored with their managers and approval limits (the
/// directory without Graph): clerk → ann → bob → cat, with limits ann 5000, bob 50000, cat 10000000. Directory groups
/// (which need Graph in the product) come from <see cref="Groups"/>.
/// </summary>
public abstract class WorkflowTestBase : EngineTestBase
{
    protected WorkflowTestBase()
    {
        Directory = new TestDirectory(new StoredApproverDirectory(Store), Groups);
        Router = new WorkflowRouter(Store, Catalog, Directory);
        Flow = new ProposalEngine(Store, Time, Router);
        Manager = new WorkflowManager(Store, Catalog, Time);
    }

    internal virtual WorkflowCatalog Catalog => WorkflowCatalog.BuiltIn;

    internal Dictionary<string, IReadOnlyList<string>> Groups { get; } = new(StringComparer.OrdinalIgnoreCase);

    internal IApproverDirectory Directory { get; }

    internal WorkflowRouter Router { get; }

    /// <summary>The engine as the bot wires it: with workflows.</summary>
    internal ProposalEngine Flow { get; }

    internal WorkflowManager Manager { get; }

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await PersonAsync(Users.Clerk, manager: "ann");
        await PersonAsync(Users.Ann, manager: "bob", limit: 5000m);
        await PersonAsync(Users.Bob, manager: "cat", limit: 50000m);
        await PersonAsync(Users.Cat, limit: 10_000_000m);
        await PersonAsync(Users.Dan);
        await PersonAsync(Users.Eve);
        await PersonAsync(Users.Zed);
    }

    internal Task PersonAsync(Actor who, string? manager = null, decimal? limit = null) =>
        Store.SaveUserAsync(new UserProfile(who.Id, who.DisplayName, Roles: who.Roles) { ManagerId = manager, ApprovalLimit = limit }, 0);

    /// <summary>A workflow made from a template, with parameter values, enabled.</summary>
    internal async Task<WorkflowRecord> EnabledAsync(string code, string template, params (string Name, string Value)[] values)
    {
        await Manager.CreateFromTemplateAsync(Users.Admin, code, template, values.Select(v => new KeyValuePair<string, string>(v.Name, v.Value)).ToList());
        return await Manager.EnableAsync(Users.Admin, code);
    }

    /// <summary>A workflow of the given steps (first on proposal-submitted), stored and enabled.</summary>
    internal async Task<WorkflowRecord> EnabledAsync(string code, params WorkflowStep[] steps) =>
        await EnabledAsync(new WorkflowDefinition { Code = code, Steps = [.. steps] });

    internal async Task<WorkflowRecord> EnabledAsync(WorkflowDefinition definition)
    {
        Assert.Empty(Catalog.Check(definition));
        var record = new WorkflowRecord(definition, WorkflowState.Enabled, 0) { UpdatedAt = Time.GetUtcNow(), UpdatedBy = Users.Admin.Id };
        var revision = await Store.SaveWorkflowAsync(record, 0);
        return record with { Revision = revision };
    }

    /// <summary>A request-approval step on the submit, by specific users.</summary>
    internal static WorkflowStep Approval(params string[] users) =>
        new(WorkflowEvents.ProposalSubmitted, WorkflowResponses.RequestApproval) { Name = "Approval", Options = new ResponseOptions { Approvers = ApproverSpec.Users(users) } };

    internal static WorkflowStep Approval(ApproverSpec approvers, string name = "Approval", TimeSpan? dueIn = null) =>
        new(WorkflowEvents.ProposalSubmitted, WorkflowResponses.RequestApproval) { Name = name, Options = new ResponseOptions { Approvers = approvers, DueIn = dueIn } };

    internal static WorkflowStep On(string workflowEvent, string response, ResponseOptions? options = null, string? name = null) =>
        new(workflowEvent, response) { Name = name, Options = options ?? new ResponseOptions() };

    /// <summary>The clerk proposes a credit limit on US-001 (1000.00 now) and submits through <see cref="Flow"/>.</summary>
    internal async Task<ProposalResult> SubmitCreditLimitAsync(string creditLimit = "25000", Actor? clerk = null)
    {
        await SetAsync(clerk ?? Users.Clerk, "US-001", (FieldCatalog.CreditLimit, creditLimit));
        return await Flow.SubmitAsync(clerk ?? Users.Clerk, "US-001");
    }

    internal async Task<IReadOnlyList<HistoryEntry>> HistoryAsync() => await Flow.GetHistoryAsync("US-001");

    /// <summary>Directory groups from a dictionary, everything else from the stored people.</summary>
    internal sealed class TestDirectory(IApproverDirectory people, IReadOnlyDictionary<string, IReadOnlyList<string>> groups) : IApproverDirectory
    {
        public Task<string?> ManagerOfAsync(string userId, CancellationToken cancellationToken = default) => people.ManagerOfAsync(userId, cancellationToken);

        public Task<IReadOnlyList<string>?> GroupMembersAsync(string groupId, CancellationToken cancellationToken = default) =>
            Task.FromResult(groups.TryGetValue(groupId, out var members) ? members : null);

        public Task<decimal?> ApprovalLimitAsync(string userId, CancellationToken cancellationToken = default) => people.ApprovalLimitAsync(userId, cancellationToken);
    }
}
