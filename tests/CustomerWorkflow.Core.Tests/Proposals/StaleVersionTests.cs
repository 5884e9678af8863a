using CustomerWorkflow.Core.Proposals;
using CustomerWorkflow.Core.Tests.TestData;

namespace CustomerWorkflow.Core.Tests.Proposals;

/// <summary>A card carries the version it was shown at; a click on an out-of-date card changes nothing.</summary>
public sealed class StaleVersionTests
{
    public static TheoryData<string> Decisions() => ["approve", "reject", "request change", "delegate"];

    [Theory]
    [MemberData(nameof(Decisions))]
    public void Decide_WithAnOldVersion_IsRefusedAndChangesNothing(string decision)
    {
        var proposal = A.Proposal().Pending();
        var shown = proposal.Version;
        proposal.Delegate(Users.Ann, TestClock.Start, "zed", null);
        var (version, history, due) = (proposal.Version, proposal.HistoryCount, proposal.DueApprovers);

        var refusal = Assert.Throws<WorkflowException>(() => Decide(proposal, decision, Users.Bob, shown));

        Assert.Equal(Refusal.StaleVersion, refusal.Refusal);
        Assert.Equal(ProposalStatus.PendingApproval, proposal.Status);
        Assert.Equal(version, proposal.Version);
        Assert.Equal(history, proposal.HistoryCount);
        Assert.Equal(due, proposal.DueApprovers);
        Assert.All(proposal.Steps[0].Approvers, a => Assert.Equal(ApprovalDecision.Pending, a.Decision));
    }

    [Fact]
    public void Approve_WithTheCurrentVersion_Approves()
    {
        var proposal = A.Proposal().Pending();

        proposal.Approve(Users.Bob, TestClock.Start, null, proposal.Version);

        Assert.Equal(ProposalStatus.Approved, proposal.Status);
    }

    [Fact]
    public void Approve_WithAFutureVersion_IsRefused()
    {
        var proposal = A.Proposal().Pending();

        var refusal = Assert.Throws<WorkflowException>(() => proposal.Approve(Users.Bob, TestClock.Start, null, proposal.Version + 1));

        Assert.Equal(Refusal.StaleVersion, refusal.Refusal);
    }

    private static void Decide(Proposal proposal, string decision, Actor actor, long expectedVersion)
    {
        switch (decision)
        {
            case "approve":
                proposal.Approve(actor, TestClock.Start, null, expectedVersion);
                break;
            case "reject":
                proposal.Reject(actor, TestClock.Start, "No.", expectedVersion);
                break;
            case "request change":
                proposal.RequestChange(actor, TestClock.Start, "Change it.", expectedVersion);
                break;
            default:
                proposal.Delegate(actor, TestClock.Start, "dan", null, expectedVersion);
                break;
        }
    }
}
