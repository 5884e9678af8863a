using CustomerWorkflow.Core.Customers;
using CustomerWorkflow.Core.Fields;
using CustomerWorkflow.Core.Proposals;
using CustomerWorkflow.Core.Settings;

namespace CustomerWorkflow.Core.Workflows;

/// <summary>
/// Chooses the workflow a proposal runs under and lays it out at submit, then lets its responses react as the proposal
/// moves on. The choice is among enabled workflows whose entry step's conditions hold, the highest priority first, then
/// the most specific (most conditions), then by code; it is explained in words. Without a match the settings' approval
/// steps apply, as before workflows existed, and the history says so.
/// </summary>
public sealed class WorkflowRouter(IWorkflowDefinitionStore store, WorkflowCatalog catalog, IApproverDirectory directory)
{
    /// <summary>More history entries than this in one write means responses are feeding each other: stop.</summary>
    private const int MaxEntriesPerWrite = 1000;

    public WorkflowCatalog Catalog => catalog;

    /// <summary>The plan of a first submit: the workflow chosen, laid out for this proposal and submitter.</summary>
    public async Task<SubmitPlan> PlanAsync(Proposal proposal, Customer customer, Actor submitter, WorkflowSettings settings, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(proposal);
        ArgumentNullException.ThrowIfNull(settings);
        var enabled = (await store.ListWorkflowsAsync(cancellationToken).ConfigureAwait(false)).Where(w => w.State == WorkflowState.Enabled).ToList();
        var matched = new List<(WorkflowDefinition Definition, IReadOnlyList<string> Why)>();
        var missed = new List<string>();
        foreach (var definition in enabled.Select(w => w.Definition))
        {
            if (definition.EntryStep is not { } entry)
            {
                continue;
            }

            var (holds, why) = Evaluate(entry, definition, proposal, customer);
            if (holds)
            {
                matched.Add((definition, why));
            }
            else
            {
                missed.Add($"{definition.Code}: {string.Join("; ", why)}");
            }
        }

        if (matched.Count == 0)
        {
            var none = enabled.Count == 0 ? "No workflow is enabled" : $"No enabled workflow takes this proposal ({string.Join("; ", missed)})";
            return new SubmitPlan(settings.Steps, null, none + ": the default approval steps from the settings apply.");
        }

        var ordered = matched
            .OrderByDescending(m => m.Definition.Priority)
            .ThenByDescending(m => m.Definition.EntryStep!.Conditions.Count)
            .ThenBy(m => m.Definition.Code, StringComparer.Ordinal)
            .ToList();
        var (chosen, because) = ordered[0];
        var reason = $"{chosen.Code} v{chosen.Version}: " + (because.Count == 0 ? "it has no conditions, so it takes every proposal" : string.Join("; ", because));
        if (ordered.Count > 1)
        {
            var next = ordered[1].Definition;
            var edge = chosen.Priority != next.Priority ? "higher priority"
                : chosen.EntryStep!.Conditions.Count != next.EntryStep!.Conditions.Count ? "more specific"
                : "first by code";
            reason += $" (chosen over {string.Join(", ", ordered.Skip(1).Select(o => o.Definition.Code))}: {edge})";
        }

        return await LayOutAsync(chosen, reason, proposal, customer, submitter, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Lays a chosen workflow out: each step whose conditions hold gets its response's say, in order.</summary>
    public async Task<SubmitPlan> LayOutAsync(WorkflowDefinition definition, string reason, Proposal proposal, Customer customer, Actor submitter, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(submitter);
        var plan = new PlanBuilder();
        var entry = definition.EntryStep;
        for (var i = 0; i < definition.Steps.Count; i++)
        {
            var step = definition.Steps[i];
            var workflowEvent = catalog.FindEvent(step.Event);
            var response = catalog.FindResponse(step.Response);
            if (workflowEvent is null || response is null)
            {
                throw new WorkflowException(Refusal.InvalidConfiguration,
                    $"Workflow {definition.Code} v{definition.Version} step {i + 1} names an event or response this version of the product does not have ({step.Event}, {step.Response}). Ask an admin to fix the workflow.");
            }

            if (!ReferenceEquals(step, entry) && !step.Conditions.IsEmpty)
            {
                var (holds, why) = Evaluate(step, definition, proposal, customer);
                if (!holds)
                {
                    plan.Notes.Add($"step {i + 1}{(step.Name is { Length: > 0 } name ? $" ({name})" : string.Empty)} skipped: {string.Join("; ", why)}");
                    if (workflowEvent.Kind is WorkflowEventKind.Submitted or WorkflowEventKind.StepApproved)
                    {
                        // An overdue step after a skipped approval step has nothing to act on.
                        plan.LastApproval = (plan.Steps.Count, 0);
                    }

                    continue;
                }
            }

            var context = new PlanContext(proposal, customer, submitter, definition, step, i + 1, workflowEvent, directory, plan);
            await response.PlanAsync(context, cancellationToken).ConfigureAwait(false);
        }

        if (plan.Steps.Count == 0 && plan.Automatic is null)
        {
            throw new WorkflowException(Refusal.InvalidConfiguration,
                $"Workflow {definition.Code} v{definition.Version} asks nobody to approve this proposal{(plan.Notes.Count > 0 ? $" ({string.Join("; ", plan.Notes)})" : string.Empty)}. Ask an admin to fix the workflow.");
        }

        var explanation = plan.Notes.Count == 0 ? reason : $"{reason}; {string.Join("; ", plan.Notes)}";
        if (plan.Automatic is { } automatic)
        {
            explanation += $"; {(automatic.Approve ? "approved" : "rejected")} automatically";
        }

        var run = new WorkflowRun(definition.Code, definition.Version, explanation) { Reactions = [.. plan.Reactions] };
        return new SubmitPlan([.. plan.Steps], run, explanation) { Automatic = plan.Automatic };
    }

    /// <summary>Whether every condition of the step holds for the proposal, with the words for each (for a miss, the ones that failed).</summary>
    public (bool Holds, IReadOnlyList<string> Why) Evaluate(WorkflowStep step, WorkflowDefinition definition, Proposal proposal, Customer customer)
    {
        ArgumentNullException.ThrowIfNull(step);
        ArgumentNullException.ThrowIfNull(definition);
        var held = new List<string>();
        var failed = new List<string>();
        foreach (var condition in step.Conditions)
        {
            var result = Evaluate(condition, definition, proposal, customer);
            (result.Holds ? held : failed).Add(result.Explanation);
        }

        return failed.Count == 0 ? (true, held) : (false, failed);
    }

    public ConditionResult Evaluate(WorkflowCondition condition, WorkflowDefinition definition, Proposal proposal, Customer customer)
    {
        ArgumentNullException.ThrowIfNull(condition);
        ArgumentNullException.ThrowIfNull(definition);
        if (FieldCatalog.Find(condition.Field) is not { } field || catalog.FindOperator(condition.Operator) is not { } op)
        {
            return new ConditionResult(false, $"{condition.Field} {condition.Operator} is not a condition this product knows");
        }

        var value = condition.Value is null ? null : definition.Resolve(condition.Value);
        if (op.NeedsValue && value is null)
        {
            return new ConditionResult(false, $"{condition.Value} has no value");
        }

        return op.Evaluate(ConditionSubject.Of(field, proposal, customer), condition.Side, value);
    }

    /// <summary>
    /// Lets the proposal's reactions act on the history entries this write added, in order (a reaction that adds entries
    /// is reacted to in turn), and returns the customer as they leave it. Effects for after the write are collected.
    /// </summary>
    public Customer React(Proposal proposal, Customer customer, DateTimeOffset now, List<WorkflowEffect> effects, ref int next)
    {
        ArgumentNullException.ThrowIfNull(proposal);
        ArgumentNullException.ThrowIfNull(effects);
        for (; next < proposal.NewHistory.Count && next < MaxEntriesPerWrite; next++)
        {
            if (proposal.Run is not { Reactions.IsEmpty: false } run)
            {
                continue;
            }

            var entry = proposal.NewHistory[next];
            foreach (var reaction in run.Reactions)
            {
                if (catalog.FindEvent(reaction.Event) is not { } workflowEvent || !workflowEvent.Matches(entry, proposal)
                    || catalog.FindResponse(reaction.Response) is not { } response)
                {
                    continue;
                }

                var context = new ReactionContext(proposal, customer, entry, workflowEvent, reaction, now, effects);
                response.React(context);
                customer = context.Customer;
            }
        }

        return customer;
    }
}
