using System.Globalization;
using System.Text.RegularExpressions;
using CustomerWorkflow.Core.Engine;
using CustomerWorkflow.Core.Settings;

namespace CustomerWorkflow.Bot.Scheduling;

/// <summary>How due times, overdue actions and the workflow users' settings read and are typed.</summary>
internal static partial class WorkflowUsersText
{
    /// <summary>", due in 2d, then escalate to Esther" for the step list; empty without a due time.</summary>
    public static string Due(ApprovalStepDefinition step, Func<string, string> name)
    {
        ArgumentNullException.ThrowIfNull(step);
        ArgumentNullException.ThrowIfNull(name);
        if (step.DueIn is not { } due)
        {
            return string.Empty;
        }

        var then = step.OnOverdue switch
        {
            OverdueAction.Remind => ", then remind",
            OverdueAction.Escalate => $", then escalate to {name(step.EscalateTo ?? "?")}",
            OverdueAction.Approve => ", then approve automatically",
            OverdueAction.Reject => ", then reject automatically",
            _ => string.Empty,
        };
        return $", due in {ProposalEngine.Duration(due)}{then}";
    }

    /// <summary>What happens once the step is overdue, as the admin's answer says it.</summary>
    public static string Then(ApprovalStepDefinition step, Func<string, string> name)
    {
        ArgumentNullException.ThrowIfNull(step);
        ArgumentNullException.ThrowIfNull(name);
        var every = step.DueIn is { } due ? ProposalEngine.Duration(due) : "period";
        return step.OnOverdue switch
        {
            OverdueAction.Remind => $"then its undecided approvers are reminded, again every {every} until someone decides",
            OverdueAction.Escalate => $"then it goes to {name(step.EscalateTo ?? "?")} in place of whoever has not decided (escalated), who is reminded every {every} after that",
            OverdueAction.Approve => "then the system approves it in place of whoever has not decided",
            OverdueAction.Reject => "then the system rejects it, and so the proposal",
            _ => "nothing more happens when it is overdue; the due date shows on the card",
        };
    }

    /// <summary>A duration as admins type it: <c>2d</c>, <c>36h</c>, <c>90m</c>, <c>1d12h</c>; null when it is not one.</summary>
    public static TimeSpan? ParseDuration(string text)
    {
        var match = DurationPattern().Match(text?.Trim() ?? string.Empty);
        if (!match.Success || (!match.Groups[1].Success && !match.Groups[2].Success && !match.Groups[3].Success))
        {
            return null;
        }

        static int Part(Group group) => group.Success && int.TryParse(group.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0;
        var (days, hours, minutes) = (Part(match.Groups[1]), Part(match.Groups[2]), Part(match.Groups[3]));
        if (days > 366 || hours > 10_000 || minutes > 100_000)
        {
            return null;
        }

        var span = TimeSpan.FromDays(days) + TimeSpan.FromHours(hours) + TimeSpan.FromMinutes(minutes);
        return span >= TimeSpan.FromMinutes(1) && span <= TimeSpan.FromDays(366) ? span : null;
    }

    /// <summary>
    /// A moment as people type it: a date (<c>2026-12-01</c>, meaning its start, UTC) or a date and time in ISO form
    /// (<c>2026-12-01T17:00</c>, UTC unless it says otherwise); null when it is neither.
    /// </summary>
    public static DateTimeOffset? ParseMoment(string text)
    {
        var trimmed = text?.Trim() ?? string.Empty;
        if (DateOnly.TryParseExact(trimmed, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            return new DateTimeOffset(date.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        }

        return trimmed.Contains('T', StringComparison.OrdinalIgnoreCase)
            && DateTimeOffset.TryParse(trimmed, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var moment)
            ? moment.ToUniversalTime()
            : null;
    }

    [GeneratedRegex(@"^(?:(\d+)\s*d)?\s*(?:(\d+)\s*h)?\s*(?:(\d+)\s*m(?:in)?)?$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex DurationPattern();
}
