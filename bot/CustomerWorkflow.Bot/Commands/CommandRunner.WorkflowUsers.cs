using CustomerWorkflow.Bot.Scheduling;
using CustomerWorkflow.Core;
using CustomerWorkflow.Core.People;
using CustomerWorkflow.Core.Settings;

namespace CustomerWorkflow.Bot.Commands;

/// <summary>The workflow users' commands (substitutes, notifications) and the due time of a step.</summary>
internal sealed partial class CommandRunner
{
    /// <summary>
    /// <c>substitute</c> shows yours; <c>substitute &lt;user&gt; [until &lt;date&gt;]</c> names who takes over your approvals
    /// while you are away (and with a date, says you are away until then); <c>substitute none</c> clears both; admins add
    /// <c>for &lt;user&gt;</c> to set someone else's.
    /// </summary>
    private async Task<CommandResult> SubstituteAsync(CommandContext context)
    {
        var ct = context.CancellationToken;
        var now = _time.GetUtcNow();
        if (context.Args.Count == 0)
        {
            var me = context.User;
            if (me.SubstituteId is not { } current)
            {
                return CommandResult.Say("You have no substitute: approvals stay with you while you are away. Name one with `substitute <user> [until <date>]`.");
            }

            var name = (await NamesAsync([current], ct).ConfigureAwait(false))(current);
            return CommandResult.Say(me.AwayUntil is { } until && until > now
                ? $"You are away until {Text.When(until)}; {name} takes over your approvals meanwhile. `substitute none` when you are back early."
                : $"{name} takes over your approvals while you are away (while your out-of-office is on). `substitute none` to stop.");
        }

        var first = context.Args[0].Text;
        var clear = first.ToLowerInvariant() is "none" or "off" or "nobody" or "clear";
        var substitute = clear ? null : await ResolveUserAsync(first, ct).ConfigureAwait(false);
        var at = 1;
        var person = context.User;
        if (context.Arg(at)?.ToLowerInvariant() == "for")
        {
            person = await ResolveUserAsync(Required(context, at + 1, "whose substitute this is, like `substitute sam@contoso.com for ann@contoso.com`"), ct).ConfigureAwait(false);
            at += 2;
        }

        DateTimeOffset? awayUntil = null;
        if (context.Arg(at)?.ToLowerInvariant() == "until")
        {
            var text = Required(context, at + 1, "until when, like `until 2026-12-01`");
            awayUntil = WorkflowUsersText.ParseMoment(text) ?? throw new UsageException($"'{text}' is not a date; write it like 2026-12-01 (or 2026-12-01T17:00, UTC).");
            at += 2;
        }

        if (at < context.Args.Count)
        {
            throw new UsageException($"I don't understand '{context.Args[at].Text}' there.");
        }

        var self = context.Actor.Is(person.Id);
        var updated = await _directory.SetSubstituteAsync(context.Actor, person.Id, substitute?.Id, awayUntil, now, ct).ConfigureAwait(false);
        var (you, are) = self ? ("you", "are") : (updated.Name, "is");
        if (substitute is null)
        {
            return CommandResult.Say(self ? "You have no substitute now: approvals stay with you." : $"{updated.Name} has no substitute now.");
        }

        return CommandResult.Say(awayUntil is { } away
            ? $"{Capital(you)} {are} away until {Text.When(away)}: {substitute.Name} takes over approval steps that start meanwhile, and overdue ones when they are reminded."
            : $"{substitute.Name} takes over {(self ? "your" : $"{updated.Name}'s")} approvals while {you} {are} away: while {(self ? "your" : "their")} out-of-office (automatic replies) is on, or after `substitute {substitute.Upn ?? substitute.Name} until <date>`.");
    }

    /// <summary><c>notify</c> shows how you are told; <c>notify me at once</c> or <c>notify me daily</c> changes it.</summary>
    private async Task<CommandResult> NotifyAsync(CommandContext context)
    {
        var digest = _scheduler.Digest;
        var when = $"{digest.Hour:00}:00 {(digest.Zone == TimeZoneInfo.Utc ? "UTC" : digest.Zone.Id)}";
        var words = context.Args.Select(a => a.Text.ToLowerInvariant()).Where(w => w is not ("me" or "at")).ToList();
        if (words.Count == 0)
        {
            return CommandResult.Say(context.User.Notify == NotificationPreference.DailyDigest
                ? $"You get one daily digest at {when}. `notify me at once` to get each notice as it happens."
                : "You get each notice as it happens. `notify me daily` for one daily digest instead.");
        }

        var preference = words switch
        {
            ["daily" or "digest" or "day"] or ["daily", "digest"] => NotificationPreference.DailyDigest,
            ["once" or "now" or "immediately" or "instantly"] => NotificationPreference.AtOnce,
            _ => throw new UsageException("Say `notify me at once` or `notify me daily`."),
        };
        await _directory.SetNotificationsAsync(context.Actor, context.User.Id, preference, context.CancellationToken).ConfigureAwait(false);
        return CommandResult.Say(preference == NotificationPreference.DailyDigest
            ? $"You now get one daily digest at {when}: the approvals waiting for you and the decisions on your proposals. Reminders and escalations still come at once."
            : "You now get each notice as it happens.");
    }

    /// <summary><c>workflow due &lt;n&gt; &lt;duration&gt; [remind | escalate &lt;user&gt; | approve | reject]</c>, or <c>workflow due &lt;n&gt; none</c>.</summary>
    private async Task<CommandResult> WorkflowDueAsync(CommandContext context, WorkflowSettings settings)
    {
        var ct = context.CancellationToken;
        var index = StepIndex(context, 1, settings);
        var step = settings.Steps[index];
        var word = Required(context, 2, "the due time, like `workflow due 1 2d remind`");
        ApprovalStepDefinition updated;
        if (word.ToLowerInvariant() is "none" or "off")
        {
            updated = step with { DueIn = null, OnOverdue = OverdueAction.None, EscalateTo = null };
        }
        else
        {
            var due = WorkflowUsersText.ParseDuration(word)
                ?? throw new UsageException($"'{word}' is not a due time; write it like 2d, 36h, 90m or 1d12h (at least a minute).");
            updated = context.Arg(3)?.ToLowerInvariant() switch
            {
                null => step with { DueIn = due },
                "remind" => step with { DueIn = due, OnOverdue = OverdueAction.Remind, EscalateTo = null },
                "escalate" => step with
                {
                    DueIn = due,
                    OnOverdue = OverdueAction.Escalate,
                    EscalateTo = (await ResolveUserAsync(Required(context, 4, "whom to escalate to, like `workflow due 1 2d escalate esther@contoso.com`"), ct).ConfigureAwait(false)).Id,
                },
                "approve" => step with { DueIn = due, OnOverdue = OverdueAction.Approve, EscalateTo = null },
                "reject" => step with { DueIn = due, OnOverdue = OverdueAction.Reject, EscalateTo = null },
                "nothing" or "none" => step with { DueIn = due, OnOverdue = OverdueAction.None, EscalateTo = null },
                _ => throw new UsageException($"When it is overdue: remind, escalate <user>, approve or reject, not '{context.Arg(3)}'."),
            };
        }

        await _engine.SetApprovalStepsAsync(context.Actor, settings.Steps.SetItem(index, updated), ct).ConfigureAwait(false);
        var names = await NamesAsync(StepPeople(settings).Append(updated.EscalateTo ?? string.Empty), ct).ConfigureAwait(false);
        var answer = updated.DueIn is { } dueIn
            ? $"Step {index + 1} ({step.Name}) is now due {Core.Engine.ProposalEngine.Duration(dueIn)} after it starts; {WorkflowUsersText.Then(updated, names)}."
            : $"Step {index + 1} ({step.Name}) has no due time now.";
        return CommandResult.Say(answer + " Proposals already submitted keep the steps they started with.");
    }

    /// <summary>Everyone the steps name: approvers and escalation targets.</summary>
    private static IEnumerable<string> StepPeople(WorkflowSettings settings) =>
        settings.Steps.SelectMany(s => s.EscalateTo is { } target ? [.. s.Approvers, target] : s.Approvers);

    private static string Capital(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];
}
