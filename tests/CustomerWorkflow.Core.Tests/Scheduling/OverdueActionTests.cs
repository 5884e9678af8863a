using CustomerWorkflow.Core.Fields;
using CustomerWorkflow.Core.Proposals;
using CustomerWorkflow.Core.Scheduling;
using CustomerWorkflow.Core.Settings;
using CustomerWorkflow.Core.Tests.TestData;

namespace CustomerWorkflow.Core.Tests.Scheduling;

/// <summary>Each overdue action, as the processor takes it at a step's due time, and what the history then says.</summary>
public sealed class OverdueActionTests : SchedulerTestBase
{
    [Fact]
    public async Task Nothing_happens_before_the_due_time()
    {
        await GivenStepsAsync(Step("Finance", OverdueAction.Remind));
        await SubmittedProposalAsync();

        var report = await AfterAsync(TwoDays - TimeSpan.FromMinutes(1));

        Assert.Equal(0, report.Claimed);
        Assert.Empty(await HistoryAsync(HistoryAction.Reminded));
    }

    [Fact]
    public async Task Remind_tells_the_undecided_approvers_again_and_is_due_again_one_period_later()
    {
        await GivenStepsAsync(Step("Finance", OverdueAction.Remind));
        var submitted = await SubmittedProposalAsync();

        var report = await AfterAsync(TwoDays + TimeSpan.FromMinutes(5));

        Assert.Equal((1, 1, 1), (report.Claimed, report.Completed, report.Acted));
        var outcome = Assert.Single(Handler.Outcomes);
        Assert.Equal(OverdueAction.Remind, outcome.Taken);
        Assert.Equal(["ann", "bob"], outcome.Told);
        var reminded = Assert.Single(await HistoryAsync(HistoryAction.Reminded));
        Assert.Equal(("system", 1), (reminded.ActorId, reminded.Step));
        Assert.Equal("step 1 (Finance) is overdue since 2026-11-22 09:00 UTC; reminded ann, bob", reminded.Detail);
        var proposal = await StoredProposalAsync("US-001-P1");
        Assert.Equal(Time.UtcNow + TwoDays, proposal.Steps[0].DueAt);
        // A reminder decides nothing: cards already sent keep their version and still act.
        Assert.Equal(submitted.Version, proposal.Version);

        // Reminders repeat every period until someone decides.
        await AfterAsync(TwoDays);
        Assert.Equal(2, (await HistoryAsync(HistoryAction.Reminded)).Count);
        await Engine.ApproveAsync(Users.Ann, "US-001-P1", null, submitted.Version);
        Assert.Equal(0, (await AfterAsync(TwoDays * 3)).Acted);
        Assert.Equal(2, (await HistoryAsync(HistoryAction.Reminded)).Count);
    }

    [Fact]
    public async Task Escalate_hands_the_undecided_places_to_the_target_who_then_decides()
    {
        await GivenStepsAsync(Step("Finance", OverdueAction.Escalate, escalateTo: "eve"));
        await SubmittedProposalAsync();

        await AfterAsync(TwoDays);

        var outcome = Assert.Single(Handler.Outcomes);
        Assert.Equal(OverdueAction.Escalate, outcome.Taken);
        Assert.Equal(["eve"], outcome.Told);
        var escalated = Assert.Single(await HistoryAsync(HistoryAction.Escalated));
        Assert.Equal("step 1 (Finance) is overdue since 2026-11-22 09:00 UTC; ann, bob → eve", escalated.Detail);
        var proposal = await StoredProposalAsync("US-001-P1");
        Assert.Equal(["eve"], proposal.DueApprovers);
        Assert.Equal(["ann", "bob"], proposal.Steps[0].Approvers.Select(a => a.DelegatedFrom));
        var refused = await Assert.ThrowsAsync<WorkflowException>(() => Engine.ApproveAsync(Users.Ann, "US-001-P1"));
        Assert.Equal(Refusal.NotYourTurn, refused.Refusal);

        var approved = await Engine.ApproveAsync(Users.Eve, "US-001-P1");

        Assert.Equal(ProposalStatus.Applied, approved.Proposal.Status);
        Assert.Equal("5000.00", (await CustomerAsync())[FieldCatalog.CreditLimit]);
    }

    [Fact]
    public async Task Escalate_once_then_reminds_the_target_each_period()
    {
        await GivenStepsAsync(Step("Finance", OverdueAction.Escalate, escalateTo: "eve"));
        await SubmittedProposalAsync();

        await AfterAsync(TwoDays);
        await AfterAsync(TwoDays);

        Assert.Equal([OverdueAction.Escalate, OverdueAction.Remind], Handler.Outcomes.Select(o => o.Taken));
        Assert.Equal(["eve"], Handler.Outcomes[1].Told);
        Assert.Single(await HistoryAsync(HistoryAction.Escalated));
        Assert.Contains("reminded eve", Assert.Single(await HistoryAsync(HistoryAction.Reminded)).Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Escalating_under_majority_lets_the_target_decide_for_every_place_they_took()
    {
        await GivenStepsAsync(Step("Board", OverdueAction.Escalate, "eve", CompletionPolicy.Majority, "ann", "bob", "cat", "dan", "zed"));
        var submitted = await SubmittedProposalAsync();
        await Engine.ApproveAsync(Users.Ann, submitted.Id);
        await Engine.ApproveAsync(Users.Bob, submitted.Id);

        await AfterAsync(TwoDays);
        var escalated = await StoredProposalAsync(submitted.Id);
        Assert.Equal(ProposalStatus.PendingApproval, escalated.Status);
        Assert.Equal(3, escalated.Steps[0].Approvers.Count(a => a.UserId == "eve"));

        var applied = await Engine.ApproveAsync(Users.Eve, submitted.Id);

        Assert.Equal(ProposalStatus.Applied, applied.Proposal.Status);
        Assert.Equal(5, applied.Proposal.Steps[0].Approvers.Count(a => a.Decision == ApprovalDecision.Approved));
    }

    [Fact]
    public async Task An_escalation_to_the_submitter_reminds_instead_and_says_why()
    {
        await GivenStepsAsync(Step("Finance", OverdueAction.Escalate, escalateTo: Users.Clerk.Id));
        await SubmittedProposalAsync();

        await AfterAsync(TwoDays);

        Assert.Equal(OverdueAction.Remind, Assert.Single(Handler.Outcomes).Taken);
        Assert.EndsWith("not escalated: the escalation target submitted this proposal; reminded ann, bob", Assert.Single(await HistoryAsync(HistoryAction.Reminded)).Detail, StringComparison.Ordinal);
        Assert.Equal(["ann", "bob"], (await StoredProposalAsync("US-001-P1")).DueApprovers);
    }

    [Fact]
    public async Task Approve_automatically_approves_for_the_undecided_as_the_system_and_applies()
    {
        await GivenStepsAsync(Step("Finance", OverdueAction.Approve));
        await SubmittedProposalAsync();

        await AfterAsync(TwoDays);

        var outcome = Assert.Single(Handler.Outcomes);
        Assert.Equal(OverdueAction.Approve, outcome.Taken);
        Assert.Equal(ProposalStatus.Applied, outcome.Result!.Proposal.Status);
        var entry = Assert.Single(await HistoryAsync(HistoryAction.AutoApproved));
        Assert.Equal(("system", "System", "overdue"), (entry.ActorId, entry.ActorName, entry.Comment));
        Assert.Equal([HistoryAction.AutoApproved, HistoryAction.StepCompleted, HistoryAction.Applied], (await HistoryAsync()).Skip(2).Select(h => h.Action));
        Assert.Equal("5000.00", (await CustomerAsync())[FieldCatalog.CreditLimit]);
        Assert.All(outcome.Result.Proposal.Steps[0].Approvers, a => Assert.True(a.Automatic));
    }

    [Fact]
    public async Task Reject_automatically_rejects_with_overdue_as_the_reason()
    {
        await GivenStepsAsync(Step("Finance", OverdueAction.Reject));
        await SubmittedProposalAsync();

        await AfterAsync(TwoDays);

        var outcome = Assert.Single(Handler.Outcomes);
        Assert.Equal(OverdueAction.Reject, outcome.Taken);
        Assert.Empty(outcome.Told);
        var proposal = await StoredProposalAsync("US-001-P1");
        Assert.Equal(ProposalStatus.Rejected, proposal.Status);
        Assert.Equal("rejected automatically: step 1 (Finance) is overdue since 2026-11-22 09:00 UTC", proposal.DecisionComment);
        Assert.Equal("overdue", Assert.Single(await HistoryAsync(HistoryAction.AutoRejected)).Comment);
        Assert.Equal("1000.00", (await CustomerAsync())[FieldCatalog.CreditLimit]);
    }

    [Fact]
    public async Task An_automatic_approval_of_step_one_starts_step_two_with_its_own_due_item()
    {
        await GivenStepsAsync(Step("Manager", OverdueAction.Approve), Step("Finance", OverdueAction.Reject, approvers: "cat"));
        await SubmittedProposalAsync();

        await AfterAsync(TwoDays);
        var moved = Assert.Single(Handler.Outcomes);
        Assert.Equal(["cat"], moved.Told);
        Assert.Equal(1, moved.Result!.Proposal.CurrentStep);

        await AfterAsync(TwoDays);

        Assert.Equal(ProposalStatus.Rejected, (await StoredProposalAsync("US-001-P1")).Status);
        Assert.Equal(2, (await HistoryAsync(HistoryAction.AutoApproved, HistoryAction.AutoRejected)).Count);
    }

    [Fact]
    public async Task The_person_whose_place_the_system_filled_is_not_told_they_decided()
    {
        await GivenStepsAsync(Step("Finance", OverdueAction.Approve));
        await SubmittedProposalAsync();
        await AfterAsync(TwoDays);

        var refused = await Assert.ThrowsAsync<WorkflowException>(() => Engine.ApproveAsync(Users.Ann, "US-001-P1"));

        Assert.Equal(Refusal.IllegalTransition, refused.Refusal);
        Assert.DoesNotContain("You approved", refused.Message, StringComparison.Ordinal);
    }

    public static TheoryData<OverdueAction> EveryAction() => new(OverdueAction.Remind, OverdueAction.Escalate, OverdueAction.Approve, OverdueAction.Reject);

    [Theory]
    [MemberData(nameof(EveryAction))]
    public async Task A_step_decided_before_its_due_time_is_left_alone(OverdueAction action)
    {
        await GivenStepsAsync(Step("Finance", action, escalateTo: "eve"));
        await SubmittedProposalAsync();
        await Engine.RejectAsync(Users.Bob, "US-001-P1", "no");

        var report = await AfterAsync(TwoDays);

        // The item is claimed, found stale and completed: nothing acts, nobody is told.
        Assert.Equal((1, 1, 0), (report.Claimed, report.Completed, report.Acted));
        Assert.Empty(Handler.Outcomes);
        Assert.Empty(await HistoryAsync(HistoryAction.Reminded, HistoryAction.Escalated, HistoryAction.AutoApproved, HistoryAction.AutoRejected));
        Assert.Equal(0, (await AfterAsync(TwoDays)).Claimed);
    }

    [Theory]
    [MemberData(nameof(EveryAction))]
    public async Task A_recalled_proposal_is_left_alone_and_a_resubmit_is_due_anew(OverdueAction action)
    {
        await GivenStepsAsync(Step("Finance", action, escalateTo: "eve"));
        await SubmittedProposalAsync();
        Time.Advance(TimeSpan.FromDays(1));
        await Engine.RecallAsync(Users.Clerk, "US-001");
        await Engine.SubmitAsync(Users.Clerk, "US-001");

        await AfterAsync(TimeSpan.FromDays(1));
        Assert.Empty(Handler.Outcomes);

        await AfterAsync(TimeSpan.FromDays(1));
        Assert.Equal(action, Assert.Single(Handler.Outcomes).Taken);
    }

    [Fact]
    public async Task A_human_decision_racing_the_scheduler_lands_once()
    {
        await GivenStepsAsync(Step("Finance", OverdueAction.Reject));
        var submitted = await SubmittedProposalAsync();
        Time.Advance(TwoDays);

        var scheduler = Processor.RunOnceAsync(Handler);
        var person = Task.Run(async () =>
        {
            try
            {
                return (await Engine.ApproveAsync(Users.Ann, submitted.Id, null, submitted.Version)).Proposal.Status;
            }
            catch (WorkflowException)
            {
                return ProposalStatus.Rejected;
            }
        });
        await Task.WhenAll(scheduler, person);

        var decisions = await HistoryAsync(HistoryAction.Approved, HistoryAction.AutoRejected);
        var final = await StoredProposalAsync(submitted.Id);
        Assert.Single(decisions);
        Assert.Equal(decisions[0].Action == HistoryAction.Approved ? ProposalStatus.Applied : ProposalStatus.Rejected, final.Status);
    }
}
