using System.Globalization;
using CustomerWorkflow.Core.People;
using CustomerWorkflow.Core.Proposals;
using CustomerWorkflow.Core.Settings;
using CustomerWorkflow.Core.Storage;

namespace CustomerWorkflow.Core.Engine;

/// <summary>What the scheduler's visit to an overdue step came to.</summary>
/// <param name="Taken">What was done; <see cref="OverdueAction.None"/> when the step was no longer due (decided, moved on).</param>
/// <param name="Result">The proposal and customer after it, when something was done.</param>
/// <param name="Told">Who should hear of it now: the reminded approvers, the escalation target, the substitutes.</param>
/// <param name="Routed">Approvers who were away and whose places went to their substitutes first.</param>
public sealed record OverdueOutcome(OverdueAction Taken, ProposalResult? Result, DateTimeOffset DueAt, IReadOnlyList<string> Told, IReadOnlyList<Substitution> Routed)
{
    public bool Acted => Taken != OverdueAction.None;

    public static OverdueOutcome Dropped(DateTimeOffset dueAt) => new(OverdueAction.None, null, dueAt, [], []);
}

/// <summary>The system's own actions: overdue steps, and approvers routed to their substitutes.</summary>
public sealed partial class ProposalEngine
{
    /// <summary>
    /// Who is away and who takes over (the workflow users). Without it nobody is routed to a substitute, and step starts
    /// cost no lookups.
    /// </summary>
    public Availability? Availability { get; init; }

    /// <summary>
    /// Acts on a due item of an overdue step (<see cref="Proposal.ActOnOverdue"/>): first the approvers who are away are
    /// routed to their substitutes, then the step's overdue action is taken, in one version-checked write of the customer,
    /// so a person deciding at the same moment and the scheduler land once between them. A step that is no longer the
    /// one that was due (decided, moved on, re-armed, recalled, the customer gone) is left alone: the item is stale.
    /// </summary>
    public async Task<OverdueOutcome> ActOnOverdueAsync(string proposalId, int step, DateTimeOffset dueAt, CancellationToken cancellationToken = default)
    {
        var id = ProposalId.Normalize(proposalId);
        if (ProposalId.CustomerIdOf(id) is not { } customerId)
        {
            return OverdueOutcome.Dropped(dueAt);
        }

        try
        {
            // The substitutes are looked up before the write (they may ask Graph); the write checks each route again.
            var read = await LoadAsync(customerId, cancellationToken).ConfigureAwait(false);
            if (read.OpenProposal is not { } current || current.Id != id || !current.IsDueAt(step, dueAt))
            {
                return OverdueOutcome.Dropped(dueAt);
            }

            var routes = await SubstitutionsAsync(current, cancellationToken).ConfigureAwait(false);
            var outcome = await MutateAsync(customerId, record =>
            {
                if (record.OpenProposal is not { } proposal || proposal.Id != id || !proposal.IsDueAt(step, dueAt))
                {
                    return ((RecordWrite?)null, OverdueOutcome.Dropped(dueAt));
                }

                var now = Now;
                var routed = proposal.RouteToSubstitutes(routes, now);
                var taken = proposal.ActOnOverdue(step, dueAt, now);
                var customer = proposal.Status == ProposalStatus.Approved ? proposal.Apply(record.Customer, now) : record.Customer;
                return (new RecordWrite(customer, proposal, record.ProposalSequence, record.Version),
                    new OverdueOutcome(taken, new ProposalResult(proposal, customer), dueAt, [], routed));
            }, cancellationToken, read).ConfigureAwait(false);
            if (outcome.Result is not { } result)
            {
                return outcome;
            }

            // An automatic approval may start the next step: its away approvers are routed as at any step start.
            if (outcome.Taken == OverdueAction.Approve)
            {
                result = await RouteAwayAsync(result, cancellationToken).ConfigureAwait(false);
            }

            // Reminded approvers, the escalation target, or the next step's approvers: whoever is due now.
            return outcome with { Result = result, Told = outcome.Taken == OverdueAction.Reject ? [] : result.Proposal.DueApprovers };
        }
        catch (WorkflowException e) when (e.Refusal == Refusal.UnknownCustomer)
        {
            return OverdueOutcome.Dropped(dueAt);
        }
    }

    /// <summary>
    /// After an action that left a step waiting with nobody having decided in it yet (a step that just started, or a
    /// fresh delegation): the approvers who are away are routed to their substitutes, in a write of its own. Should this
    /// instance stop in between, the step starts with the away approver, and the next reminder or escalation routes it.
    /// </summary>
    private async Task<ProposalResult> RouteAwayAsync(ProposalResult result, CancellationToken cancellationToken)
    {
        var started = result.Proposal;
        if (Availability is null || started.WaitingStep is not { } step || step.Approvers.Any(a => a.Decision != ApprovalDecision.Pending))
        {
            return result;
        }

        var routes = await SubstitutionsAsync(started, cancellationToken).ConfigureAwait(false);
        if (routes.Count == 0)
        {
            return result;
        }

        return await MutateAsync(started.CustomerId, record =>
        {
            if (record.OpenProposal is not { } proposal || proposal.Id != started.Id || proposal.CurrentStep != started.CurrentStep
                || proposal.RouteToSubstitutes(routes, Now).Count == 0)
            {
                return ((RecordWrite?)null, result);
            }

            return (new RecordWrite(record.Customer, proposal, record.ProposalSequence, record.Version), new ProposalResult(proposal, record.Customer));
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The routes for the waiting step's undecided approvers who are away and have a substitute present.</summary>
    private async Task<IReadOnlyList<Substitution>> SubstitutionsAsync(Proposal proposal, CancellationToken cancellationToken)
    {
        if (Availability is null || proposal.WaitingStep is not { } step)
        {
            return [];
        }

        var routes = new List<Substitution>();
        foreach (var user in step.Undecided)
        {
            if (await Availability.SubstituteForAsync(user, cancellationToken).ConfigureAwait(false) is { } route)
            {
                routes.Add(route);
            }
        }

        return routes;
    }

    /// <summary>The rules of a step's overdue options, checked when the steps are saved.</summary>
    private static void CheckOverdueOptions(ApprovalStepDefinition step)
    {
        if (step.DueIn is { } due && due < TimeSpan.FromMinutes(1))
        {
            throw new WorkflowException(Refusal.InvalidConfiguration, $"Step '{step.Name}': a due time is at least one minute.");
        }

        if (step.OnOverdue != OverdueAction.None && step.DueIn is null)
        {
            throw new WorkflowException(Refusal.InvalidConfiguration, $"Step '{step.Name}': what happens when it is overdue needs a due time.");
        }

        if (step.OnOverdue == OverdueAction.Escalate && string.IsNullOrWhiteSpace(step.EscalateTo))
        {
            throw new WorkflowException(Refusal.InvalidConfiguration, $"Step '{step.Name}': say whom to escalate to.");
        }
    }

    /// <summary>The due time and overdue action as the settings change records tell them.</summary>
    public static string DescribeOverdue(ApprovalStepDefinition step)
    {
        ArgumentNullException.ThrowIfNull(step);
        if (step.DueIn is not { } due)
        {
            return string.Empty;
        }

        var then = step.OnOverdue switch
        {
            OverdueAction.Remind => ", then remind",
            OverdueAction.Escalate => $", then escalate to {step.EscalateTo}",
            OverdueAction.Approve => ", then approve automatically",
            OverdueAction.Reject => ", then reject automatically",
            _ => string.Empty,
        };
        return string.Create(CultureInfo.InvariantCulture, $", due in {due}{then}");
    }

    /// <summary>A duration as people write it: 2d, 36h, 1d 12h, 90m.</summary>
    public static string Duration(TimeSpan span)
    {
        var parts = new List<string>();
        if (span.Days > 0)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"{span.Days}d"));
        }

        if (span.Hours > 0)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"{span.Hours}h"));
        }

        if (span.Minutes > 0 || parts.Count == 0)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"{span.Minutes}m"));
        }

        return string.Join(' ', parts);
    }
}
