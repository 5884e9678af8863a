using CustomerWorkflow.Core.Fields;
using CustomerWorkflow.Core.Settings;

namespace CustomerWorkflow.Core.Workflows;

/// <summary>
/// A workflow template shipped with the product, copied into a new workflow by <c>workflow new &lt;code&gt; from
/// &lt;template&gt;</c>. Codes start with <c>MS-</c>, as the seed's Microsoft templates do. Adding one is one class.
/// </summary>
public interface IWorkflowTemplate
{
    string Code { get; }

    string Title { get; }

    /// <summary>What the workflow does, in a sentence.</summary>
    string Description { get; }

    /// <summary>A new workflow (version 1) with this template's steps and parameters (with their defaults, where they have one).</summary>
    WorkflowDefinition Create(string code);
}

/// <summary>The codes of the built-in templates.</summary>
public static class WorkflowTemplates
{
    public const string SingleApprover = "MS-SINGLE-APPROVER";
    public const string CreditLimit = "MS-CREDIT-LIMIT";
    public const string BankAccount = "MS-BANK-ACCOUNT";

    internal static WorkflowStep Step(string workflowEvent, string response, string? name = null) => new(workflowEvent, response) { Name = name };

    internal static string Ref(string parameter) => WorkflowParameter.Reference(parameter);
}

/// <summary>One approver approves every proposal; then the new values are applied.</summary>
public sealed class SingleApproverTemplate : IWorkflowTemplate
{
    public const string Approver = "approver";

    public string Code => WorkflowTemplates.SingleApprover;

    public string Title => "Single approver";

    public string Description => "One approver approves every proposal; then the new values are applied.";

    public WorkflowDefinition Create(string code) => new()
    {
        Code = code,
        Description = Description,
        Template = Code,
        Parameters = [new WorkflowParameter(Approver, ParameterKind.User, "the approver")],
        Steps =
        [
            WorkflowTemplates.Step(WorkflowEvents.ProposalSubmitted, WorkflowResponses.RequestApproval, "Approval") with
            {
                Options = new ResponseOptions { Approvers = ApproverSpec.Users(WorkflowTemplates.Ref(Approver)), Policy = CompletionPolicy.SingleApprover, DueIn = TimeSpan.FromDays(2) },
            },
            WorkflowTemplates.Step(WorkflowEvents.ProposalApproved, WorkflowResponses.ApplyChanges),
        ],
    };
}

/// <summary>
/// A credit limit raised above a threshold is approved by the submitter's manager, then by finance; an overdue manager
/// approval escalates to finance; then the new values are applied.
/// </summary>
public sealed class CreditLimitTemplate : IWorkflowTemplate
{
    public const string Threshold = "threshold";
    public const string Finance = "finance";

    public string Code => WorkflowTemplates.CreditLimit;

    public string Title => "Credit limit: manager, then finance";

    public string Description => "When CreditLimit increases above the threshold: the submitter's manager approves, then finance; then the new values are applied.";

    public WorkflowDefinition Create(string code) => new()
    {
        Code = code,
        Description = Description,
        Template = Code,
        Parameters =
        [
            new WorkflowParameter(Threshold, ParameterKind.Amount, "the credit limit above which this workflow applies", "10000.00"),
            new WorkflowParameter(Finance, ParameterKind.User, "the finance approver"),
        ],
        Steps =
        [
            WorkflowTemplates.Step(WorkflowEvents.ProposalSubmitted, WorkflowResponses.RequestApproval, "Manager approval") with
            {
                Conditions =
                [
                    new WorkflowCondition(FieldCatalog.CreditLimit, ConditionOperators.Increased),
                    new WorkflowCondition(FieldCatalog.CreditLimit, ConditionOperators.GreaterThan, WorkflowTemplates.Ref(Threshold)),
                ],
                Options = new ResponseOptions { Approvers = ApproverSpec.Manager, Policy = CompletionPolicy.SingleApprover, DueIn = TimeSpan.FromDays(2) },
            },
            WorkflowTemplates.Step(WorkflowEvents.ApprovalOverdue, WorkflowResponses.Escalate) with
            {
                Options = new ResponseOptions { EscalateTo = WorkflowTemplates.Ref(Finance) },
            },
            WorkflowTemplates.Step(WorkflowEvents.StepApproved, WorkflowResponses.RequestApproval, "Finance approval") with
            {
                Options = new ResponseOptions { Approvers = ApproverSpec.Users(WorkflowTemplates.Ref(Finance)), Policy = CompletionPolicy.SingleApprover, DueIn = TimeSpan.FromDays(2) },
            },
            WorkflowTemplates.Step(WorkflowEvents.ProposalApproved, WorkflowResponses.ApplyChanges),
        ],
    };
}

/// <summary>
/// A change of bank account needs two approvers, both of whom must approve; once it is applied, both are told, so an
/// account changed by fraud is noticed.
/// </summary>
public sealed class BankAccountTemplate : IWorkflowTemplate
{
    public const string First = "first";
    public const string Second = "second";

    public string Code => WorkflowTemplates.BankAccount;

    public string Title => "Bank account: two approvers";

    public string Description => "When BankAccount changes: two approvers must both approve; the new values are applied and both are told.";

    public WorkflowDefinition Create(string code) => new()
    {
        Code = code,
        Description = Description,
        Template = Code,
        Parameters =
        [
            new WorkflowParameter(First, ParameterKind.User, "the first approver"),
            new WorkflowParameter(Second, ParameterKind.User, "the second approver"),
        ],
        Steps =
        [
            WorkflowTemplates.Step(WorkflowEvents.ProposalSubmitted, WorkflowResponses.RequestApproval, "Bank account approval") with
            {
                Conditions = [new WorkflowCondition(FieldCatalog.BankAccount, ConditionOperators.Changed)],
                Options = new ResponseOptions
                {
                    Approvers = ApproverSpec.Users(WorkflowTemplates.Ref(First), WorkflowTemplates.Ref(Second)),
                    Policy = CompletionPolicy.AllApprovers,
                    DueIn = TimeSpan.FromDays(1),
                },
            },
            WorkflowTemplates.Step(WorkflowEvents.ProposalApproved, WorkflowResponses.ApplyChanges),
            WorkflowTemplates.Step(WorkflowEvents.ProposalApplied, WorkflowResponses.NotifyUsers) with
            {
                Options = new ResponseOptions { Recipients = [WorkflowTemplates.Ref(First), WorkflowTemplates.Ref(Second)], Message = "A customer's bank account was changed." },
            },
        ],
    };
}
