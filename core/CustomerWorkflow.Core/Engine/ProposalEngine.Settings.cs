using System.Collections.Immutable;
using System.Globalization;
using CustomerWorkflow.Core.Fields;
using CustomerWorkflow.Core.Settings;
using CustomerWorkflow.Core.Storage;

namespace CustomerWorkflow.Core.Engine;

public sealed partial class ProposalEngine
{
    /// <summary>The current settings (defaults, at version 0, before anything was saved).</summary>
    public async Task<SettingsRecord> GetSettingsAsync(CancellationToken cancellationToken = default) =>
        await store.GetSettingsAsync(cancellationToken).ConfigureAwait(false) ?? new SettingsRecord(new WorkflowSettings(), 0);

    /// <summary>The recorded settings changes, newest first.</summary>
    public Task<IReadOnlyList<SettingsChange>> GetSettingsChangesAsync(Actor actor, int max = 50, CancellationToken cancellationToken = default)
    {
        RequireAdmin(actor);
        return store.ListSettingsChangesAsync(max, cancellationToken);
    }

    /// <summary>The global switch.</summary>
    public Task<WorkflowSettings> SetApprovalsEnabledAsync(Actor actor, bool enabled, CancellationToken cancellationToken = default) =>
        ChangeSettingsAsync(actor, "Approvals", s => s with { ApprovalsEnabled = enabled }, s => OnOff(s.ApprovalsEnabled), cancellationToken);

    /// <summary>The data entity behaviour.</summary>
    public Task<WorkflowSettings> SetImportBehaviourAsync(Actor actor, ImportBehaviour behaviour, CancellationToken cancellationToken = default) =>
        ChangeSettingsAsync(actor, "ImportBehaviour", s => s with { ImportBehaviour = behaviour }, s => s.ImportBehaviour.ToString(), cancellationToken);

    /// <summary>Ticks or unticks a field as needing approval.</summary>
    public Task<WorkflowSettings> SetFieldApprovalAsync(Actor actor, string field, bool required, CancellationToken cancellationToken = default)
    {
        var name = FieldCatalog.Get(field).Name;
        return ChangeSettingsAsync(actor, $"Field {name}",
            s => s with { ApprovalFields = required ? s.ApprovalFields.Add(name) : s.ApprovalFields.Remove(name) },
            s => OnOff(s.ApprovalFields.Contains(name)), cancellationToken);
    }

    /// <summary>Segregation of duties: whether a submitter may approve their own proposal.</summary>
    public Task<WorkflowSettings> SetSubmitterMayApproveAsync(Actor actor, bool allowed, CancellationToken cancellationToken = default) =>
        ChangeSettingsAsync(actor, "SubmitterMayApprove", s => s with { SubmitterMayApprove = allowed }, s => OnOff(s.SubmitterMayApprove), cancellationToken);

    /// <summary>Replaces the approval steps. Proposals already submitted keep the steps they started with.</summary>
    public Task<WorkflowSettings> SetApprovalStepsAsync(Actor actor, IReadOnlyList<ApprovalStepDefinition> steps, CancellationToken cancellationToken = default)
    {
        foreach (var step in steps)
        {
            if (string.IsNullOrWhiteSpace(step.Name) || step.Approvers.Count == 0 || step.Approvers.Any(string.IsNullOrWhiteSpace))
            {
                throw new WorkflowException(Refusal.InvalidConfiguration, "Every approval step needs a name and at least one approver.");
            }

            if (step.Policy.Kind == CompletionKind.Percentage)
            {
                CompletionPolicy.PercentageOf(step.Policy.Percent);
            }

            CheckOverdueOptions(step);
        }

        var list = steps.ToImmutableList();
        return ChangeSettingsAsync(actor, "Steps", s => s with { Steps = list }, DescribeSteps, cancellationToken);
    }

    /// <summary>The payment terms a customer may have.</summary>
    public Task<WorkflowSettings> SetPaymentTermsAsync(Actor actor, IReadOnlyList<string> terms, CancellationToken cancellationToken = default) =>
        ChangeSettingsAsync(actor, "PaymentTerms", s => s with { PaymentTerms = CleanList(terms, "payment terms") }, s => string.Join(", ", s.PaymentTerms), cancellationToken);

    /// <summary>The customer groups a customer may be in.</summary>
    public Task<WorkflowSettings> SetCustomerGroupsAsync(Actor actor, IReadOnlyList<string> groups, CancellationToken cancellationToken = default) =>
        ChangeSettingsAsync(actor, "CustomerGroups", s => s with { CustomerGroups = CleanList(groups, "customer groups") }, s => string.Join(", ", s.CustomerGroups), cancellationToken);

    /// <summary>
    /// Saves the settings card in one write: approvals on/off, the import behaviour and the approval fields, each
    /// change recorded. Refused, changing nothing, when the settings changed since the card showed
    /// <paramref name="expectedVersion"/>.
    /// </summary>
    public async Task<SettingsRecord> SaveSettingsFormAsync(Actor actor, bool approvals, ImportBehaviour import, IReadOnlyCollection<string> approvalFields, long expectedVersion, CancellationToken cancellationToken = default)
    {
        RequireAdmin(actor);
        ArgumentNullException.ThrowIfNull(approvalFields);
        var fields = approvalFields.Select(f => FieldCatalog.Get(f).Name).ToImmutableSortedSet(StringComparer.OrdinalIgnoreCase);
        var current = await GetSettingsAsync(cancellationToken).ConfigureAwait(false);
        if (current.Version != expectedVersion)
        {
            throw new WorkflowException(Refusal.StaleVersion, "The settings were changed by someone else since this card was shown; here they are now.");
        }

        var updated = current.Settings with { ApprovalsEnabled = approvals, ImportBehaviour = import, ApprovalFields = fields };
        var now = Now;
        var changes = new List<SettingsChange>();
        void Record(string setting, string before, string after)
        {
            if (before != after)
            {
                changes.Add(new SettingsChange(now, actor.Id, actor.DisplayName, setting, before, after));
            }
        }

        Record("Approvals", OnOff(current.Settings.ApprovalsEnabled), OnOff(approvals));
        Record("ImportBehaviour", current.Settings.ImportBehaviour.ToString(), import.ToString());
        Record("ApprovalFields", string.Join(", ", current.Settings.ApprovalFields), string.Join(", ", fields));
        if (changes.Count == 0)
        {
            return current;
        }

        try
        {
            var version = await store.SaveSettingsAsync(updated, current.Version, changes, cancellationToken).ConfigureAwait(false);
            return new SettingsRecord(updated, version);
        }
        catch (ConcurrencyException)
        {
            throw new WorkflowException(Refusal.StaleVersion, "The settings were changed by someone else since this card was shown; here they are now.");
        }
    }

    private async Task<WorkflowSettings> ChangeSettingsAsync(Actor actor, string setting, Func<WorkflowSettings, WorkflowSettings> change, Func<WorkflowSettings, string> describe, CancellationToken cancellationToken)
    {
        RequireAdmin(actor);
        for (var attempt = 1; ; attempt++)
        {
            var current = await GetSettingsAsync(cancellationToken).ConfigureAwait(false);
            var updated = change(current.Settings);
            var (before, after) = (describe(current.Settings), describe(updated));
            if (before == after && current.Version > 0)
            {
                return current.Settings;
            }

            var record = new SettingsChange(Now, actor.Id, actor.DisplayName, setting, before, after);
            try
            {
                await store.SaveSettingsAsync(updated, current.Version, [record], cancellationToken).ConfigureAwait(false);
                return updated;
            }
            catch (ConcurrencyException) when (attempt < MaxAttempts)
            {
                // Another admin saved first: apply this change on top of theirs.
            }
            catch (ConcurrencyException)
            {
                throw new WorkflowException(Refusal.Busy, "The settings are being changed by someone else right now. Please try again.");
            }
        }
    }

    private static ImmutableList<string> CleanList(IReadOnlyList<string> items, string what)
    {
        var list = items.Select(i => i.Trim()).Where(i => i.Length > 0).Distinct(StringComparer.OrdinalIgnoreCase).ToImmutableList();
        return list.IsEmpty || list.Any(i => i.Length > 40)
            ? throw new WorkflowException(Refusal.InvalidConfiguration, $"Give at least one of the {what}, each at most 40 characters.")
            : list;
    }

    private static string DescribeSteps(WorkflowSettings s) =>
        s.Steps.IsEmpty ? "(none)" : string.Join("; ", s.Steps.Select((step, i) => string.Create(CultureInfo.InvariantCulture,
            $"{i + 1}. {step.Name}: {string.Join(", ", step.Approvers)} ({step.Policy}{DescribeOverdue(step)})")));

    private static string OnOff(bool value) => value ? "on" : "off";

    private static void RequireAdmin(Actor actor)
    {
        if (!actor.Has(Roles.Admin))
        {
            throw new WorkflowException(Refusal.NotAllowed, "Only admins can change the workflow settings.");
        }
    }
}
