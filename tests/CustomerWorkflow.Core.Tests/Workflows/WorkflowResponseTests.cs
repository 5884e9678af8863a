using CustomerWorkflow.Core.Fields;
using CustomerWorkflow.Core.Proposals;
using CustomerWorkflow.Core.Settings;
using CustomerWorkflow.Core.Tests.TestData;
using CustomerWorkflow.Core.Workflows;

namespace CustomerWorkflow.Core.Tests.Workflows;

/// <summary>Each response of the catalog, doing what it says, in the write of the event it follows.</summary>
public sealed class WorkflowResponseTests : WorkflowTestBase
{
    [Fact]
    public async Task Request_approval_lays_out_a_step_with_its_approvers_policy_and_due_time()
    {
        await EnabledAsync("REQ", Approval(ApproverSpec.Users("ann", "bob", "cat"), "Board", TimeSpan.FromDays(3)) with
        {
            Options = new ResponseOptions { Approvers = ApproverSpec.Users("ann", "bob", "cat"), Policy = CompletionPolicy.Majority, DueIn = TimeSpan.FromDays(3) },
        });

        var proposal = (await SubmitCreditLimitAsync()).Proposal;

        var step = Assert.Single(proposal.Steps);
        Assert.Equal(("Board", CompletionPolicy.Majority, TestClock.Start.AddDays(3)), (step.Name, step.Policy, step.DueAt));
        Assert.Equal(["ann", "bob", "cat"], step.Approvers.Select(a => a.UserId));
        await Flow.ApproveAsync(Users.Ann, proposal.Id);
        Assert.Equal(ProposalStatus.Applied, (await Flow.ApproveAsync(Users.Bob, proposal.Id)).Proposal.Status);
    }

    [Fact]
    public async Task Apply_the_new_values_writes_them_to_the_customer_when_the_proposal_is_approved()
    {
        await EnabledAsync("APPLY", Approval("ann"), On(WorkflowEvents.ProposalApproved, WorkflowResponses.ApplyChanges));
        var proposal = (await SubmitCreditLimitAsync("7500")).Proposal;

        var result = await Flow.ApproveAsync(Users.Ann, proposal.Id);

        Assert.Equal(ProposalStatus.Applied, result.Proposal.Status);
        Assert.Equal("7500.00", (await CustomerAsync())[FieldCatalog.CreditLimit]);
        Assert.Equal(HistoryAction.Applied, (await HistoryAsync())[^1].Action);
    }

    [Theory]
    [InlineData(WorkflowEvents.ChangeRequested)]
    [InlineData(WorkflowEvents.ProposalRecalled)]
    public async Task Discard_the_new_values_closes_the_proposal_instead_of_sending_it_back(string onEvent)
    {
        await EnabledAsync("DISCARD", Approval("ann"), On(onEvent, WorkflowResponses.DiscardChanges));
        var proposal = (await SubmitCreditLimitAsync()).Proposal;

        var result = onEvent == WorkflowEvents.ChangeRequested
            ? await Flow.RequestChangeAsync(Users.Ann, proposal.Id, "no")
            : await Flow.RecallAsync(Users.Clerk, "US-001");

        Assert.Equal(ProposalStatus.Discarded, result.Proposal.Status);
        Assert.Null((await RecordAsync()).OpenProposal);
        Assert.Equal("1000.00", (await CustomerAsync())[FieldCatalog.CreditLimit]);
        var last = (await HistoryAsync())[^1];
        Assert.Equal((HistoryAction.Discarded, "system"), (last.Action, last.ActorId));
    }

    [Fact]
    public async Task Notify_the_submitter_tells_whoever_submitted()
    {
        await EnabledAsync("TELL", Approval("ann"), On(WorkflowEvents.ProposalRejected, WorkflowResponses.NotifySubmitter, new ResponseOptions { Message = "Sorry." }));
        var proposal = (await SubmitCreditLimitAsync()).Proposal;

        var result = await Flow.RejectAsync(Users.Ann, proposal.Id, "no");

        var effect = Assert.Single(result.Effects);
        Assert.Equal((EffectKind.Notify, "US-001-P1", "TELL v1 step 2"), (effect.Kind, effect.ProposalId, effect.Source));
        Assert.Equal(["clerk"], effect.Users);
        Assert.Equal("Sorry. Proposal US-001-P1 for US-001 Contoso Retail: the proposal is rejected.", effect.Message);
    }

    [Fact]
    public async Task Notify_users_tells_named_people_and_the_members_of_a_group_once_each()
    {
        Groups["risk"] = ["dan", "eve", "zed"];
        await EnabledAsync("TELL", Approval("ann"), On(WorkflowEvents.ProposalApplied, WorkflowResponses.NotifyUsers, new ResponseOptions { Recipients = ["zed", "group:risk"] }));
        var proposal = (await SubmitCreditLimitAsync()).Proposal;

        var result = await Flow.ApproveAsync(Users.Ann, proposal.Id);

        var effect = Assert.Single(result.Effects);
        Assert.Equal(["zed", "dan", "eve"], effect.Users);
        Assert.Equal("Proposal US-001-P1 for US-001 Contoso Retail: the new values are applied.", effect.Message);
    }

    [Fact]
    public async Task Post_to_a_channel_asks_for_a_post_in_that_channel()
    {
        await EnabledAsync("POST", Approval("ann"), On(WorkflowEvents.ProposalSubmitted, WorkflowResponses.PostToChannel, new ResponseOptions { Channel = "19:credit@thread.tacv2" }));

        var result = await SubmitCreditLimitAsync();

        var effect = Assert.Single(result.Effects);
        Assert.Equal((EffectKind.PostToChannel, "19:credit@thread.tacv2"), (effect.Kind, effect.Channel));
        Assert.Empty(effect.Users);
    }

    /// <summary>An overdue response, and what it makes of the approval step before it.</summary>
    public static TheoryData<string, OverdueAction> OverdueResponses { get; } = new()
    {
        { WorkflowResponses.Escalate, OverdueAction.Escalate },
        { WorkflowResponses.Remind, OverdueAction.Remind },
        { WorkflowResponses.ApproveAutomatically, OverdueAction.Approve },
        { WorkflowResponses.RejectAutomatically, OverdueAction.Reject },
    };

    [Theory]
    [MemberData(nameof(OverdueResponses))]
    public async Task An_overdue_response_becomes_the_overdue_action_of_the_approval_step_before_it(string response, OverdueAction action)
    {
        await EnabledAsync("LATE",
            Approval(ApproverSpec.Users("ann"), "First", TimeSpan.FromHours(8)),
            On(WorkflowEvents.ApprovalOverdue, response, response == WorkflowResponses.Escalate ? new ResponseOptions { EscalateTo = "cat" } : null),
            On(WorkflowEvents.StepApproved, WorkflowResponses.RequestApproval, new ResponseOptions { Approvers = ApproverSpec.Users("bob") }, "Second"));

        var proposal = (await SubmitCreditLimitAsync()).Proposal;

        Assert.Equal((action, response == WorkflowResponses.Escalate ? "cat" : null, TestClock.Start.AddHours(8)), (proposal.Steps[0].OnOverdue, proposal.Steps[0].EscalateTo, proposal.Steps[0].DueAt));
        Assert.Equal((OverdueAction.None, (string?)null), (proposal.Steps[1].OnOverdue, proposal.Steps[1].EscalateTo));
        Assert.Equal(action, (await StoredProposalAsync(proposal.Id)).Workflow[0].OnOverdue);
    }

    [Fact]
    public async Task Approve_automatically_on_submit_applies_a_decrease_at_once_without_approvers()
    {
        await EnabledAsync("LOWER", On(WorkflowEvents.ProposalSubmitted, WorkflowResponses.ApproveAutomatically, new ResponseOptions { Message = "lowering a limit needs no approval" }) with
        {
            Conditions = [new WorkflowCondition(FieldCatalog.CreditLimit, ConditionOperators.Decreased)],
        });

        var result = await SubmitCreditLimitAsync("400");

        Assert.Equal(ProposalStatus.Applied, result.Proposal.Status);
        Assert.Equal("400.00", result.Customer[FieldCatalog.CreditLimit]);
        Assert.Empty(result.Proposal.Steps);
        var approved = Assert.Single(await HistoryAsync(), h => h.Action == HistoryAction.Approved);
        Assert.Equal(("system", "automatically: lowering a limit needs no approval"), (approved.ActorId, approved.Detail));
    }

    [Fact]
    public async Task Reject_automatically_on_submit_closes_the_proposal_with_the_reason()
    {
        await EnabledAsync("NEVER", On(WorkflowEvents.ProposalSubmitted, WorkflowResponses.RejectAutomatically, new ResponseOptions { Message = "Blocked customers keep their limit." }) with
        {
            Conditions = [new WorkflowCondition(FieldCatalog.Blocked, ConditionOperators.EqualTo, "No")],
        });

        var result = await SubmitCreditLimitAsync();

        Assert.Equal(ProposalStatus.Rejected, result.Proposal.Status);
        Assert.Equal("Blocked customers keep their limit.", result.Proposal.DecisionComment);
        Assert.Equal("1000.00", (await CustomerAsync())[FieldCatalog.CreditLimit]);
    }

    [Fact]
    public async Task A_response_that_cannot_follow_the_event_is_refused_when_the_step_is_added()
    {
        await Manager.CreateFromTemplateAsync(Users.Admin, "credit", WorkflowTemplates.CreditLimit, []);

        var refusal = await Assert.ThrowsAsync<WorkflowException>(() => Manager.AddStepAsync(Users.Admin, "CREDIT", WorkflowEvents.ProposalApplied, WorkflowResponses.Escalate, null));

        Assert.Equal("'escalate' can't follow 'the new values are applied'; it follows 'an approval is overdue'.", refusal.Message);
        Assert.Equal(1, (await Manager.GetAsync(Users.Admin, "CREDIT")).Definition.Version);
    }

    [Fact]
    public async Task An_option_the_response_does_not_use_is_refused()
    {
        await Manager.CreateFromTemplateAsync(Users.Admin, "credit", WorkflowTemplates.CreditLimit, []);

        var refusal = await Assert.ThrowsAsync<WorkflowException>(() =>
            Manager.SetOptionAsync(Users.Admin, "CREDIT", 4, ResponseOption.Approvers, o => o with { Approvers = ApproverSpec.Manager }, "approvers"));

        Assert.Equal("Step 4 (apply the new values) has no option approvers: it has no options.", refusal.Message);
    }

    [Fact]
    public void Every_response_of_the_catalog_is_covered()
    {
        string[] covered =
        [
            WorkflowResponses.RequestApproval, WorkflowResponses.ApplyChanges, WorkflowResponses.DiscardChanges, WorkflowResponses.NotifySubmitter,
            WorkflowResponses.NotifyUsers, WorkflowResponses.PostToChannel, WorkflowResponses.Escalate, WorkflowResponses.Remind,
            WorkflowResponses.ApproveAutomatically, WorkflowResponses.RejectAutomatically,
        ];

        Assert.Equal(covered.Order(StringComparer.Ordinal), WorkflowCatalog.BuiltIn.Responses.Select(r => r.Code).Order(StringComparer.Ordinal));
    }
}
