using System.Globalization;
using CustomerWorkflow.Cards.Model;
using CustomerWorkflow.Cards.Views;
using CustomerWorkflow.Core;
using CustomerWorkflow.Core.Customers;
using CustomerWorkflow.Core.Engine;
using CustomerWorkflow.Core.Import;
using CustomerWorkflow.Core.Proposals;
using CustomerWorkflow.Core.Samples;
using CustomerWorkflow.Core.Settings;
using CustomerWorkflow.Core.Workflows;

namespace CustomerWorkflow.Cards.Tests;

/// <summary>
/// Every card the bot can send, across proposal states and viewers, built from real domain objects at a fixed time,
/// with user text that tries markdown, links and a DATE function. The snapshots, the JavaScript library and the
/// browser all check this one list.
/// </summary>
internal static class CardCatalog
{
    public const string Hostile = "**bold** _it_ [click](https://evil.example) {{DATE(2026-01-01T00:00:00Z, SHORT)}}";

    private static readonly DateTimeOffset T0 = DateTimeOffset.Parse("2026-11-02T09:30:00Z", CultureInfo.InvariantCulture);

    private static readonly Actor Clerk = new("sample-clerk", "Chloe Clerk", Roles.Clerk);
    private static readonly Actor Arun = new("sample-approver", "Arun Approver", Roles.Approver);
    private static readonly Actor Farah = new("sample-finance", "Farah Finance", Roles.Approver);
    private static readonly Actor Adam = new("sample-admin", "Adam Admin", Roles.Admin);

    public static People People { get; } = new(
    [
        new Person(Clerk.Id, Clerk.DisplayName, "29:clerk"),
        new Person(Arun.Id, Arun.DisplayName, "29:arun"),
        new Person(Farah.Id, Farah.DisplayName, "29:farah"),
        new Person(Adam.Id, Adam.DisplayName, "29:adam"),
    ]);

    private static Customer Customer { get; } = SampleData.Customers[0];

    private static WorkflowSettings TwoSteps { get; } = SampleData.Settings with
    {
        Steps =
        [
            SampleData.Settings.Steps[0],
            new ApprovalStepDefinition("Director sign-off", [Adam.Id], CompletionPolicy.SingleApprover, TimeSpan.FromDays(1)),
        ],
    };

    private static Proposal Draft(string? comment = null)
    {
        var proposal = Proposal.Start(Customer.Id, 1, Clerk, T0);
        proposal.Propose("CreditLimit", "250000.00", "300000.00", Clerk, T0);
        proposal.Propose("PaymentTerms", "Net30", "Net45", Clerk, T0);
        proposal.Propose("Email", "ap@contoso.com", comment is null ? "finance@contoso.com" : "x@contoso.com", Clerk, T0);
        return proposal;
    }

    private static Proposal Pending(WorkflowSettings? settings = null, string? comment = "Bigger orders from Q1 on")
    {
        var proposal = Draft();
        proposal.Submit(Clerk, T0.AddMinutes(5), comment, settings ?? SampleData.Settings);
        return proposal;
    }

    private static ApprovalView View(Proposal proposal, Customer? customer = null) =>
        new(proposal, customer ?? Customer, People, ApprovalView.LastDecision(proposal.NewHistory, proposal.Id));

    /// <summary>The credit-limit template copied as CREDIT: enabled with its finance approver, or just created without one.</summary>
    private static WorkflowView Workflow(bool enabled, int running)
    {
        var definition = new CreditLimitTemplate().Create("CREDIT") with
        {
            Version = enabled ? 2 : 1,
            CreatedAt = T0,
            CreatedBy = Adam.Id,
            Change = enabled ? $"set finance={Farah.Id}, description={Hostile}" : "created from MS-CREDIT-LIMIT",
            Description = enabled ? Hostile : new CreditLimitTemplate().Description,
        };
        if (enabled)
        {
            definition = definition with { Parameters = definition.Parameters.SetItem(1, definition.Parameters[1] with { Value = Farah.Id }) };
        }

        var record = new WorkflowRecord(definition, enabled ? WorkflowState.Enabled : WorkflowState.Disabled, 3);
        return WorkflowCatalog.BuiltIn.Describe(record, running, People.Name);
    }

    public static IReadOnlyList<(string Name, AdaptiveCard Card)> All()
    {
        var pending = Pending();
        var hostile = Pending(comment: Hostile);

        var step2 = Pending(TwoSteps);
        step2.Approve(Arun, T0.AddHours(1), "fine");

        var applied = Pending();
        applied.Approve(Farah, T0.AddHours(2), "ok");
        var appliedCustomer = applied.Apply(Customer, T0.AddHours(2));

        var rejected = Pending();
        rejected.Reject(Arun, T0.AddHours(3), Hostile);

        var sentBack = Pending();
        sentBack.RequestChange(Farah, T0.AddHours(3), "Please make it 280000");

        var conflict = Pending();
        conflict.Approve(Arun, T0.AddHours(4), null);
        var changedMeanwhile = Customer.With("CreditLimit", "260000.00");
        conflict.Apply(changedMeanwhile, T0.AddHours(4));

        var recalled = Pending();
        recalled.Recall(Clerk, T0.AddHours(1), "wrong amount");

        var settings = SampleData.Settings;
        var withProposal = new CustomerView(Customer, pending, settings);
        var history = Draft();
        history.Submit(Clerk, T0.AddMinutes(5), Hostile, settings);
        history.Approve(Arun, T0.AddHours(1), "looks right");
        history.Apply(Customer, T0.AddHours(1));

        var underWorkflow = Draft();
        const string why = "CREDIT v1: CreditLimit increased 250000.00 → 300000.00; CreditLimit 300000.00 > 10000.00";
        underWorkflow.Submit(Clerk, T0.AddMinutes(5), null, new SubmitPlan(
            [
                new ApprovalStepDefinition("Manager approval", [Arun.Id], CompletionPolicy.SingleApprover, TimeSpan.FromDays(2), OverdueAction.Escalate, Farah.Id),
                new ApprovalStepDefinition("Finance approval", [Farah.Id], CompletionPolicy.SingleApprover, TimeSpan.FromDays(2)),
            ],
            new WorkflowRun("CREDIT", 1, why),
            why), submitterMayApprove: false);
        underWorkflow.Approve(Arun, T0.AddHours(1), "ok for me");
        underWorkflow.Approve(Farah, T0.AddHours(2), null);
        underWorkflow.Apply(Customer, T0.AddHours(2));

        return
        [
            ("approval-pending-due-approver", ApprovalCard.Build(View(pending), Arun.Id)),
            ("approval-pending-other-viewer", ApprovalCard.Build(View(pending), Clerk.Id)),
            ("approval-pending-hostile-text", ApprovalCard.Build(View(hostile), Arun.Id)),
            ("approval-step2-due-approver", ApprovalCard.Build(View(step2), Adam.Id)),
            ("approval-step2-earlier-approver", ApprovalCard.Build(View(step2), Arun.Id)),
            ("approval-applied", ApprovalCard.Build(View(applied, appliedCustomer), Farah.Id)),
            ("approval-stale-click", ApprovalCard.Build(View(applied, appliedCustomer) with { Note = "Proposal US-001-P1 has changed since this was shown to you; here is where it stands now." }, Arun.Id)),
            ("approval-rejected", ApprovalCard.Build(View(rejected), Arun.Id)),
            ("approval-change-requested", ApprovalCard.Build(View(sentBack), Farah.Id)),
            ("approval-conflict", ApprovalCard.Build(View(conflict), Arun.Id)),
            ("approval-recalled", ApprovalCard.Build(View(recalled), Arun.Id)),
            ("notice-applied", OtherCards.OutcomeNotice(View(applied, appliedCustomer))),
            ("notice-rejected", OtherCards.OutcomeNotice(View(rejected))),
            ("notice-change-requested", OtherCards.OutcomeNotice(View(sentBack))),
            ("notice-conflict", OtherCards.OutcomeNotice(View(conflict))),
            ("changes-not-submitted", ClerkCards.ProposedChanges(Draft(), Customer, People)),
            ("changes-pending", ClerkCards.ProposedChanges(pending, Customer, People)),
            ("changes-change-requested", ClerkCards.ProposedChanges(sentBack, Customer, People)),
            ("customer-with-proposal", ClerkCards.Customer(withProposal, People)),
            ("customer-plain", ClerkCards.Customer(new CustomerView(appliedCustomer, null, settings), People)),
            ("history", OtherCards.History(Customer.Id, history.NewHistory)),
            ("history-empty", OtherCards.History(Customer.Id, [])),
            ("inbox", OtherCards.Inbox([(pending, Customer), (step2, SampleData.Customers[1])], People)),
            ("inbox-empty", OtherCards.Inbox([], People)),
            ("settings", OtherCards.Settings(settings, 7)),
            ("history-under-workflow", OtherCards.History(Customer.Id, underWorkflow.NewHistory)),
            ("workflow-enabled", WorkflowCards.Workflow(Workflow(enabled: true, running: 2))),
            ("workflow-new-from-template", WorkflowCards.Workflow(Workflow(enabled: false, running: 0))),
            ("import-result", ImportCards.Result(Import(), ImportRejections(12))),
            ("import-result-all-shown", ImportCards.Result(Import() with { Rejected = 2, Rows = 1010 }, ImportRejections(2))),
            ("import-result-dry-run", ImportCards.Result(Import() with { DryRun = true, EntryPoint = ImportEntryPoint.Cli, Problems = [] }, ImportRejections(12))),
            ("import-result-incomplete", ImportCards.Result(Import() with { Status = ImportStatus.Incomplete, Message = "the store failed (CosmosStoreException) after row 500" }, ImportRejections(12))),
            ("import-rejections-page", ImportCards.Rejections(Import(), ImportRejections(12).Skip(10).ToList(), 10)),
        ];
    }

    private static ImportRecord Import() => new()
    {
        Id = "imp-7k2m9q4x",
        At = T0,
        EntryPoint = ImportEntryPoint.Teams,
        ActorId = Adam.Id,
        ActorName = Adam.DisplayName,
        FileName = "customers " + Hostile + ".csv",
        Bytes = 48_213,
        Behaviour = ImportBehaviour.Propose,
        Rows = 1020,
        Applied = 900,
        Proposed = 80,
        Rejected = 12,
        Unchanged = 28,
        Submitted = 79,
        SubmittedProposals = ["US-001-P2"],
        Problems = ["US-009-P1 was not submitted: Step 'Finance approval' has no approver other than you."],
        Pages = 1,
    };

    /// <summary>Rejections whose ids and reasons quote the file, markdown and all.</summary>
    private static List<ImportRowResult> ImportRejections(int count) =>
        [.. Enumerable.Range(1, count).Select(i => i % 3 == 0
            ? new ImportRowResult(i * 7, "US-4" + i.ToString("00", CultureInfo.InvariantCulture), ImportOutcome.Rejected, $"There is no customer US-4{i:00}.", [])
            : new ImportRowResult(i * 7, i == 1 ? Hostile : "US-001", ImportOutcome.Rejected, $"'{Hostile}' is not a valid Email: it must look like name@example.com.", [new("Email", ImportOutcome.Rejected, "bad email")]))];
}
