using CustomerWorkflow.Core.Settings;
using CustomerWorkflow.Core.Import;
using CustomerWorkflow.Core.Fields;
using CustomerWorkflow.Core.Proposals;
using CustomerWorkflow.Core.Tests.TestData;
using CustomerWorkflow.Core.Workflows;

namespace CustomerWorkflow.Core.Tests.Workflows;

/// <summary>
/// Which workflow a proposal runs under, and why, in words the history keeps; and that a proposal finishes under the
/// version it started with.
/// </summary>
public sealed class WorkflowSelectionTests : WorkflowTestBase
{
    private async Task<string> ChosenAsync() =>
        (await HistoryAsync()).Last(h => h.Action == HistoryAction.WorkflowChosen).Detail!;

    [Fact]
    public async Task The_most_specific_matching_workflow_is_chosen_and_the_history_says_why()
    {
        await EnabledAsync("ANY", WorkflowTemplates.SingleApprover, (SingleApproverTemplate.Approver, "dan"));
        await EnabledAsync("CREDIT", WorkflowTemplates.CreditLimit, (CreditLimitTemplate.Finance, "eve"));

        var proposal = (await SubmitCreditLimitAsync("25000")).Proposal;

        Assert.Equal("CREDIT", proposal.Run!.Code);
        Assert.Equal("CREDIT v1: CreditLimit increased 1000.00 → 25000.00; CreditLimit 25000.00 > 10000.00 (chosen over ANY: more specific)", await ChosenAsync());
        var chosen = (await HistoryAsync()).Single(h => h.Action == HistoryAction.WorkflowChosen);
        Assert.Equal(("system", (int?)null), (chosen.ActorId, chosen.Step));
        Assert.Equal(proposal.Run.Reason, chosen.Detail);
    }

    [Fact]
    public async Task A_proposal_an_import_starts_is_submitted_under_the_workflow_that_fits_it()
    {
        await GivenSettingsAsync(A.Settings().Importing(ImportBehaviour.Propose));
        await EnabledAsync("CREDIT", WorkflowTemplates.CreditLimit, (CreditLimitTemplate.Finance, "eve"));
        // The importer submits, so the manager step asks the importer's manager.
        await PersonAsync(Users.Admin, manager: "ann");
        var csv = "CustomerId,CreditLimit\nUS-001,25000\n"u8.ToArray();

        var summary = await Flow.ImportAsync(Users.Admin, ImportReaders.ReadCsvAsync(new MemoryStream(csv)));

        Assert.Empty(summary.Problems);
        Assert.Equal(["US-001-P1"], summary.SubmittedProposals);
        var proposal = await Flow.GetProposalAsync("US-001-P1");
        Assert.Equal(("CREDIT", ProposalStatus.PendingApproval), (proposal.Run!.Code, proposal.Status));
        Assert.StartsWith("CREDIT v1: CreditLimit increased 1000.00 → 25000.00", await ChosenAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_workflow_whose_conditions_miss_leaves_the_proposal_to_the_others()
    {
        await EnabledAsync("ANY", WorkflowTemplates.SingleApprover, (SingleApproverTemplate.Approver, "dan"));
        await EnabledAsync("CREDIT", WorkflowTemplates.CreditLimit, (CreditLimitTemplate.Finance, "eve"));

        var proposal = (await SubmitCreditLimitAsync("900")).Proposal;

        Assert.Equal("ANY", proposal.Run!.Code);
        Assert.Equal("ANY v1: it has no conditions, so it takes every proposal", await ChosenAsync());
    }

    [Fact]
    public async Task A_higher_priority_wins_over_a_more_specific_workflow()
    {
        await Manager.CreateFromTemplateAsync(Users.Admin, "any", WorkflowTemplates.SingleApprover, [new(SingleApproverTemplate.Approver, "dan"), new(WorkflowManager.PriorityName, "5")]);
        await Manager.EnableAsync(Users.Admin, "ANY");
        await EnabledAsync("CREDIT", WorkflowTemplates.CreditLimit, (CreditLimitTemplate.Finance, "eve"));

        var proposal = (await SubmitCreditLimitAsync("25000")).Proposal;

        Assert.Equal("ANY", proposal.Run!.Code);
        Assert.EndsWith("(chosen over CREDIT: higher priority)", await ChosenAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Equal_workflows_are_chosen_by_code()
    {
        await EnabledAsync("BETA", WorkflowTemplates.SingleApprover, (SingleApproverTemplate.Approver, "dan"));
        await EnabledAsync("ALPHA", WorkflowTemplates.SingleApprover, (SingleApproverTemplate.Approver, "eve"));

        var proposal = (await SubmitCreditLimitAsync()).Proposal;

        Assert.Equal(("ALPHA", "eve"), (proposal.Run!.Code, proposal.DueApprovers.Single()));
        Assert.EndsWith("(chosen over BETA: first by code)", await ChosenAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_a_matching_workflow_the_default_steps_apply_and_the_history_says_so()
    {
        await EnabledAsync("CREDIT", WorkflowTemplates.CreditLimit, (CreditLimitTemplate.Finance, "eve"));

        var proposal = (await SubmitCreditLimitAsync("5000")).Proposal;

        Assert.Null(proposal.Run);
        Assert.Equal(["ann", "bob"], proposal.DueApprovers);
        Assert.Equal("No enabled workflow takes this proposal (CREDIT: CreditLimit 5000.00 is not > 10000.00): the default approval steps from the settings apply.", await ChosenAsync());
    }

    [Theory]
    [InlineData(WorkflowState.Disabled)]
    [InlineData(WorkflowState.Archived)]
    public async Task Only_enabled_workflows_are_chosen(WorkflowState state)
    {
        await EnabledAsync("ANY", WorkflowTemplates.SingleApprover, (SingleApproverTemplate.Approver, "dan"));
        await (state == WorkflowState.Disabled ? Manager.DisableAsync(Users.Admin, "ANY") : Manager.ArchiveAsync(Users.Admin, "ANY"));

        var proposal = (await SubmitCreditLimitAsync()).Proposal;

        Assert.Null(proposal.Run);
        Assert.Equal("No workflow is enabled: the default approval steps from the settings apply.", await ChosenAsync());
    }

    [Fact]
    public async Task A_proposal_in_flight_finishes_under_the_version_it_started_with()
    {
        await EnabledAsync("CREDIT", WorkflowTemplates.CreditLimit, (CreditLimitTemplate.Finance, "eve"));
        var first = (await SubmitCreditLimitAsync("25000")).Proposal;
        await Manager.DisableAsync(Users.Admin, "CREDIT");
        await Manager.SetAsync(Users.Admin, "CREDIT", [new(CreditLimitTemplate.Finance, "dan")]);
        await Manager.EnableAsync(Users.Admin, "CREDIT");
        await GivenCustomersAsync(A.Customer("US-002").Build());
        await SetAsync(Users.Clerk, "US-002", (FieldCatalog.CreditLimit, "30000"));

        var second = (await Flow.SubmitAsync(Users.Clerk, "US-002")).Proposal;
        await Flow.ApproveAsync(Users.Ann, first.Id);
        var finance = await StoredProposalAsync(first.Id);

        Assert.Equal((1, "eve"), (finance.Run!.Version, finance.DueApprovers.Single()));
        Assert.Equal((2, "dan"), (second.Run!.Version, second.Steps[1].Approvers.Single().UserId));
        Assert.Equal(ProposalStatus.Applied, (await Flow.ApproveAsync(Users.Eve, first.Id)).Proposal.Status);
    }

    [Fact]
    public async Task A_resubmit_keeps_the_workflow_and_steps_it_started_with()
    {
        await EnabledAsync("CREDIT", WorkflowTemplates.CreditLimit, (CreditLimitTemplate.Finance, "eve"));
        var proposal = (await SubmitCreditLimitAsync("25000")).Proposal;
        await Flow.RequestChangeAsync(Users.Ann, proposal.Id, "make it 20000");
        await SetAsync((FieldCatalog.CreditLimit, "20000"));

        var resubmitted = (await Flow.SubmitAsync(Users.Clerk, "US-001")).Proposal;

        Assert.Equal(("CREDIT", 1), (resubmitted.Run!.Code, resubmitted.Run.Version));
        Assert.Equal(["Manager approval", "Finance approval"], resubmitted.Steps.Select(s => s.Name));
        Assert.Single(await HistoryAsync(), h => h.Action == HistoryAction.WorkflowChosen);
    }

    [Fact]
    public async Task A_later_step_whose_conditions_miss_is_skipped_and_said_so()
    {
        await EnabledAsync("TIERED",
            Approval("ann"),
            On(WorkflowEvents.StepApproved, WorkflowResponses.RequestApproval, new ResponseOptions { Approvers = ApproverSpec.Users("cat") }, "Board") with
            {
                Conditions = [new WorkflowCondition(FieldCatalog.CreditLimit, ConditionOperators.GreaterThan, "1000000")],
            });

        var proposal = (await SubmitCreditLimitAsync("25000")).Proposal;

        Assert.Equal(["Approval"], proposal.Steps.Select(s => s.Name));
        Assert.Equal("TIERED v1: it has no conditions, so it takes every proposal; step 2 (Board) skipped: CreditLimit 25000.00 is not > 1000000.00", await ChosenAsync());
    }

    [Fact]
    public async Task The_engine_without_workflows_keeps_the_settings_steps_and_says_nothing_of_workflows()
    {
        await EnabledAsync("ANY", WorkflowTemplates.SingleApprover, (SingleApproverTemplate.Approver, "dan"));
        await SetAsync((FieldCatalog.CreditLimit, "5000"));

        var proposal = (await Engine.SubmitAsync(Users.Clerk, "US-001")).Proposal;

        Assert.Null(proposal.Run);
        Assert.DoesNotContain(await HistoryAsync(), h => h.Action == HistoryAction.WorkflowChosen);
    }
}
