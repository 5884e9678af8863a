using System.Globalization;
using CustomerWorkflow.Core.Fields;
using CustomerWorkflow.Core.Settings;
using CustomerWorkflow.Core.Storage;

namespace CustomerWorkflow.Core.Workflows;

/// <summary>
/// The admin's use cases for workflows: list, copy from a template, change (each change stores the next version),
/// enable, disable, archive and delete. Only admins may; a workflow is changed only while disabled (as in the seed), so
/// an enabled one never runs half-edited; every refusal changes nothing and says why.
/// </summary>
public sealed class WorkflowManager(IWorkflowDefinitionStore store, WorkflowCatalog catalog, TimeProvider time)
{
    /// <summary>Names <c>workflow set</c> reads as the workflow's own settings rather than template parameters.</summary>
    public const string PriorityName = "priority";
    public const string DescriptionName = "description";

    private const int MaxAttempts = 8;

    public WorkflowCatalog Catalog => catalog;

    public async Task<IReadOnlyList<WorkflowRecord>> ListAsync(Actor actor, CancellationToken cancellationToken = default)
    {
        RequireAdmin(actor);
        var all = await store.ListWorkflowsAsync(cancellationToken).ConfigureAwait(false);
        return [.. all.OrderBy(w => w.Code, StringComparer.Ordinal)];
    }

    public async Task<WorkflowRecord> GetAsync(Actor actor, string code, CancellationToken cancellationToken = default)
    {
        RequireAdmin(actor);
        return await store.GetWorkflowAsync(WorkflowCode.Normalize(code), cancellationToken).ConfigureAwait(false) ?? throw Unknown(code);
    }

    /// <summary>A stored version of a workflow (what a proposal runs under).</summary>
    public async Task<WorkflowDefinition> GetVersionAsync(Actor actor, string code, int version, CancellationToken cancellationToken = default)
    {
        RequireAdmin(actor);
        return await store.GetWorkflowVersionAsync(WorkflowCode.Normalize(code), version, cancellationToken).ConfigureAwait(false)
            ?? throw new WorkflowException(Refusal.InvalidValue, $"Workflow {WorkflowCode.Normalize(code)} has no version {version}.");
    }

    public Task<int> CountRunningAsync(string code, CancellationToken cancellationToken = default) =>
        store.CountRunningAsync(WorkflowCode.Normalize(code), cancellationToken);

    /// <summary>
    /// A new, disabled workflow copied from a template, with parameter values (user parameters as user ids). Refused when
    /// the code is bad or taken, the template unknown, or a value wrong.
    /// </summary>
    public async Task<WorkflowRecord> CreateFromTemplateAsync(Actor actor, string code, string template, IReadOnlyList<KeyValuePair<string, string>> values, CancellationToken cancellationToken = default)
    {
        RequireAdmin(actor);
        ArgumentNullException.ThrowIfNull(values);
        if (WorkflowCode.Problem(code) is { } problem)
        {
            throw new WorkflowException(Refusal.InvalidValue, problem);
        }

        var normalized = WorkflowCode.Normalize(code);
        var source = catalog.Template(template.Trim());
        var now = time.GetUtcNow();
        var definition = Set(source.Create(normalized), values) with
        {
            Version = 1,
            CreatedAt = now,
            CreatedBy = actor.Id,
            Change = $"created from {source.Code}",
        };
        if (await store.GetWorkflowAsync(normalized, cancellationToken).ConfigureAwait(false) is not null)
        {
            throw Taken(normalized);
        }

        var record = new WorkflowRecord(definition, WorkflowState.Disabled, 0) { UpdatedAt = now, UpdatedBy = actor.Id };
        try
        {
            var revision = await store.SaveWorkflowAsync(record, 0, cancellationToken).ConfigureAwait(false);
            return record with { Revision = revision };
        }
        catch (ConcurrencyException)
        {
            throw Taken(normalized);
        }
    }

    /// <summary>Sets parameters (user ones as user ids), <c>priority</c> or <c>description</c>: the next version.</summary>
    public Task<WorkflowRecord> SetAsync(Actor actor, string code, IReadOnlyList<KeyValuePair<string, string>> values, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count == 0)
        {
            throw new WorkflowException(Refusal.InvalidValue, "Say what to set, like threshold=25000.");
        }

        return EditAsync(actor, code, d => (Set(d, values), "set " + string.Join(", ", values.Select(v => $"{v.Key}={v.Value}"))), cancellationToken);
    }

    /// <summary>Adds a step at the end (or at <paramref name="at"/>, 1-based): an event and a response, named or not.</summary>
    public Task<WorkflowRecord> AddStepAsync(Actor actor, string code, string eventCode, string responseCode, string? name, int? at = null, CancellationToken cancellationToken = default)
    {
        var workflowEvent = catalog.Event(eventCode.Trim());
        var response = catalog.Response(responseCode.Trim());
        if (response.CheckEvent(workflowEvent) is { } mismatch)
        {
            throw new WorkflowException(Refusal.InvalidConfiguration, char.ToUpperInvariant(mismatch[0]) + mismatch[1..]);
        }

        var step = new WorkflowStep(workflowEvent.Code, response.Code) { Name = Clean(name) };
        return EditAsync(actor, code, d =>
        {
            var index = at is { } n ? Math.Clamp(n - 1, 0, d.Steps.Count) : d.Steps.Count;
            return (d with { Steps = d.Steps.Insert(index, step) }, $"step {index + 1} added: on {workflowEvent.Code}, {response.Code}");
        }, cancellationToken);
    }

    public Task<WorkflowRecord> RemoveStepAsync(Actor actor, string code, int number, CancellationToken cancellationToken = default) =>
        EditAsync(actor, code, d =>
        {
            var index = StepIndex(d, number);
            return (d with { Steps = d.Steps.RemoveAt(index) }, string.Create(CultureInfo.InvariantCulture, $"step {number} removed"));
        }, cancellationToken);

    /// <summary>Adds a condition to a step (all of a step's conditions must hold).</summary>
    public Task<WorkflowRecord> AddConditionAsync(Actor actor, string code, int number, WorkflowCondition condition, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(condition);
        return EditAsync(actor, code, d =>
        {
            var index = StepIndex(d, number);
            var field = FieldCatalog.Get(condition.Field).Name;
            var op = catalog.Operator(condition.Operator.Trim());
            var normalized = condition with { Field = field, Operator = op.Code, Value = Clean(condition.Value) };
            if (catalog.CheckCondition(normalized, d) is { } problem)
            {
                throw new WorkflowException(Refusal.InvalidConfiguration, $"That condition doesn't work: {problem}.");
            }

            var step = d.Steps[index];
            return (d with { Steps = d.Steps.SetItem(index, step with { Conditions = step.Conditions.Add(normalized) }) },
                $"step {number}: condition {catalog.DescribeCondition(normalized, d)}");
        }, cancellationToken);
    }

    public Task<WorkflowRecord> ClearConditionsAsync(Actor actor, string code, int number, CancellationToken cancellationToken = default) =>
        EditAsync(actor, code, d =>
        {
            var index = StepIndex(d, number);
            return (d with { Steps = d.Steps.SetItem(index, d.Steps[index] with { Conditions = [] }) }, $"step {number}: no conditions");
        }, cancellationToken);

    public Task<WorkflowRecord> RenameStepAsync(Actor actor, string code, int number, string? name, CancellationToken cancellationToken = default) =>
        EditAsync(actor, code, d =>
        {
            var index = StepIndex(d, number);
            return (d with { Steps = d.Steps.SetItem(index, d.Steps[index] with { Name = Clean(name) }) }, $"step {number}: named {Clean(name) ?? "(none)"}");
        }, cancellationToken);

    /// <summary>Changes one option of a step; refused when the step's response does not use that option.</summary>
    public Task<WorkflowRecord> SetOptionAsync(Actor actor, string code, int number, ResponseOption option, Func<ResponseOptions, ResponseOptions> change, string description, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(change);
        return EditAsync(actor, code, d =>
        {
            var index = StepIndex(d, number);
            var step = d.Steps[index];
            var response = catalog.Response(step.Response);
            if (!response.Options.Contains(option))
            {
                var uses = response.Options.Count == 0 ? "it has no options" : "its options are " + string.Join(", ", response.Options.Select(o => o.ToString().ToLowerInvariant()));
                throw new WorkflowException(Refusal.InvalidConfiguration, $"Step {number} ({response.Title}) has no option {option.ToString().ToLowerInvariant()}: {uses}.");
            }

            return (d with { Steps = d.Steps.SetItem(index, step with { Options = change(step.Options) }) }, $"step {number}: {description}");
        }, cancellationToken);
    }

    /// <summary>Enables a workflow that passes every check: from now on it is chosen for the proposals its conditions take.</summary>
    public Task<WorkflowRecord> EnableAsync(Actor actor, string code, CancellationToken cancellationToken = default) =>
        ChangeStateAsync(actor, code, WorkflowState.Enabled, record =>
        {
            if (record.State == WorkflowState.Archived)
            {
                throw Archived(record.Code);
            }

            var problems = catalog.Check(record.Definition);
            if (problems.Count > 0)
            {
                throw new WorkflowException(Refusal.InvalidConfiguration, $"Workflow {record.Code} can't be enabled yet: {string.Join("; ", problems)}.");
            }
        }, cancellationToken);

    /// <summary>Disables a workflow: no new proposal is started under it; those running finish under their version.</summary>
    public Task<WorkflowRecord> DisableAsync(Actor actor, string code, CancellationToken cancellationToken = default) =>
        ChangeStateAsync(actor, code, WorkflowState.Disabled, record =>
        {
            if (record.State == WorkflowState.Archived)
            {
                throw Archived(record.Code);
            }
        }, cancellationToken);

    /// <summary>Archives a workflow: kept for the record, never chosen, changed or enabled again.</summary>
    public Task<WorkflowRecord> ArchiveAsync(Actor actor, string code, CancellationToken cancellationToken = default) =>
        ChangeStateAsync(actor, code, WorkflowState.Archived, _ => { }, cancellationToken);

    /// <summary>Deletes a disabled or archived workflow with every version, when no proposal is running under it.</summary>
    public async Task DeleteAsync(Actor actor, string code, CancellationToken cancellationToken = default)
    {
        RequireAdmin(actor);
        for (var attempt = 1; ; attempt++)
        {
            var record = await store.GetWorkflowAsync(WorkflowCode.Normalize(code), cancellationToken).ConfigureAwait(false) ?? throw Unknown(code);
            if (record.State == WorkflowState.Enabled)
            {
                throw new WorkflowException(Refusal.NotAllowed, $"Workflow {record.Code} is enabled; disable it before deleting it.");
            }

            try
            {
                if (await store.DeleteWorkflowAsync(record.Code, record.Revision, cancellationToken).ConfigureAwait(false))
                {
                    return;
                }
            }
            catch (ConcurrencyException) when (attempt < MaxAttempts)
            {
                continue;
            }
            catch (ConcurrencyException)
            {
                throw Busy(record.Code);
            }

            var running = await store.CountRunningAsync(record.Code, cancellationToken).ConfigureAwait(false);
            throw new WorkflowException(Refusal.NotAllowed,
                $"Workflow {record.Code} can't be deleted: {(running > 1 ? $"{running} proposals are" : "a proposal is")} running under it. It starts no new ones while disabled; delete it once they are done.");
        }
    }

    private async Task<WorkflowRecord> ChangeStateAsync(Actor actor, string code, WorkflowState state, Action<WorkflowRecord> check, CancellationToken cancellationToken)
    {
        RequireAdmin(actor);
        for (var attempt = 1; ; attempt++)
        {
            var record = await store.GetWorkflowAsync(WorkflowCode.Normalize(code), cancellationToken).ConfigureAwait(false) ?? throw Unknown(code);
            if (record.State == state)
            {
                return record;
            }

            check(record);
            var updated = record with { State = state, UpdatedAt = time.GetUtcNow(), UpdatedBy = actor.Id };
            try
            {
                var revision = await store.SaveWorkflowAsync(updated, record.Revision, cancellationToken).ConfigureAwait(false);
                return updated with { Revision = revision };
            }
            catch (ConcurrencyException) when (attempt < MaxAttempts)
            {
                // Another admin changed it meanwhile: decide again on what they left.
            }
            catch (ConcurrencyException)
            {
                throw Busy(record.Code);
            }
        }
    }

    /// <summary>A change to a disabled workflow's definition, stored as its next version.</summary>
    private async Task<WorkflowRecord> EditAsync(Actor actor, string code, Func<WorkflowDefinition, (WorkflowDefinition Updated, string Change)> edit, CancellationToken cancellationToken)
    {
        RequireAdmin(actor);
        for (var attempt = 1; ; attempt++)
        {
            var record = await store.GetWorkflowAsync(WorkflowCode.Normalize(code), cancellationToken).ConfigureAwait(false) ?? throw Unknown(code);
            if (record.State == WorkflowState.Archived)
            {
                throw Archived(record.Code);
            }

            if (record.State == WorkflowState.Enabled)
            {
                throw new WorkflowException(Refusal.NotAllowed,
                    $"Workflow {record.Code} is enabled; disable it to change it (proposals already running keep the version they started with).");
            }

            var (updated, change) = edit(record.Definition);
            var now = time.GetUtcNow();
            var next = record with
            {
                Definition = updated with { Version = record.Definition.Version + 1, CreatedAt = now, CreatedBy = actor.Id, Change = change },
                UpdatedAt = now,
                UpdatedBy = actor.Id,
            };
            try
            {
                var revision = await store.SaveWorkflowAsync(next, record.Revision, cancellationToken).ConfigureAwait(false);
                return next with { Revision = revision };
            }
            catch (ConcurrencyException) when (attempt < MaxAttempts)
            {
                // Another admin saved first: apply this change to their version.
            }
            catch (ConcurrencyException)
            {
                throw Busy(record.Code);
            }
        }
    }

    /// <summary>The definition with parameters, priority or description set; each value checked against its kind.</summary>
    private static WorkflowDefinition Set(WorkflowDefinition definition, IReadOnlyList<KeyValuePair<string, string>> values)
    {
        foreach (var (rawName, rawValue) in values)
        {
            var name = rawName.Trim();
            var value = rawValue.Trim();
            if (string.Equals(name, PriorityName, StringComparison.OrdinalIgnoreCase))
            {
                definition = definition with
                {
                    Priority = int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var priority) && priority is >= -1000 and <= 1000
                        ? priority
                        : throw new WorkflowException(Refusal.InvalidValue, $"'{value}' is not a priority: use a whole number from -1000 to 1000 (higher wins)."),
                };
                continue;
            }

            if (string.Equals(name, DescriptionName, StringComparison.OrdinalIgnoreCase))
            {
                definition = definition with
                {
                    Description = value.Length is > 0 and <= 200 ? value : throw new WorkflowException(Refusal.InvalidValue, "A description is 1 to 200 characters."),
                };
                continue;
            }

            var parameter = definition.Parameter(name) ?? throw new WorkflowException(Refusal.InvalidValue, definition.Parameters.IsEmpty
                ? $"Workflow {definition.Code} has no parameters; it has {PriorityName} and {DescriptionName}."
                : $"Workflow {definition.Code} has no parameter '{name}'; its parameters: {string.Join(", ", definition.Parameters.Select(p => p.Name))} (and {PriorityName}, {DescriptionName}).");
            definition = definition with { Parameters = definition.Parameters.Replace(parameter, parameter with { Value = Check(parameter, value) }) };
        }

        return definition;
    }

    /// <summary>A parameter value in its canonical form, or a refusal that says what it should be.</summary>
    private static string Check(WorkflowParameter parameter, string value)
    {
        switch (parameter.Kind)
        {
            case ParameterKind.Amount:
                return FieldCatalog.Get(FieldCatalog.CreditLimit).TryNormalize(value, new WorkflowSettings(), out var amount, out _) && amount.Length > 0
                    ? amount
                    : throw new WorkflowException(Refusal.InvalidValue, $"'{value}' is not an amount for {parameter.Name}: use digits with at most two decimals, like 10000.00.");
            default:
                return value.Length is > 0 and <= 200 ? value : throw new WorkflowException(Refusal.InvalidValue, $"Give {parameter.Name} ({parameter.Description}) a value.");
        }
    }

    private static int StepIndex(WorkflowDefinition definition, int number) =>
        number >= 1 && number <= definition.Steps.Count
            ? number - 1
            : throw new WorkflowException(Refusal.InvalidValue, definition.Steps.IsEmpty
                ? $"Workflow {definition.Code} has no steps yet."
                : $"Workflow {definition.Code} has steps 1 to {definition.Steps.Count}.");

    private static string? Clean(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    private static void RequireAdmin(Actor actor)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (!actor.Has(Roles.Admin))
        {
            throw new WorkflowException(Refusal.NotAllowed, "Only admins can change workflows.");
        }
    }

    private static WorkflowException Unknown(string code) =>
        new(Refusal.InvalidValue, $"There is no workflow '{WorkflowCode.Normalize(code)}'. `workflow list` shows them.");

    private static WorkflowException Taken(string code) =>
        new(Refusal.InvalidValue, $"There is a workflow {code} already; choose another code, or `workflow show {code}`.");

    private static WorkflowException Archived(string code) =>
        new(Refusal.NotAllowed, $"Workflow {code} is archived: it can't be changed or enabled again, only deleted.");

    private static WorkflowException Busy(string code) =>
        new(Refusal.Busy, $"Workflow {code} is being changed by someone else right now. Please try again.");
}
