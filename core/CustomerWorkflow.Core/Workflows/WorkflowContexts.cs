using CustomerWorkflow.Core.Customers;
using CustomerWorkflow.Core.Proposals;
using CustomerWorkflow.Core.Settings;

namespace CustomerWorkflow.Core.Workflows;

/// <summary>What a submit is laying out so far: the approval steps, the reactions for later, a decision made at once.</summary>
public sealed class PlanBuilder
{
    /// <summary>The approval steps, in order.</summary>
    public List<ApprovalStepDefinition> Steps { get; } = [];

    public List<WorkflowReaction> Reactions { get; } = [];

    public AutomaticDecision? Automatic { get; set; }

    /// <summary>The approval steps the last request-approval step laid out (start index, count): an overdue step shapes these.</summary>
    public (int Start, int Count) LastApproval { get; set; }

    /// <summary>What the history should say beyond the choice itself (steps skipped, decisions made).</summary>
    public List<string> Notes { get; } = [];
}

/// <summary>One workflow step being laid out at submit: the proposal, the workflow, the directory, and the plan so far.</summary>
public sealed class PlanContext(
    Proposal proposal,
    Customer customer,
    Actor submitter,
    WorkflowDefinition definition,
    WorkflowStep step,
    int stepNumber,
    IWorkflowEvent workflowEvent,
    IApproverDirectory directory,
    PlanBuilder plan)
{
    public Proposal Proposal { get; } = proposal;

    public Customer Customer { get; } = customer;

    public Actor Submitter { get; } = submitter;

    public WorkflowDefinition Definition { get; } = definition;

    public WorkflowStep Step { get; } = step;

    /// <summary>The step's number in the workflow (1-based).</summary>
    public int StepNumber { get; } = stepNumber;

    public IWorkflowEvent Event { get; } = workflowEvent;

    public IApproverDirectory Directory { get; } = directory;

    public PlanBuilder Plan { get; } = plan;

    /// <summary>How the step is named in messages: "CREDIT step 1 (Manager approval)".</summary>
    public string StepLabel => $"{Definition.Code} step {StepNumber}{(Step.Name is { Length: > 0 } name ? $" ({name})" : string.Empty)}";

    /// <summary>A refusal of the submit that names the workflow step; nothing is changed.</summary>
    public WorkflowException Problem(string message) =>
        new(Refusal.InvalidConfiguration, $"Workflow {StepLabel}: {message}");

    /// <summary>A parameter reference resolved, or a refusal when the parameter has no value.</summary>
    public string Resolve(string text) =>
        Definition.Resolve(text) ?? throw Problem($"{text} has no value. Ask an admin to set it with `workflow set {Definition.Code} {WorkflowParameter.ReferenceIn(text)}=…`.");

    /// <summary>
    /// User ids from members that may be parameter references and directory groups (<c>group:{id}</c>, expanded to their
    /// members), in order and without repeats.
    /// </summary>
    public async Task<IReadOnlyList<string>> ResolveUsersAsync(IEnumerable<string> members, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(members);
        var users = new List<string>();
        foreach (var member in members)
        {
            var who = Resolve(member);
            if (who.StartsWith(ApproverSpec.GroupPrefix, StringComparison.OrdinalIgnoreCase))
            {
                var groupId = who[ApproverSpec.GroupPrefix.Length..];
                var inGroup = await Directory.GroupMembersAsync(groupId, cancellationToken).ConfigureAwait(false)
                    ?? throw Problem($"the group {groupId} is not in the directory (groups are read from Microsoft Graph).");
                users.AddRange(inGroup);
            }
            else
            {
                users.Add(who);
            }
        }

        return users.Distinct(StringComparer.OrdinalIgnoreCase).ToList();
    }

    /// <summary>Records a reaction of this step: its response will act when its event happens.</summary>
    public void React(Func<WorkflowReaction, WorkflowReaction>? shape = null)
    {
        var reaction = new WorkflowReaction(StepNumber, Event.Code, Step.Response) { Message = Step.Options.Message };
        Plan.Reactions.Add(shape is null ? reaction : shape(reaction));
    }
}

/// <summary>A reaction acting on an event that just happened, inside the write that made it happen.</summary>
public sealed class ReactionContext(Proposal proposal, Customer customer, HistoryEntry entry, IWorkflowEvent workflowEvent, WorkflowReaction reaction, DateTimeOffset now, List<WorkflowEffect> effects)
{
    public Proposal Proposal { get; } = proposal;

    /// <summary>The customer as the write will leave it; a response that applies the proposal replaces it.</summary>
    public Customer Customer { get; set; } = customer;

    /// <summary>The history entry that is the event.</summary>
    public HistoryEntry Entry { get; } = entry;

    public IWorkflowEvent Event { get; } = workflowEvent;

    public WorkflowReaction Reaction { get; } = reaction;

    public DateTimeOffset Now { get; } = now;

    public List<WorkflowEffect> Effects { get; } = effects;

    /// <summary>"CREDIT v1 step 4": where a notice comes from.</summary>
    public string Source => Proposal.Run is { } run ? $"{run} step {Reaction.Step}" : $"step {Reaction.Step}";

    /// <summary>The reaction's own message (if any), then a sentence about the proposal and the event.</summary>
    public string Message =>
        (Reaction.Message is { Length: > 0 } message ? message + " " : string.Empty) + $"Proposal {Proposal.Id} for {Customer.Id} {Customer.Name}: {Event.Title}.";
}
