using CustomerWorkflow.Core.Proposals;
using CustomerWorkflow.Core.Settings;
using CustomerWorkflow.Core.Tests.TestData;

namespace CustomerWorkflow.Core.Tests.Proposals;

/// <summary>
/// How a step completes under each policy. Decisions are written as a string, one letter per approver in turn:
/// A approves, R rejects. Every decision but the last must leave the proposal waiting.
/// </summary>
public sealed class CompletionPolicyTests
{
    public static TheoryData<CompletionKind, int, int, string, ProposalStatus> Cases() => new()
    {
        // Single approver: the first response decides, whichever it is.
        { CompletionKind.SingleApprover, 0, 3, "A", ProposalStatus.Approved },
        { CompletionKind.SingleApprover, 0, 3, "R", ProposalStatus.Rejected },

        // Majority of 3 needs 2.
        { CompletionKind.Majority, 0, 3, "A", ProposalStatus.PendingApproval },
        { CompletionKind.Majority, 0, 3, "AA", ProposalStatus.Approved },
        { CompletionKind.Majority, 0, 3, "AR", ProposalStatus.PendingApproval },
        { CompletionKind.Majority, 0, 3, "ARA", ProposalStatus.Approved },
        { CompletionKind.Majority, 0, 3, "R", ProposalStatus.PendingApproval },
        { CompletionKind.Majority, 0, 3, "RR", ProposalStatus.Rejected },
        { CompletionKind.Majority, 0, 3, "ARR", ProposalStatus.Rejected },

        // Majority of 4 needs 3: half is not a majority.
        { CompletionKind.Majority, 0, 4, "AA", ProposalStatus.PendingApproval },
        { CompletionKind.Majority, 0, 4, "AAA", ProposalStatus.Approved },
        { CompletionKind.Majority, 0, 4, "R", ProposalStatus.PendingApproval },
        { CompletionKind.Majority, 0, 4, "RR", ProposalStatus.Rejected },
        { CompletionKind.Majority, 0, 4, "ARAA", ProposalStatus.Approved },
        { CompletionKind.Majority, 0, 4, "AARR", ProposalStatus.Rejected },

        // 60 % of 5 needs 3.
        { CompletionKind.Percentage, 60, 5, "AA", ProposalStatus.PendingApproval },
        { CompletionKind.Percentage, 60, 5, "AAA", ProposalStatus.Approved },
        { CompletionKind.Percentage, 60, 5, "RR", ProposalStatus.PendingApproval },
        { CompletionKind.Percentage, 60, 5, "RRR", ProposalStatus.Rejected },
        { CompletionKind.Percentage, 60, 5, "RARAA", ProposalStatus.Approved },
        { CompletionKind.Percentage, 60, 5, "AARRR", ProposalStatus.Rejected },

        // Percentages round up, and never need fewer than one.
        { CompletionKind.Percentage, 50, 3, "A", ProposalStatus.PendingApproval },
        { CompletionKind.Percentage, 50, 3, "AA", ProposalStatus.Approved },
        { CompletionKind.Percentage, 1, 5, "A", ProposalStatus.Approved },
        { CompletionKind.Percentage, 100, 3, "AAR", ProposalStatus.Rejected },

        // All approvers: everyone must approve; one rejection rejects.
        { CompletionKind.AllApprovers, 0, 3, "AA", ProposalStatus.PendingApproval },
        { CompletionKind.AllApprovers, 0, 3, "AAA", ProposalStatus.Approved },
        { CompletionKind.AllApprovers, 0, 3, "AAR", ProposalStatus.Rejected },
        { CompletionKind.AllApprovers, 0, 3, "R", ProposalStatus.Rejected },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Step_CompletesAsItsPolicySays(CompletionKind kind, int percent, int approverCount, string decisions, ProposalStatus expected)
    {
        var approvers = Enumerable.Range(1, approverCount).Select(i => $"a{i}").ToArray();
        var proposal = A.Proposal().WithSteps(A.Step("Board", Policy(kind, percent), approvers)).Pending();

        for (var i = 0; i < decisions.Length; i++)
        {
            var approver = Users.Approver(approvers[i]);
            if (decisions[i] == 'A')
            {
                proposal.Approve(approver, TestClock.Start, null);
            }
            else
            {
                proposal.Reject(approver, TestClock.Start, $"No from {approver.Id}.");
            }

            var last = i == decisions.Length - 1;
            Assert.Equal(last ? expected : ProposalStatus.PendingApproval, proposal.Status);
        }
    }

    [Fact]
    public void Reject_WhenStepBecomesUnreachable_RejectsWithTheLastReason()
    {
        var proposal = A.Proposal().WithSteps(A.Step("Board", CompletionPolicy.Majority, "a1", "a2", "a3")).Pending();

        proposal.Reject(Users.Approver("a1"), TestClock.Start, "Too high.");
        proposal.Reject(Users.Approver("a2"), TestClock.Start, "No credit check.");

        Assert.Equal(ProposalStatus.Rejected, proposal.Status);
        Assert.Equal("No credit check.", proposal.DecisionComment);
        Assert.NotNull(proposal.ClosedAt);
    }

    [Fact]
    public void Approve_AfterSingleApproverDecided_IsRefusedForTheOthers()
    {
        var proposal = A.Proposal().WithSteps(A.Step("Finance", "a1", "a2")).Pending();
        proposal.Approve(Users.Approver("a1"), TestClock.Start, null);

        var refusal = Assert.Throws<WorkflowException>(() => proposal.Approve(Users.Approver("a2"), TestClock.Start, null));

        Assert.Equal(Refusal.IllegalTransition, refusal.Refusal);
    }

    [Fact]
    public void Approve_Twice_IsRefusedAsAlreadyDecided()
    {
        var proposal = A.Proposal().WithSteps(A.Step("Board", CompletionPolicy.AllApprovers, "a1", "a2")).Pending();
        proposal.Approve(Users.Approver("a1"), TestClock.Start, null);

        var refusal = Assert.Throws<WorkflowException>(() => proposal.Approve(Users.Approver("a1"), TestClock.Start, null));

        Assert.Equal(Refusal.NotYourTurn, refusal.Refusal);
        Assert.Contains("already approved", refusal.Message, StringComparison.Ordinal);
        Assert.Equal(["a2"], proposal.DueApprovers);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(101)]
    public void PercentageOf_OutsideOneToHundred_IsRefused(int percent)
    {
        var refusal = Assert.Throws<WorkflowException>(() => CompletionPolicy.PercentageOf(percent));

        Assert.Equal(Refusal.InvalidConfiguration, refusal.Refusal);
    }

    private static CompletionPolicy Policy(CompletionKind kind, int percent) => kind switch
    {
        CompletionKind.SingleApprover => CompletionPolicy.SingleApprover,
        CompletionKind.Majority => CompletionPolicy.Majority,
        CompletionKind.Percentage => CompletionPolicy.PercentageOf(percent),
        _ => CompletionPolicy.AllApprovers,
    };
}
