using System.Collections.Immutable;
using CustomerWorkflow.Core.Settings;

namespace CustomerWorkflow.Core.Workflows;

/// <summary>
/// The workflow a submitted proposal runs under: which version and why it was chosen, and the responses that react to
/// events later on, with their recipients resolved at submit. Stored with the proposal, so it finishes under the
/// version it started with whatever happens to the workflow meanwhile.
/// </summary>
/// <param name="Reason">Why this workflow was chosen, as the history says it.</param>
public sealed record WorkflowRun(string Code, int Version, string Reason)
{
    public ImmutableList<WorkflowReaction> Reactions { get; init; } = [];

    public override string ToString() => $"{Code} v{Version}";
}

/// <summary>A response waiting for its event: the workflow step it comes from and what it needs to act.</summary>
/// <param name="Step">The workflow step's number (1-based), for the history and the notices.</param>
public sealed record WorkflowReaction(int Step, string Event, string Response)
{
    /// <summary>The people it tells, resolved at submit (user ids).</summary>
    public ImmutableList<string> Users { get; init; } = [];

    /// <summary>The Teams channel it posts to.</summary>
    public string? Channel { get; init; }

    public string? Message { get; init; }
}

/// <summary>What the engine is to do at submit: the approval steps, the workflow chosen and why, or a decision made at once.</summary>
/// <param name="Run">Null when no workflow applies and the settings' steps are used.</param>
/// <param name="Explanation">Recorded in the history as <see cref="Proposals.HistoryAction.WorkflowChosen"/>; null records nothing.</param>
public sealed record SubmitPlan(ImmutableList<ApprovalStepDefinition> Steps, WorkflowRun? Run, string? Explanation)
{
    /// <summary>Set when a response approves or rejects the proposal at submit, without approvers.</summary>
    public AutomaticDecision? Automatic { get; init; }

    /// <summary>The settings' steps, without a workflow and without a word in the history (imports, and engines without workflows).</summary>
    public static SubmitPlan FromSettings(WorkflowSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return new(settings.Steps, null, null);
    }
}

/// <summary>A decision the system takes for the whole proposal, with the reason the history shows.</summary>
public sealed record AutomaticDecision(bool Approve, string Reason);

/// <summary>What a runtime response asks the bot to do after the write: tell people, or post in a channel.</summary>
public enum EffectKind
{
    Notify,
    PostToChannel,
}

/// <summary>A notice or post a workflow response asks for, about one proposal.</summary>
/// <param name="Source">Which workflow step asked, in words ("CREDIT v1 step 4, notify the submitter").</param>
public sealed record WorkflowEffect(EffectKind Kind, string ProposalId, string Message, string Source)
{
    public IReadOnlyList<string> Users { get; init; } = [];

    public string? Channel { get; init; }
}
