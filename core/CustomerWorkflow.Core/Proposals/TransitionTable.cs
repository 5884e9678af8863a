using System.Collections.Frozen;

namespace CustomerWorkflow.Core.Proposals;

/// <summary>
/// The one transition table of the proposal state machine: for each status and action, the statuses the
/// action may lead to. Anything not in the table is refused, always the same way (<see cref="Refuse"/>).
/// </summary>
public static class TransitionTable
{
    private static readonly FrozenDictionary<(ProposalStatus, ProposalAction), ProposalStatus[]> Table =
        new Dictionary<(ProposalStatus, ProposalAction), ProposalStatus[]>
        {
            [(ProposalStatus.NotSubmitted, ProposalAction.Edit)] = [ProposalStatus.NotSubmitted, ProposalStatus.Discarded],
            [(ProposalStatus.NotSubmitted, ProposalAction.Discard)] = [ProposalStatus.Discarded],
            [(ProposalStatus.NotSubmitted, ProposalAction.Submit)] = [ProposalStatus.PendingApproval],

            [(ProposalStatus.PendingApproval, ProposalAction.Recall)] = [ProposalStatus.NotSubmitted],
            // An approval either leaves the step (or the next one) waiting, or completes the last step.
            [(ProposalStatus.PendingApproval, ProposalAction.Approve)] = [ProposalStatus.PendingApproval, ProposalStatus.Approved],
            [(ProposalStatus.PendingApproval, ProposalAction.Reject)] = [ProposalStatus.PendingApproval, ProposalStatus.Rejected],
            [(ProposalStatus.PendingApproval, ProposalAction.RequestChange)] = [ProposalStatus.ChangeRequested],
            [(ProposalStatus.PendingApproval, ProposalAction.Delegate)] = [ProposalStatus.PendingApproval],

            [(ProposalStatus.ChangeRequested, ProposalAction.Edit)] = [ProposalStatus.ChangeRequested, ProposalStatus.Discarded],
            [(ProposalStatus.ChangeRequested, ProposalAction.Discard)] = [ProposalStatus.Discarded],
            [(ProposalStatus.ChangeRequested, ProposalAction.Resubmit)] = [ProposalStatus.PendingApproval],

            [(ProposalStatus.Approved, ProposalAction.Apply)] = [ProposalStatus.Applied, ProposalStatus.Conflict],
        }.ToFrozenDictionary();

    /// <summary>Whether the action is allowed from the status at all.</summary>
    public static bool IsAllowed(ProposalStatus from, ProposalAction action) => Table.ContainsKey((from, action));

    /// <summary>The statuses the action may lead to from the status; empty when it is not allowed.</summary>
    public static IReadOnlyList<ProposalStatus> Targets(ProposalStatus from, ProposalAction action) =>
        Table.TryGetValue((from, action), out var to) ? to : [];

    /// <summary>Refuses unless the action is allowed from the status.</summary>
    public static void Ensure(ProposalStatus from, ProposalAction action, string proposalId)
    {
        if (!IsAllowed(from, action))
        {
            throw Refuse(from, action, proposalId);
        }
    }

    /// <summary>Refuses unless <paramref name="to"/> is a target of the action from <paramref name="from"/> (a guard on the engine itself).</summary>
    public static void EnsureTarget(ProposalStatus from, ProposalAction action, ProposalStatus to, string proposalId)
    {
        if (!Targets(from, action).Contains(to))
        {
            throw Refuse(from, action, proposalId);
        }
    }

    /// <summary>The one refusal for every illegal transition.</summary>
    public static WorkflowException Refuse(ProposalStatus from, ProposalAction action, string proposalId) =>
        new(Refusal.IllegalTransition,
            $"You can't {ProposalText.Verb(action)} proposal {proposalId}: it is {ProposalText.Describe(from)}.{Hint(from, action)}");

    private static string Hint(ProposalStatus from, ProposalAction action) => (from, action) switch
    {
        (ProposalStatus.PendingApproval, ProposalAction.Edit or ProposalAction.Discard) => " Recall it first.",
        (ProposalStatus.PendingApproval, ProposalAction.Submit or ProposalAction.Resubmit) => " It is already waiting for approval.",
        (ProposalStatus.NotSubmitted or ProposalStatus.ChangeRequested, _) => " Submit it first.",
        (ProposalStatus.Applied or ProposalStatus.Rejected or ProposalStatus.Conflict or ProposalStatus.Discarded, _) => " Propose the change again to start a new proposal.",
        _ => string.Empty,
    };
}
