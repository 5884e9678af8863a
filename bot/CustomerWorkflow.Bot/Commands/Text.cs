using System.Globalization;
using CustomerWorkflow.Core;
using CustomerWorkflow.Core.Customers;
using CustomerWorkflow.Core.Engine;
using CustomerWorkflow.Core.Fields;
using CustomerWorkflow.Core.Proposals;
using CustomerWorkflow.Core.Settings;

namespace CustomerWorkflow.Bot.Commands;

/// <summary>How answers read: short lines in Teams markdown, user text shown as it was typed.</summary>
internal static class Text
{
    public static string Roles(Roles roles)
    {
        if (roles == Core.Roles.None)
        {
            return "without a role";
        }

        var names = new List<string>();
        if (roles.HasFlag(Core.Roles.Clerk))
        {
            names.Add("clerk");
        }

        if (roles.HasFlag(Core.Roles.Approver))
        {
            names.Add("approver");
        }

        if (roles.HasFlag(Core.Roles.Admin))
        {
            names.Add("admin");
        }

        return string.Join(", ", names);
    }

    public static string Value(string value) => value.Length == 0 ? "(empty)" : value;

    public static string When(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);

    public static string Status(ProposalStatus status) => ProposalText.Describe(status);

    public static string Proposal(Proposal proposal, Customer customer, Func<string, string> name)
    {
        var lines = new List<string>
        {
            $"**Proposal {proposal.Id}** for {customer.Id} {customer.Name}: {Status(proposal.Status)}{Waiting(proposal, name)}.",
        };
        if (proposal.SubmittedBy is { } by)
        {
            lines.Add($"Submitted by {name(by)}{(proposal.SubmittedAt is { } at ? $" on {When(at)}" : string.Empty)}{(proposal.SubmitComment is { Length: > 0 } c ? $": \"{c}\"" : string.Empty)}");
        }

        lines.Add(string.Empty);
        lines.Add("| Field | Original | Proposed |");
        lines.Add("|---|---|---|");
        lines.AddRange(proposal.Lines.Select(l => $"| {l.Field} | {Value(l.OriginalValue)} | {Value(l.ProposedValue)} |"));
        return string.Join('\n', lines);
    }

    public static string Waiting(Proposal proposal, Func<string, string> name)
    {
        if (proposal.WaitingStep is not { } step)
        {
            return string.Empty;
        }

        var due = step.DueAt is { } at ? $", due {When(at)}" : string.Empty;
        return $" — step {proposal.CurrentStep + 1} of {proposal.Steps.Count} ({step.Name}) waits for {string.Join(", ", step.Undecided.Select(name))}{due}";
    }

    public static string Changes(IReadOnlyList<FieldChange> changes)
    {
        var parts = new List<string>();
        var applied = changes.Where(c => c.Kind == FieldChangeKind.Applied).ToList();
        var proposed = changes.Where(c => c.Kind == FieldChangeKind.Proposed).ToList();
        var removed = changes.Where(c => c.Kind == FieldChangeKind.ProposalRemoved).ToList();
        var unchanged = changes.Where(c => c.Kind == FieldChangeKind.Unchanged).ToList();
        if (applied.Count > 0)
        {
            parts.Add("Changed at once: " + string.Join("; ", applied.Select(c => $"{c.Field} {Value(c.OriginalValue)} → {Value(c.NewValue)}")) + ".");
        }

        if (proposed.Count > 0)
        {
            parts.Add("Proposed (needs approval, the customer keeps its value until then): "
                + string.Join("; ", proposed.Select(c => $"{c.Field} {Value(c.OriginalValue)} → {Value(c.NewValue)}")) + ".");
        }

        if (removed.Count > 0)
        {
            parts.Add("Set back to the original, so the proposed change is gone: " + string.Join(", ", removed.Select(c => c.Field)) + ".");
        }

        if (unchanged.Count > 0)
        {
            parts.Add("Already so: " + string.Join(", ", unchanged.Select(c => c.Field)) + ".");
        }

        return string.Join("\n\n", parts);
    }

    public static string Settings(WorkflowSettings settings, Func<string, string> name)
    {
        var lines = new List<string>
        {
            "**Settings**",
            $"- Approvals: {(settings.ApprovalsEnabled ? "on" : "off")}",
            $"- Import behaviour: {Import(settings.ImportBehaviour)}",
            $"- Fields that need approval: {(settings.ApprovalFields.IsEmpty ? "(none)" : string.Join(", ", settings.ApprovalFields))}",
            $"- The submitter may approve: {(settings.SubmitterMayApprove ? "yes" : "no")}",
            Steps(settings, name),
        };
        return string.Join('\n', lines);
    }

    public static string Steps(WorkflowSettings settings, Func<string, string> name) =>
        settings.Steps.IsEmpty
            ? "- Approval steps: (none)"
            : "- Approval steps:\n" + string.Join('\n', settings.Steps.Select((s, i) =>
                $"  {i + 1}. {s.Name}: {string.Join(", ", s.Approvers.Select(name))} ({s.Policy}{Scheduling.WorkflowUsersText.Due(s, name)})"));

    public static string Import(ImportBehaviour behaviour) => behaviour switch
    {
        ImportBehaviour.Allow => "allow changes without approval",
        ImportBehaviour.Reject => "reject changes to approval-enabled fields",
        ImportBehaviour.Propose => "create change proposals",
        _ => behaviour.ToString(),
    };

    public static string Plural(int count, string word) => count == 1 ? $"1 {word}" : $"{count} {word}s";

    public static string State(Core.Workflows.WorkflowState state) => state.ToString().ToLowerInvariant();
}
