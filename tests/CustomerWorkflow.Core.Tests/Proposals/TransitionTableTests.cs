using CustomerWorkflow.Core;
using CustomerWorkflow.Core.Fields;
using CustomerWorkflow.Core.Proposals;
using CustomerWorkflow.Core.Tests.TestData;

namespace CustomerWorkflow.Core.Tests.Proposals;

/// <summary>
/// Every cell of the transition table, first against <see cref="TransitionTable"/> itself, then against a real
/// proposal aggregate driven into each status: illegal actions all fail the same way and change nothing.
/// </summary>
public sealed class TransitionTableTests
{
    /// <summary>The table as the product means it, written out here independently of the code.</summary>
    private static readonly HashSet<(ProposalStatus, ProposalAction)> Legal =
    [
        (ProposalStatus.NotSubmitted, ProposalAction.Edit),
        (ProposalStatus.NotSubmitted, ProposalAction.Discard),
        (ProposalStatus.NotSubmitted, ProposalAction.Submit),
        (ProposalStatus.PendingApproval, ProposalAction.Recall),
        (ProposalStatus.PendingApproval, ProposalAction.Approve),
        (ProposalStatus.PendingApproval, ProposalAction.Reject),
        (ProposalStatus.PendingApproval, ProposalAction.RequestChange),
        (ProposalStatus.PendingApproval, ProposalAction.Delegate),
        (ProposalStatus.ChangeRequested, ProposalAction.Edit),
        (ProposalStatus.ChangeRequested, ProposalAction.Discard),
        (ProposalStatus.ChangeRequested, ProposalAction.Resubmit),
        (ProposalStatus.Approved, ProposalAction.Apply),
    ];

    private static readonly Dictionary<ProposalAction, string> Verbs = new()
    {
        [ProposalAction.Edit] = "change",
        [ProposalAction.Discard] = "discard",
        [ProposalAction.Submit] = "submit",
        [ProposalAction.Resubmit] = "resubmit",
        [ProposalAction.Recall] = "recall",
        [ProposalAction.Approve] = "approve",
        [ProposalAction.Reject] = "reject",
        [ProposalAction.RequestChange] = "request a change to",
        [ProposalAction.Delegate] = "delegate",
        [ProposalAction.Apply] = "apply",
    };

    private static readonly Dictionary<ProposalStatus, string> Words = new()
    {
        [ProposalStatus.NotSubmitted] = "not submitted",
        [ProposalStatus.PendingApproval] = "pending approval",
        [ProposalStatus.ChangeRequested] = "change requested",
        [ProposalStatus.Approved] = "approved",
        [ProposalStatus.Applied] = "applied",
        [ProposalStatus.Rejected] = "rejected",
        [ProposalStatus.Conflict] = "in conflict",
        [ProposalStatus.Discarded] = "discarded",
    };

    /// <summary>Where a legal action leaves a proposal built by <see cref="ProposalBuilder"/> (one single-approver step).</summary>
    private static readonly Dictionary<ProposalAction, ProposalStatus> LeadsTo = new()
    {
        [ProposalAction.Discard] = ProposalStatus.Discarded,
        [ProposalAction.Submit] = ProposalStatus.PendingApproval,
        [ProposalAction.Resubmit] = ProposalStatus.PendingApproval,
        [ProposalAction.Recall] = ProposalStatus.NotSubmitted,
        [ProposalAction.Approve] = ProposalStatus.Approved,
        [ProposalAction.Reject] = ProposalStatus.Rejected,
        [ProposalAction.RequestChange] = ProposalStatus.ChangeRequested,
        [ProposalAction.Delegate] = ProposalStatus.PendingApproval,
        [ProposalAction.Apply] = ProposalStatus.Applied,
    };

    public static TheoryData<ProposalStatus, ProposalAction, bool> EveryCell()
    {
        var data = new TheoryData<ProposalStatus, ProposalAction, bool>();
        foreach (var status in Enum.GetValues<ProposalStatus>())
        {
            foreach (var action in Enum.GetValues<ProposalAction>())
            {
                data.Add(status, action, Legal.Contains((status, action)));
            }
        }

        return data;
    }

    public static TheoryData<ProposalStatus> EveryStatus() => [.. Enum.GetValues<ProposalStatus>()];

    [Fact]
    public void Table_HasACellForEveryStatusAndAction()
    {
        Assert.Equal(8, Enum.GetValues<ProposalStatus>().Length);
        Assert.Equal(10, Enum.GetValues<ProposalAction>().Length);
        Assert.Equal(80, EveryCell().Count);
    }

    [Theory]
    [MemberData(nameof(EveryCell))]
    public void IsAllowed_MatchesTheTable(ProposalStatus status, ProposalAction action, bool legal)
    {
        Assert.Equal(legal, TransitionTable.IsAllowed(status, action));
        Assert.Equal(legal, TransitionTable.Targets(status, action).Count > 0);
    }

    [Theory]
    [MemberData(nameof(EveryCell))]
    public void Ensure_RefusesEveryIllegalCellWithTheSameMessageShape(ProposalStatus status, ProposalAction action, bool legal)
    {
        var error = Record.Exception(() => TransitionTable.Ensure(status, action, "US-001-P1"));

        if (legal)
        {
            Assert.Null(error);
            return;
        }

        AssertIllegalTransition(Assert.IsType<WorkflowException>(error), action, "US-001-P1", status);
    }

    [Theory]
    [MemberData(nameof(EveryCell))]
    public void Proposal_InEachStatus_DoesExactlyWhatTheTableAllows(ProposalStatus status, ProposalAction action, bool legalInTable)
    {
        var builder = A.Proposal();
        var proposal = builder.InStatus(status);
        // The aggregate has one Submit: after a change request it resubmits, otherwise it submits.
        var effective = action is ProposalAction.Submit or ProposalAction.Resubmit
            ? status == ProposalStatus.ChangeRequested ? ProposalAction.Resubmit : ProposalAction.Submit
            : action;
        var legal = action == effective ? legalInTable : Legal.Contains((status, effective));
        var (version, lines, history) = (proposal.Version, proposal.Lines.Count, proposal.HistoryCount);

        var attempt = () => Attempt(proposal, action, builder);

        if (legal)
        {
            attempt();
            Assert.Equal(action == ProposalAction.Edit ? status : LeadsTo[action], proposal.Status);
            Assert.True(proposal.Version > version, "a legal action bumps the version");
            Assert.True(proposal.HistoryCount > history, "a legal action is recorded in the history");
            return;
        }

        var refusal = Assert.Throws<WorkflowException>(attempt);
        AssertIllegalTransition(refusal, effective, proposal.Id, status);
        Assert.Equal(status, proposal.Status);
        Assert.Equal(version, proposal.Version);
        Assert.Equal(lines, proposal.Lines.Count);
        Assert.Equal(history, proposal.HistoryCount);
    }

    [Theory]
    [MemberData(nameof(EveryStatus))]
    public void RemoveLine_IsAnEdit_AndFollowsTheTable(ProposalStatus status)
    {
        var proposal = A.Proposal()
            .Proposing(FieldCatalog.CreditLimit, "5000.00")
            .Proposing(FieldCatalog.PaymentTerms, "Net60")
            .InStatus(status);
        var version = proposal.Version;

        var remove = () => proposal.Remove(FieldCatalog.PaymentTerms, Users.Clerk, TestClock.Start);

        if (Legal.Contains((status, ProposalAction.Edit)))
        {
            remove();
            Assert.Null(proposal.LineFor(FieldCatalog.PaymentTerms));
            Assert.Equal(status, proposal.Status);
            return;
        }

        var refusal = Assert.Throws<WorkflowException>(remove);
        AssertIllegalTransition(refusal, ProposalAction.Edit, proposal.Id, status);
        Assert.NotNull(proposal.LineFor(FieldCatalog.PaymentTerms));
        Assert.Equal(version, proposal.Version);
    }

    [Fact]
    public void Edit_WhilePending_IsRefusedWithRecallItFirst()
    {
        var proposal = A.Proposal().Pending();

        var propose = Assert.Throws<WorkflowException>(() =>
            proposal.Propose(FieldCatalog.CreditLimit, "1000.00", "9000.00", Users.Clerk, TestClock.Start));
        var remove = Assert.Throws<WorkflowException>(() => proposal.Remove(FieldCatalog.CreditLimit, Users.Clerk, TestClock.Start));
        var discard = Assert.Throws<WorkflowException>(() => proposal.Discard(Users.Clerk, TestClock.Start));

        Assert.Equal($"You can't change proposal {proposal.Id}: it is pending approval. Recall it first.", propose.Message);
        Assert.Equal(propose.Message, remove.Message);
        Assert.Equal($"You can't discard proposal {proposal.Id}: it is pending approval. Recall it first.", discard.Message);
        Assert.All([propose, remove, discard], e => Assert.Equal(Refusal.IllegalTransition, e.Refusal));
        Assert.Equal("5000.00", proposal.LineFor(FieldCatalog.CreditLimit)?.ProposedValue);
    }

    [Fact]
    public void Approve_WhenApplied_SaysToProposeAgain()
    {
        var proposal = A.Proposal().InStatus(ProposalStatus.Applied);

        var refusal = Assert.Throws<WorkflowException>(() => proposal.Approve(Users.Ann, TestClock.Start, null));

        Assert.Equal($"You can't approve proposal {proposal.Id}: it is applied. Propose the change again to start a new proposal.", refusal.Message);
    }

    private static void AssertIllegalTransition(WorkflowException refusal, ProposalAction action, string proposalId, ProposalStatus status)
    {
        Assert.Equal(Refusal.IllegalTransition, refusal.Refusal);
        Assert.StartsWith($"You can't {Verbs[action]} proposal {proposalId}: it is {Words[status]}.", refusal.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// Attempts the action with everything else right (a due approver, a comment, a matching customer), so the
    /// status is the only thing that can refuse it.
    /// </summary>
    private static void Attempt(Proposal proposal, ProposalAction action, ProposalBuilder builder)
    {
        var now = builder.Now.AddMinutes(5);
        var approver = proposal.DueApprovers.Count > 0 ? ProposalBuilder.FirstDue(proposal) : Users.Ann;
        switch (action)
        {
            case ProposalAction.Edit:
                proposal.Propose(FieldCatalog.Email, builder.Customer[FieldCatalog.Email], "new@contoso.com", Users.Clerk, now);
                break;
            case ProposalAction.Discard:
                proposal.Discard(Users.Clerk, now);
                break;
            case ProposalAction.Submit or ProposalAction.Resubmit:
                proposal.Submit(Users.Clerk, now, null, builder.Settings);
                break;
            case ProposalAction.Recall:
                proposal.Recall(Users.Clerk, now);
                break;
            case ProposalAction.Approve:
                proposal.Approve(approver, now, null);
                break;
            case ProposalAction.Reject:
                proposal.Reject(approver, now, "Not now.");
                break;
            case ProposalAction.RequestChange:
                proposal.RequestChange(approver, now, "Please check the amount.");
                break;
            case ProposalAction.Delegate:
                proposal.Delegate(approver, now, Users.Zed.Id, null);
                break;
            case ProposalAction.Apply:
                proposal.Apply(builder.Customer, now);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(action), action, null);
        }
    }
}
