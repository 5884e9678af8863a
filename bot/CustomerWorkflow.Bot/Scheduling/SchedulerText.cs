using CustomerWorkflow.Bot.Commands;
using CustomerWorkflow.Bot.Teams;
using CustomerWorkflow.Cards.Views;
using CustomerWorkflow.Core.Engine;
using CustomerWorkflow.Core.Proposals;
using CustomerWorkflow.Core.Scheduling;
using CustomerWorkflow.Core.Settings;

namespace CustomerWorkflow.Bot.Scheduling;

/// <summary>What the scheduler tells people: reminders, escalations, automatic decisions, and the daily digest.</summary>
internal static class SchedulerText
{
    /// <summary>
    /// The notices of an overdue step's outcome. Reminders and escalations go at once whatever someone's notification
    /// setting (they are about being late); approval requests of a next step and decisions may wait for a digest.
    /// </summary>
    public static IReadOnlyList<Notice> Notices(OverdueOutcome outcome, ApprovalView view)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        ArgumentNullException.ThrowIfNull(view);
        var proposal = view.Proposal;
        var customer = view.Customer;
        var name = view.People.Name;
        var submitter = proposal.SubmittedBy ?? proposal.CreatedBy;
        var subject = $"{customer.Id} {customer.Name}";
        var changes = $"{name(submitter)}'s changes to {subject} (proposal {proposal.Id})";
        var act = $"Type `approve {proposal.Id}` or `inbox`.";
        var step = proposal.WaitingStep is { } waiting ? $"step {proposal.CurrentStep + 1} ({waiting.Name})" : "the step";
        Notice Ask(string user, string text, DigestKind? digest) => new(user, text, ApprovalCard.Build(view, user), proposal.Id,
            FeedActivity.Of(ActivityFeedTypes.ApprovalRequested, ("submitter", name(submitter)), ("customer", subject)), digest);
        Notice Tell(string outcomeWords, string text) => new(submitter, text, OtherCards.OutcomeNotice(view), proposal.Id,
            FeedActivity.Of(ActivityFeedTypes.ProposalDecided, ("customer", subject), ("outcome", outcomeWords)), DigestKind.Decided);

        switch (outcome.Taken)
        {
            case OverdueAction.Remind:
                return [.. outcome.Told.Select(u => outcome.Routed.FirstOrDefault(r => string.Equals(r.ToUserId, u, StringComparison.OrdinalIgnoreCase)) is { } route
                    ? Ask(u, $"{changes} wait for your approval in place of {route.FromName ?? name(route.FromUserId)}, who {route.Reason}; {step} was due {Text.When(outcome.DueAt)}. {act}", null)
                    : Ask(u, $"Reminder: {changes} wait for your approval; {step} was due {Text.When(outcome.DueAt)}. {act}", null))];
            case OverdueAction.Escalate:
                return [.. outcome.Told.Select(u => Ask(u, $"Escalated to you: {changes} wait for approval; {step} was due {Text.When(outcome.DueAt)} and nobody decided. {act}", null))];
            case OverdueAction.Approve when proposal.Status == ProposalStatus.PendingApproval:
                return [.. outcome.Told.Select(u => Ask(u, $"{name(submitter)} asks for your approval of changes to {subject} (proposal {proposal.Id}); the step before was approved automatically because it was overdue. {act}", DigestKind.ApprovalRequested))];
            case OverdueAction.Approve when proposal.Status == ProposalStatus.Conflict:
                return [Tell("approved automatically but not applied: the customer changed meanwhile",
                    $"Your changes to {subject} (proposal {proposal.Id}) were approved automatically, as the approval was overdue, but not applied: {string.Join(", ", proposal.ConflictFields)} changed in the meantime.")];
            case OverdueAction.Approve:
                return [Tell("approved automatically and applied",
                    $"Your changes to {subject} (proposal {proposal.Id}) were approved automatically, as the approval was overdue, and applied.")];
            case OverdueAction.Reject:
                return [Tell("rejected automatically", $"Your changes to {subject} (proposal {proposal.Id}) were {proposal.DecisionComment}.")];
            default:
                return [];
        }
    }

    /// <summary>
    /// The daily digest: what still waits for the reader (each with its changes, who asked, since when, when it is due, and
    /// the commands to decide), how many requests others decided meanwhile, and the decisions on the reader's proposals.
    /// </summary>
    public static string Digest(DailyDigest digest, Func<string, string> name)
    {
        ArgumentNullException.ThrowIfNull(digest);
        ArgumentNullException.ThrowIfNull(name);
        var lines = new List<string>
        {
            $"**Your daily digest** of {Text.When(digest.At)}: {Text.Plural(digest.Waiting.Count, "approval")} waiting for you, {Text.Plural(digest.Decided.Count, "decision")} on your proposals.",
        };
        if (digest.Waiting.Count > 0)
        {
            lines.Add(string.Empty);
            lines.Add($"**Waiting for your approval ({digest.Waiting.Count})**");
            foreach (var waiting in digest.Waiting)
            {
                var proposal = waiting.Proposal;
                var changes = string.Join("; ", proposal.Lines.Select(l => $"{l.Field} {Text.Value(l.OriginalValue)} → {Text.Value(l.ProposedValue)}"));
                var due = proposal.WaitingStep?.DueAt is { } at ? $", due {Text.When(at)}" : string.Empty;
                lines.Add($"- **{proposal.Id}** {waiting.Customer.Id} {waiting.Customer.Name}: {changes} — from {name(proposal.SubmittedBy ?? proposal.CreatedBy)}, since {Text.When(waiting.Since)}{due}. "
                    + $"`approve {proposal.Id}` · `reject {proposal.Id} <reason>`");
            }
        }

        if (digest.NoLongerWaiting > 0)
        {
            lines.Add(string.Empty);
            lines.Add(digest.NoLongerWaiting == 1
                ? "1 more request was decided by others before this digest."
                : $"{digest.NoLongerWaiting} more requests were decided by others before this digest.");
        }

        if (digest.Decided.Count > 0)
        {
            lines.Add(string.Empty);
            lines.Add($"**Decisions on your proposals ({digest.Decided.Count})**");
            lines.AddRange(digest.Decided.Select(d => $"- {d.Text} `history {d.CustomerId}`"));
        }

        lines.Add(string.Empty);
        lines.Add("Type `inbox` for the approval cards, or `notify me at once` to get each notice as it happens.");
        return string.Join('\n', lines);
    }
}
