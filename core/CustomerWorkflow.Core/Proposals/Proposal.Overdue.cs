using System.Globalization;
using CustomerWorkflow.Core.Settings;

namespace CustomerWorkflow.Core.Proposals;

/// <summary>
/// An approver's places in the waiting step handed to their substitute while they are away.
/// </summary>
/// <param name="Reason">Why, as the history tells it after the name: "is away until …", "is out of office".</param>
/// <param name="FromName">The away approver's name, for the history (their id when null).</param>
/// <param name="ToName">The substitute's name, for the history (their id when null).</param>
public sealed record Substitution(string FromUserId, string ToUserId, string Reason, string? FromName = null, string? ToName = null);

/// <summary>What the system does to a proposal on its own: overdue steps, and approvers who are away.</summary>
public sealed partial class Proposal
{
    /// <summary>
    /// True while the proposal waits in <paramref name="step"/> with due time <paramref name="dueAt"/>: a due item made
    /// for that moment still stands. Anything else (decided, moved on, re-armed, recalled) makes the item stale.
    /// </summary>
    public bool IsDueAt(int step, DateTimeOffset dueAt) =>
        Status == ProposalStatus.PendingApproval && CurrentStep == step && step < Steps.Count && Steps[step].DueAt == dueAt;

    /// <summary>
    /// Acts, as the system, on the waiting step being overdue at <paramref name="dueAt"/>, as the step's
    /// <see cref="ApprovalStep.OnOverdue"/> says; returns what was done, or <see cref="OverdueAction.None"/> when the
    /// step is no longer the one that was due (nothing changes then).
    /// <list type="bullet">
    /// <item><b>Remind</b>: recorded; the step is due again one period (its <c>DueIn</c>) from now, so reminders repeat
    /// until someone decides. The version stays: a reminder changes no decision, so cards already sent stay valid.</item>
    /// <item><b>Escalate</b>: every undecided place goes to the escalation target (who then decides for all of them at once);
    /// the step is due again one period later and then reminds. An escalation that cannot be made (no target, the target
    /// submitted the proposal, or holds every undecided place already) reminds instead, and says why.</item>
    /// <item><b>Approve</b> / <b>Reject</b>: the system decides every undecided place, marked automatic, with the reason
    /// "overdue"; the step completes under its policy as if those approvers had decided.</item>
    /// </list>
    /// </summary>
    public OverdueAction ActOnOverdue(int step, DateTimeOffset dueAt, DateTimeOffset now)
    {
        if (!IsDueAt(step, dueAt))
        {
            return OverdueAction.None;
        }

        var waiting = Steps[step];
        var overdue = $"step {step + 1} ({waiting.Name}) is overdue since {Stamp(dueAt)}";
        var action = waiting.OnOverdue;
        if (action == OverdueAction.Escalate && EscalationBlocked(waiting) is { } why)
        {
            action = OverdueAction.Remind;
            overdue += $"; not escalated: {why}";
        }

        switch (action)
        {
            case OverdueAction.Remind:
                Steps = Steps.SetItem(step, waiting with { DueAt = Rearm(step, now) });
                Record(HistoryAction.Reminded, Actor.System, now, step + 1, null, $"{overdue}; reminded {string.Join(", ", waiting.Undecided)}");
                return OverdueAction.Remind;

            case OverdueAction.Escalate:
                var target = waiting.EscalateTo!;
                var from = waiting.Undecided.Where(u => !Same(u, target)).ToList();
                Steps = Steps.SetItem(step, waiting with
                {
                    Approvers = [.. waiting.Approvers.Select(s => s.Decision == ApprovalDecision.Pending && !Same(s.UserId, target) ? new ApproverSlot(target, DelegatedFrom: s.UserId) : s)],
                    DueAt = Rearm(step, now),
                    // Escalated once: from now on the target is reminded.
                    OnOverdue = OverdueAction.Remind,
                });
                // A hand-over, as a delegation is in the transition table: cards showing the old approvers are stale.
                Move(ProposalAction.Delegate, ProposalStatus.PendingApproval);
                Record(HistoryAction.Escalated, Actor.System, now, step + 1, null, $"{overdue}; {string.Join(", ", from)} → {target}");
                return OverdueAction.Escalate;

            case OverdueAction.Approve or OverdueAction.Reject:
                var approve = action == OverdueAction.Approve;
                var decision = approve ? ApprovalDecision.Approved : ApprovalDecision.Rejected;
                var comment = $"{(approve ? "approved" : "rejected")} automatically: {overdue}";
                Steps = Steps.SetItem(step, waiting with
                {
                    Approvers = [.. waiting.Approvers.Select(s => s.Decision == ApprovalDecision.Pending ? s with { Decision = decision, DecidedAt = now, Comment = "overdue", Automatic = true } : s)],
                });
                Record(approve ? HistoryAction.AutoApproved : HistoryAction.AutoRejected, Actor.System, now, step + 1, "overdue", overdue);
                Conclude(approve ? ProposalAction.Approve : ProposalAction.Reject, step, comment, now);
                return action;

            default:
                return OverdueAction.None;
        }
    }

    /// <summary>
    /// Hands the places of approvers who are away to their substitutes, in the waiting step. A route is skipped when the
    /// approver holds no undecided place (any more), or when the substitute submitted the proposal and may not approve
    /// it. Each route taken is recorded; returns them.
    /// </summary>
    public IReadOnlyList<Substitution> RouteToSubstitutes(IEnumerable<Substitution> routes, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(routes);
        if (WaitingStep is null)
        {
            return [];
        }

        var taken = new List<Substitution>();
        foreach (var route in routes)
        {
            var step = Steps[CurrentStep];
            if (Same(route.FromUserId, route.ToUserId)
                || (!SubmitterMayApprove && Same(route.ToUserId, SubmittedBy))
                || !step.Approvers.Any(s => s.Decision == ApprovalDecision.Pending && Same(s.UserId, route.FromUserId)))
            {
                continue;
            }

            Steps = Steps.SetItem(CurrentStep, step with
            {
                Approvers = [.. step.Approvers.Select(s => s.Decision == ApprovalDecision.Pending && Same(s.UserId, route.FromUserId) ? new ApproverSlot(route.ToUserId, DelegatedFrom: route.FromUserId) : s)],
            });
            Record(HistoryAction.Substituted, Actor.System, now, CurrentStep + 1, null,
                $"routed to {route.ToName ?? route.ToUserId}: {route.FromName ?? route.FromUserId} {route.Reason}");
            taken.Add(route);
        }

        if (taken.Count > 0)
        {
            // A hand-over like a delegation: cards showing the old approvers are stale.
            Move(ProposalAction.Delegate, ProposalStatus.PendingApproval);
        }

        return taken;
    }

    /// <summary>Why an escalation of the step cannot be made, or null when it can.</summary>
    private string? EscalationBlocked(ApprovalStep step) => step.EscalateTo switch
    {
        null or "" => "no escalation target is set",
        var target when !SubmitterMayApprove && Same(target, SubmittedBy) => "the escalation target submitted this proposal",
        var target when step.Undecided.All(u => Same(u, target)) => "it waits for the escalation target already",
        _ => null,
    };

    /// <summary>The step's next due time, one period of its definition from now; null when it has none.</summary>
    private DateTimeOffset? Rearm(int step, DateTimeOffset now) =>
        Workflow.Count > step && Workflow[step].DueIn is { } period ? now + period : null;

    private static bool Same(string? a, string? b) => a is not null && b is not null && string.Equals(a, b, StringComparison.OrdinalIgnoreCase);

    private static string Stamp(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);
}
