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
            $"{i + 1}. {step.Name}: {string.Join(", ", step.Approvers)} ({step.Policy}{(step.DueIn is { } d ? $", due in {d}" : string.Empty)})")));

    private static string OnOff(bool value) => value ? "on" : "off";

    private static void RequireAdmin(Actor actor)
    {
        if (!actor.Has(Roles.Admin))
        {
            throw new WorkflowException(Refusal.NotAllowed, "Only admins can change the workflow settings.");
        }
    }
}
