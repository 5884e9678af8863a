using System.Collections.Immutable;
using System.Globalization;
using CustomerWorkflow.Core.Settings;

namespace CustomerWorkflow.Core.Workflows;

/// <summary>
/// Where a workflow stands. Only enabled workflows are chosen for new submissions; a disabled one can be edited;
/// an archived one is kept for the record and can only be deleted.
/// </summary>
public enum WorkflowState
{
    Disabled,
    Enabled,
    Archived,
}

/// <summary>
/// One version of a workflow, as the seed has it: ordered steps, each an event narrowed by conditions and a response
/// shaped by options. A version never changes once stored; editing a workflow stores the next version, and a proposal
/// keeps the version it was submitted under.
/// </summary>
public sealed record WorkflowDefinition
{
    /// <summary>The workflow's code, upper case (see <see cref="WorkflowCode"/>).</summary>
    public required string Code { get; init; }

    public int Version { get; init; } = 1;

    public string Description { get; init; } = string.Empty;

    /// <summary>The template it was copied from, if any.</summary>
    public string? Template { get; init; }

    /// <summary>Breaks ties when several enabled workflows match a proposal: the higher wins.</summary>
    public int Priority { get; init; }

    public ImmutableList<WorkflowStep> Steps { get; init; } = [];

    /// <summary>Values that conditions and options refer to as <c>{name}</c> (a template's threshold, its approvers).</summary>
    public ImmutableList<WorkflowParameter> Parameters { get; init; } = [];

    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>Who stored this version (a user id).</summary>
    public string CreatedBy { get; init; } = string.Empty;

    /// <summary>What this version changed, in words ("created from MS-CREDIT-LIMIT", "step 2: approvers …").</summary>
    public string? Change { get; init; }

    /// <summary>The first step on <see cref="WorkflowEvents.ProposalSubmitted"/>: its conditions decide whether the workflow applies.</summary>
    public WorkflowStep? EntryStep => Steps.Find(s => string.Equals(s.Event, WorkflowEvents.ProposalSubmitted, StringComparison.OrdinalIgnoreCase));

    public WorkflowParameter? Parameter(string name) =>
        Parameters.Find(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// Text with a parameter reference (<c>{threshold}</c>) replaced by the parameter's value; other text as it is.
    /// Null when the parameter has no value (or does not exist).
    /// </summary>
    public string? Resolve(string? text)
    {
        if (WorkflowParameter.ReferenceIn(text) is not { } name)
        {
            return text;
        }

        return Parameter(name)?.Value;
    }
}

/// <summary>One step: when <see cref="Event"/> happens and <see cref="Conditions"/> hold, <see cref="Response"/> follows.</summary>
/// <param name="Event">An event code of the catalog (<see cref="IWorkflowEvent.Code"/>).</param>
/// <param name="Response">A response code of the catalog (<see cref="IWorkflowResponse.Code"/>).</param>
public sealed record WorkflowStep(string Event, string Response)
{
    /// <summary>The name approvers and the history see ("Manager approval"); optional.</summary>
    public string? Name { get; init; }

    /// <summary>All must hold (and), each over the proposal.</summary>
    public ImmutableList<WorkflowCondition> Conditions { get; init; } = [];

    public ResponseOptions Options { get; init; } = new();
}

/// <summary>Which value of a field a condition looks at.</summary>
public enum ConditionSide
{
    /// <summary>The value the proposal would leave: the proposed value of a changed field, else the customer's value.</summary>
    Proposed,

    /// <summary>The customer's value before the proposal (the original value).</summary>
    Original,
}

/// <summary>A condition over a proposal: a field, an operator from the catalog and, for most operators, a value.</summary>
/// <param name="Value">The value compared with; may be a parameter reference like <c>{threshold}</c>.</param>
public sealed record WorkflowCondition(string Field, string Operator, string? Value = null, ConditionSide Side = ConditionSide.Proposed);

/// <summary>The options that shape a response; each response uses some of them (<see cref="IWorkflowResponse.Options"/>).</summary>
public sealed record ResponseOptions
{
    /// <summary>Who approves (request approval).</summary>
    public ApproverSpec? Approvers { get; init; }

    /// <summary>How the approval step completes; single approver when not set.</summary>
    public CompletionPolicy? Policy { get; init; }

    /// <summary>How long approvers have.</summary>
    public TimeSpan? DueIn { get; init; }

    /// <summary>Who takes an overdue step over (escalate): a user id or a parameter reference.</summary>
    public string? EscalateTo { get; init; }

    /// <summary>Who is told (notify users): user ids, <c>group:{id}</c> for a directory group, or parameter references.</summary>
    public ImmutableList<string> Recipients { get; init; } = [];

    /// <summary>The Teams channel to post to: its conversation id (<c>19:…@thread.tacv2</c>).</summary>
    public string? Channel { get; init; }

    /// <summary>The text of a notice or post; a sentence about the proposal when not set.</summary>
    public string? Message { get; init; }
}

/// <summary>The options a response can use; a command that sets one the response does not use is refused.</summary>
public enum ResponseOption
{
    Approvers,
    Policy,
    DueIn,
    EscalateTo,
    Recipients,
    Channel,
    Message,
}

/// <summary>How the approvers of a request-approval step are found.</summary>
public enum ApproverType
{
    /// <summary>Named users, all in one step.</summary>
    SpecificUsers,

    /// <summary>
    /// A group with sequence numbers: members with the same number approve in parallel (one step), lower numbers
    /// first. A member may be a directory group (<c>group:{id}</c>), which stands for all its members.
    /// </summary>
    Group,

    /// <summary>The submitter's manager.</summary>
    Manager,

    /// <summary>The submitter's manager, their manager, and so on, up to <see cref="ApproverSpec.Levels"/> steps.</summary>
    ApproverChain,

    /// <summary>
    /// The first person up the submitter's management chain whose approval limit covers the proposal's amount: the
    /// credit limit the customer would have after the change (see <see cref="ApprovalAmount"/>).
    /// </summary>
    FirstQualified,
}

/// <summary>A member of an approver group: who (a user id, <c>group:{id}</c> or a parameter reference) and their sequence number.</summary>
public sealed record SequencedApprover(int Sequence, string Who);

/// <summary>The approvers of a request-approval step.</summary>
public sealed record ApproverSpec(ApproverType Type)
{
    /// <summary>The users (<see cref="ApproverType.SpecificUsers"/>) or group members (<see cref="ApproverType.Group"/>).</summary>
    public ImmutableList<SequencedApprover> Members { get; init; } = [];

    /// <summary>How far up the chain <see cref="ApproverType.ApproverChain"/> goes.</summary>
    public int Levels { get; init; } = 1;

    public static ApproverSpec Users(params string[] users) =>
        new(ApproverType.SpecificUsers) { Members = [.. users.Select(u => new SequencedApprover(1, u))] };

    public static ApproverSpec Group(params (int Sequence, string Who)[] members) =>
        new(ApproverType.Group) { Members = [.. members.Select(m => new SequencedApprover(m.Sequence, m.Who))] };

    public static ApproverSpec Manager { get; } = new(ApproverType.Manager);

    public static ApproverSpec Chain(int levels) => new(ApproverType.ApproverChain) { Levels = levels };

    public static ApproverSpec FirstQualified { get; } = new(ApproverType.FirstQualified);

    /// <summary>The prefix of a directory group among the members or recipients.</summary>
    public const string GroupPrefix = "group:";

    /// <summary>The longest approver chain a step may ask for (and the farthest a first-qualified search looks).</summary>
    public const int MaxLevels = 10;
}

/// <summary>
/// The amount an approval limit is compared with: the credit limit the customer would have after the proposal (its
/// proposed CreditLimit, or the current one when the proposal leaves it alone). The new limit, not the increase, is
/// what the approver answers for: a run of small increases must not reach any size under a small limit.
/// </summary>
public static class ApprovalAmount
{
    public static decimal Of(Proposals.Proposal proposal, Customers.Customer customer)
    {
        ArgumentNullException.ThrowIfNull(proposal);
        ArgumentNullException.ThrowIfNull(customer);
        var value = proposal.LineFor(Fields.FieldCatalog.CreditLimit)?.ProposedValue ?? customer[Fields.FieldCatalog.CreditLimit];
        return decimal.TryParse(value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount) ? amount : 0m;
    }
}

/// <summary>What kind of value a parameter holds, so it is checked when set.</summary>
public enum ParameterKind
{
    /// <summary>An amount like 10000.00.</summary>
    Amount,

    /// <summary>A user id (set by @mention, email or name).</summary>
    User,

    Text,
}

/// <summary>A named value of a workflow that conditions and options refer to as <c>{name}</c>.</summary>
/// <param name="Value">The canonical value (an amount with two decimals, a user id); null until set.</param>
public sealed record WorkflowParameter(string Name, ParameterKind Kind, string Description, string? Value = null)
{
    /// <summary>The parameter name in <c>{name}</c>, or null when the text is not a reference.</summary>
    public static string? ReferenceIn(string? text) =>
        text is { Length: > 2 } t && t[0] == '{' && t[^1] == '}' ? t[1..^1].Trim() : null;

    public static string Reference(string name) => "{" + name + "}";
}

/// <summary>A workflow as stored: its state, the current version, and the store's concurrency token.</summary>
/// <param name="Revision">Bumped by every save (edits and state changes); 0 for one not yet stored.</param>
public sealed record WorkflowRecord(WorkflowDefinition Definition, WorkflowState State, long Revision)
{
    public string Code => Definition.Code;

    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>Who changed it last (a user id).</summary>
    public string UpdatedBy { get; init; } = string.Empty;
}

/// <summary>Workflow codes: letters, digits and dashes, 1 to 40 characters, shown and compared upper case.</summary>
public static class WorkflowCode
{
    /// <summary>Words the <c>workflow step</c> command reads as its own, so no workflow may be called so.</summary>
    private static readonly string[] Reserved = ["ADD", "REMOVE", "STEP", "NEW", "FROM"];

    public static string Normalize(string code) => (code ?? string.Empty).Trim().ToUpperInvariant();

    /// <summary>Null when the code is fine; otherwise why not.</summary>
    public static string? Problem(string code)
    {
        var normalized = Normalize(code);
        if (normalized.Length is < 1 or > 40 || !normalized.All(c => char.IsAsciiLetterOrDigit(c) || c == '-') || !char.IsAsciiLetterOrDigit(normalized[0]))
        {
            return $"'{code}' can't be a workflow code: use 1 to 40 letters, digits and dashes, starting with a letter or digit, like CREDIT-LIMIT.";
        }

        return Reserved.Contains(normalized, StringComparer.Ordinal) ? $"'{code}' can't be a workflow code: the word is taken by the workflow commands." : null;
    }
}
