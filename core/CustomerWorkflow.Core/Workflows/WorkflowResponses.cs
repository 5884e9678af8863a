using System.Collections.Frozen;
using System.Globalization;
using CustomerWorkflow.Core.Proposals;
using CustomerWorkflow.Core.Settings;

namespace CustomerWorkflow.Core.Workflows;

/// <summary>
/// A response of the fixed catalog (the seed's "werkstroomantwoord"): what the system does when its step's event
/// happens, shaped by the step's options. It acts in one of two ways: at submit, when the workflow is laid out (<see
/// cref="PlanAsync"/>: request approval, the overdue options), or as its event happens (<see cref="React"/>, inside the
/// write that made it happen: apply, discard, notify, post). Adding one is one class implementing this interface
/// (most derive from <see cref="WorkflowResponse"/>); the bot host registers every implementation it finds.
/// </summary>
public interface IWorkflowResponse
{
    /// <summary>The code workflows name it by, lower case with dashes (<c>request-approval</c>).</summary>
    string Code { get; }

    /// <summary>How people read it ("request approval").</summary>
    string Title { get; }

    /// <summary>The options it uses; setting another one on its step is refused.</summary>
    IReadOnlySet<ResponseOption> Options { get; }

    /// <summary>Null when it can follow the event; otherwise why not, in a sentence.</summary>
    string? CheckEvent(IWorkflowEvent workflowEvent);

    /// <summary>What is missing or wrong in the step's options (checked before a workflow is enabled); empty when nothing.</summary>
    IEnumerable<string> Check(WorkflowStep step);

    /// <summary>Lays the step out at submit, when its event is the submit or its conditions held at submit.</summary>
    Task PlanAsync(PlanContext context, CancellationToken cancellationToken);

    /// <summary>Acts when its event happens to the proposal (for the reactions <see cref="PlanAsync"/> recorded).</summary>
    void React(ReactionContext context);
}

/// <summary>The codes of the built-in responses.</summary>
public static class WorkflowResponses
{
    public const string RequestApproval = "request-approval";
    public const string ApplyChanges = "apply-changes";
    public const string DiscardChanges = "discard-changes";
    public const string NotifySubmitter = "notify-submitter";
    public const string NotifyUsers = "notify-users";
    public const string PostToChannel = "post-to-channel";
    public const string Escalate = "escalate";
    public const string Remind = "remind";
    public const string ApproveAutomatically = "approve-automatically";
    public const string RejectAutomatically = "reject-automatically";
}

/// <summary>
/// The usual shape of a response: it accepts some events, uses some options, and by default records a reaction at
/// submit and does nothing when it fires. Derived classes say what differs.
/// </summary>
public abstract class WorkflowResponse : IWorkflowResponse
{
    public abstract string Code { get; }

    public abstract string Title { get; }

    public virtual IReadOnlySet<ResponseOption> Options { get; } = FrozenSet<ResponseOption>.Empty;

    /// <summary>The events it can follow, in words, for the refusal ("an approval is overdue").</summary>
    protected abstract string AcceptedEvents { get; }

    protected abstract bool Accepts(IWorkflowEvent workflowEvent);

    public string? CheckEvent(IWorkflowEvent workflowEvent)
    {
        ArgumentNullException.ThrowIfNull(workflowEvent);
        return Accepts(workflowEvent) ? null : $"'{Title}' can't follow '{workflowEvent.Title}'; it follows {AcceptedEvents}.";
    }

    public virtual IEnumerable<string> Check(WorkflowStep step) => [];

    public virtual Task PlanAsync(PlanContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.React();
        return Task.CompletedTask;
    }

    public virtual void React(ReactionContext context)
    {
    }

    protected static IReadOnlySet<ResponseOption> Uses(params ResponseOption[] options) => options.ToFrozenSet();

    /// <summary>Applies <paramref name="change"/> to the approval steps the last request-approval step laid out.</summary>
    protected static void ShapeLastApproval(PlanContext context, Func<ApprovalStepDefinition, ApprovalStepDefinition> change)
    {
        ArgumentNullException.ThrowIfNull(context);
        var (start, count) = context.Plan.LastApproval;
        if (count == 0)
        {
            context.Plan.Notes.Add($"step {context.StepNumber} has no approval step before it to act on");
            return;
        }

        for (var i = start; i < start + count; i++)
        {
            context.Plan.Steps[i] = change(context.Plan.Steps[i]);
        }
    }
}

/// <summary>
/// Request approval: one approval step (or several, for a group's sequence numbers and an approver chain's levels) with
/// the approvers of the step's approver type, its completion policy and due time.
/// </summary>
public sealed class RequestApprovalResponse : WorkflowResponse
{
    public override string Code => WorkflowResponses.RequestApproval;

    public override string Title => "request approval";

    public override IReadOnlySet<ResponseOption> Options { get; } = Uses(ResponseOption.Approvers, ResponseOption.Policy, ResponseOption.DueIn);

    protected override string AcceptedEvents => "'changes are submitted' or 'an approval step is approved'";

    protected override bool Accepts(IWorkflowEvent workflowEvent) => workflowEvent.Kind is WorkflowEventKind.Submitted or WorkflowEventKind.StepApproved;

    public override IEnumerable<string> Check(WorkflowStep step)
    {
        ArgumentNullException.ThrowIfNull(step);
        var approvers = step.Options.Approvers;
        if (approvers is null)
        {
            yield return "it needs approvers";
        }
        else if (approvers.Type is ApproverType.SpecificUsers or ApproverType.Group && approvers.Members.IsEmpty)
        {
            yield return "it needs at least one approver";
        }
        else if (approvers.Type == ApproverType.ApproverChain && approvers.Levels is < 1 or > ApproverSpec.MaxLevels)
        {
            yield return $"an approver chain goes 1 to {ApproverSpec.MaxLevels} levels up";
        }
    }

    public override async Task PlanAsync(PlanContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var options = context.Step.Options;
        var spec = options.Approvers ?? throw context.Problem("it has no approvers.");
        var name = context.Step.Name is { Length: > 0 } n ? n : "Approval";
        var policy = options.Policy ?? CompletionPolicy.SingleApprover;
        var laidOut = new List<(string Name, IReadOnlyList<string> Approvers)>();
        switch (spec.Type)
        {
            case ApproverType.SpecificUsers:
                laidOut.Add((name, await context.ResolveUsersAsync(spec.Members.Select(m => m.Who), cancellationToken).ConfigureAwait(false)));
                break;
            case ApproverType.Group:
                var sequences = spec.Members.GroupBy(m => m.Sequence).OrderBy(g => g.Key).ToList();
                foreach (var sequence in sequences)
                {
                    var users = await context.ResolveUsersAsync(sequence.Select(m => m.Who), cancellationToken).ConfigureAwait(false);
                    laidOut.Add((sequences.Count == 1 ? name : string.Create(CultureInfo.InvariantCulture, $"{name} ({sequence.Key})"), users));
                }

                break;
            case ApproverType.Manager:
                laidOut.Add((name, [await ManagerAsync(context, context.Submitter.Id, cancellationToken).ConfigureAwait(false)
                    ?? throw context.Problem($"{context.Submitter.DisplayName} has no manager in the directory. Ask an admin to set one with `workflow user <user> manager <manager>`.")]));
                break;
            case ApproverType.ApproverChain:
                var at = context.Submitter.Id;
                for (var level = 1; level <= spec.Levels; level++)
                {
                    if (await ManagerAsync(context, at, cancellationToken).ConfigureAwait(false) is not { } manager)
                    {
                        break;
                    }

                    laidOut.Add((spec.Levels == 1 ? name : string.Create(CultureInfo.InvariantCulture, $"{name} (level {level})"), [manager]));
                    at = manager;
                }

                if (laidOut.Count == 0)
                {
                    throw context.Problem($"{context.Submitter.DisplayName} has no manager in the directory. Ask an admin to set one with `workflow user <user> manager <manager>`.");
                }

                break;
            default:
                var amount = ApprovalAmount.Of(context.Proposal, context.Customer);
                laidOut.Add((name, [await FirstQualifiedAsync(context, amount, cancellationToken).ConfigureAwait(false)]));
                break;
        }

        var start = context.Plan.Steps.Count;
        foreach (var (stepName, approvers) in laidOut)
        {
            if (approvers.Count == 0)
            {
                throw context.Problem($"{stepName} has nobody to approve.");
            }

            context.Plan.Steps.Add(new ApprovalStepDefinition(stepName, approvers, policy, options.DueIn));
        }

        context.Plan.LastApproval = (start, laidOut.Count);
    }

    private static Task<string?> ManagerAsync(PlanContext context, string userId, CancellationToken cancellationToken) =>
        context.Directory.ManagerOfAsync(userId, cancellationToken);

    /// <summary>Up the submitter's chain, the first whose approval limit covers the amount.</summary>
    private static async Task<string> FirstQualifiedAsync(PlanContext context, decimal amount, CancellationToken cancellationToken)
    {
        var at = context.Submitter.Id;
        for (var level = 1; level <= ApproverSpec.MaxLevels; level++)
        {
            if (await ManagerAsync(context, at, cancellationToken).ConfigureAwait(false) is not { } manager)
            {
                break;
            }

            if (await context.Directory.ApprovalLimitAsync(manager, cancellationToken).ConfigureAwait(false) is { } limit && limit >= amount)
            {
                return manager;
            }

            at = manager;
        }

        throw context.Problem(string.Create(CultureInfo.InvariantCulture,
            $"nobody up {context.Submitter.DisplayName}'s management chain may approve a credit limit of {amount:0.00}. Ask an admin to set approval limits with `workflow user <user> limit <amount>`."));
    }
}

/// <summary>Apply the new values: writes the approved proposal to the customer, in the write that approved it.</summary>
public sealed class ApplyChangesResponse : WorkflowResponse
{
    public override string Code => WorkflowResponses.ApplyChanges;

    public override string Title => "apply the new values";

    protected override string AcceptedEvents => "'the proposal is approved'";

    protected override bool Accepts(IWorkflowEvent workflowEvent) => workflowEvent.Code == WorkflowEvents.ProposalApproved;

    public override void React(ReactionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Proposal.Status == ProposalStatus.Approved)
        {
            context.Customer = context.Proposal.Apply(context.Customer, context.Now);
        }
    }
}

/// <summary>Discard the new values: closes the proposal instead of sending it back to be reworked or resubmitted.</summary>
public sealed class DiscardChangesResponse : WorkflowResponse
{
    public override string Code => WorkflowResponses.DiscardChanges;

    public override string Title => "discard the new values";

    protected override string AcceptedEvents => "'a change is requested' or 'the submitter recalls the proposal'";

    protected override bool Accepts(IWorkflowEvent workflowEvent) => workflowEvent.Code is WorkflowEvents.ChangeRequested or WorkflowEvents.ProposalRecalled;

    public override void React(ReactionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (TransitionTable.IsAllowed(context.Proposal.Status, ProposalAction.Discard))
        {
            context.Proposal.Discard(Actor.System, context.Now);
        }
    }
}

/// <summary>
/// A response that tells people something: it answers any event but an overdue approval (that is for escalate and
/// remind), and by default notifies the users its plan put on the reaction.
/// </summary>
public abstract class NoticeResponse : WorkflowResponse
{
    protected override string AcceptedEvents => "any event but an overdue approval";

    // Events that happen to a proposal after it is submitted, or the submit itself: what notices can follow.
    protected override bool Accepts(IWorkflowEvent workflowEvent) => workflowEvent.Kind != WorkflowEventKind.Overdue;

    public override void React(ReactionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Effects.Add(new WorkflowEffect(EffectKind.Notify, context.Proposal.Id, context.Message, context.Source) { Users = context.Reaction.Users });
    }
}

/// <summary>Notify the submitter: a notice to whoever submitted the proposal.</summary>
public sealed class NotifySubmitterResponse : NoticeResponse
{
    public override string Code => WorkflowResponses.NotifySubmitter;

    public override string Title => "notify the submitter";

    public override IReadOnlySet<ResponseOption> Options { get; } = Uses(ResponseOption.Message);

    public override Task PlanAsync(PlanContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.React(r => r with { Users = [context.Submitter.Id] });
        return Task.CompletedTask;
    }
}

/// <summary>Notify users or a group: a notice to named people and the members of directory groups.</summary>
public sealed class NotifyUsersResponse : NoticeResponse
{
    public override string Code => WorkflowResponses.NotifyUsers;

    public override string Title => "notify users";

    public override IReadOnlySet<ResponseOption> Options { get; } = Uses(ResponseOption.Recipients, ResponseOption.Message);

    public override IEnumerable<string> Check(WorkflowStep step)
    {
        ArgumentNullException.ThrowIfNull(step);
        return step.Options.Recipients.IsEmpty ? ["it needs people to notify"] : [];
    }

    public override async Task PlanAsync(PlanContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var users = await context.ResolveUsersAsync(context.Step.Options.Recipients, cancellationToken).ConfigureAwait(false);
        context.React(r => r with { Users = [.. users] });
    }
}

/// <summary>Post to a Teams channel: a message in a channel the bot is installed in.</summary>
public sealed class PostToChannelResponse : NoticeResponse
{
    public override string Code => WorkflowResponses.PostToChannel;

    public override string Title => "post to a Teams channel";

    public override IReadOnlySet<ResponseOption> Options { get; } = Uses(ResponseOption.Channel, ResponseOption.Message);

    public override IEnumerable<string> Check(WorkflowStep step)
    {
        ArgumentNullException.ThrowIfNull(step);
        return string.IsNullOrWhiteSpace(step.Options.Channel) ? ["it needs a channel"] : [];
    }

    public override Task PlanAsync(PlanContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var channel = context.Resolve(context.Step.Options.Channel ?? throw context.Problem("it has no channel."));
        context.React(r => r with { Channel = channel });
        return Task.CompletedTask;
    }

    public override void React(ReactionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Effects.Add(new WorkflowEffect(EffectKind.PostToChannel, context.Proposal.Id, context.Message, context.Source) { Channel = context.Reaction.Channel });
    }
}

/// <summary>Escalate: an overdue approval step is handed to the escalation target (the step's <c>EscalateTo</c>).</summary>
public sealed class EscalateResponse : WorkflowResponse
{
    public override string Code => WorkflowResponses.Escalate;

    public override string Title => "escalate";

    public override IReadOnlySet<ResponseOption> Options { get; } = Uses(ResponseOption.EscalateTo);

    protected override string AcceptedEvents => "'an approval is overdue'";

    protected override bool Accepts(IWorkflowEvent workflowEvent) => workflowEvent.Kind == WorkflowEventKind.Overdue;

    public override IEnumerable<string> Check(WorkflowStep step)
    {
        ArgumentNullException.ThrowIfNull(step);
        return string.IsNullOrWhiteSpace(step.Options.EscalateTo) ? ["it needs someone to escalate to"] : [];
    }

    public override Task PlanAsync(PlanContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var target = context.Resolve(context.Step.Options.EscalateTo ?? throw context.Problem("it has nobody to escalate to."));
        ShapeLastApproval(context, s => s with { OnOverdue = OverdueAction.Escalate, EscalateTo = target });
        return Task.CompletedTask;
    }
}

/// <summary>Remind: the approvers of an overdue step are reminded.</summary>
public sealed class RemindResponse : WorkflowResponse
{
    public override string Code => WorkflowResponses.Remind;

    public override string Title => "remind the approvers";

    protected override string AcceptedEvents => "'an approval is overdue'";

    protected override bool Accepts(IWorkflowEvent workflowEvent) => workflowEvent.Kind == WorkflowEventKind.Overdue;

    public override Task PlanAsync(PlanContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ShapeLastApproval(context, s => s with { OnOverdue = OverdueAction.Remind });
        return Task.CompletedTask;
    }
}

/// <summary>
/// Approve or reject automatically: on the submit, the system decides at once (no approvers); on an overdue approval,
/// the scheduler decides the step (its <c>OnOverdue</c>).
/// </summary>
public abstract class DecideAutomaticallyResponse(bool approve) : WorkflowResponse
{
    public override IReadOnlySet<ResponseOption> Options { get; } = Uses(ResponseOption.Message);

    protected override string AcceptedEvents => "'changes are submitted' or 'an approval is overdue'";

    protected override bool Accepts(IWorkflowEvent workflowEvent) => workflowEvent.Kind is WorkflowEventKind.Submitted or WorkflowEventKind.Overdue;

    public override Task PlanAsync(PlanContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Event.Kind == WorkflowEventKind.Overdue)
        {
            ShapeLastApproval(context, s => s with { OnOverdue = approve ? OverdueAction.Approve : OverdueAction.Reject });
            return Task.CompletedTask;
        }

        var reason = context.Step.Options.Message is { Length: > 0 } message ? message : $"workflow {context.StepLabel}";
        context.Plan.Automatic ??= new AutomaticDecision(approve, reason);
        return Task.CompletedTask;
    }
}

public sealed class ApproveAutomaticallyResponse() : DecideAutomaticallyResponse(approve: true)
{
    public override string Code => WorkflowResponses.ApproveAutomatically;

    public override string Title => "approve automatically";
}

public sealed class RejectAutomaticallyResponse() : DecideAutomaticallyResponse(approve: false)
{
    public override string Code => WorkflowResponses.RejectAutomatically;

    public override string Title => "reject automatically";
}
