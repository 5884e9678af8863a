using CustomerWorkflow.Core.Fields;
using CustomerWorkflow.Core.Proposals;
using CustomerWorkflow.Core.Tests.TestData;
using CustomerWorkflow.Core.Workflows;

namespace CustomerWorkflow.Core.Tests.Workflows;

/// <summary>Adding an event or a response is one class: the catalog takes whatever it is given, and rejects a repeated code.</summary>
public sealed class WorkflowCatalogTests : WorkflowTestBase
{
    private static readonly WorkflowCatalog WithExtras = new(
        [.. WorkflowCatalog.BuiltIn.Events, new ProposalDelegatedEvent()],
        [.. WorkflowCatalog.BuiltIn.Responses, new NotifyControllerResponse()],
        WorkflowCatalog.BuiltIn.Operators,
        WorkflowCatalog.BuiltIn.Templates);

    internal override WorkflowCatalog Catalog => WithExtras;

    /// <summary>An event this product does not ship: an approver handed their place to someone.</summary>
    private sealed class ProposalDelegatedEvent : IWorkflowEvent
    {
        public string Code => "proposal-delegated";

        public string Title => "an approver delegates";

        public WorkflowEventKind Kind => WorkflowEventKind.Outcome;

        public bool Matches(HistoryEntry entry, Proposal proposal) => entry.Action == HistoryAction.Delegated;
    }

    /// <summary>A response this product does not ship: tell the controller (always "eve").</summary>
    private sealed class NotifyControllerResponse : WorkflowResponse
    {
        public override string Code => "notify-controller";

        public override string Title => "notify the controller";

        protected override string AcceptedEvents => "anything that happens later";

        protected override bool Accepts(IWorkflowEvent workflowEvent) => workflowEvent.Kind == WorkflowEventKind.Outcome;

        public override Task PlanAsync(PlanContext context, CancellationToken cancellationToken)
        {
            context.React(r => r with { Users = ["eve"] });
            return Task.CompletedTask;
        }

        public override void React(ReactionContext context) =>
            context.Effects.Add(new WorkflowEffect(EffectKind.Notify, context.Proposal.Id, context.Message, context.Source) { Users = context.Reaction.Users });
    }

    [Fact]
    public async Task A_new_event_and_a_new_response_are_one_class_each()
    {
        await Manager.CreateFromTemplateAsync(Users.Admin, "ONE", WorkflowTemplates.SingleApprover, [new(SingleApproverTemplate.Approver, "ann")]);
        await Manager.AddStepAsync(Users.Admin, "ONE", "proposal-delegated", "notify-controller", "Watch");
        await Manager.EnableAsync(Users.Admin, "ONE");
        var proposal = (await SubmitCreditLimitAsync()).Proposal;

        var result = await Flow.DelegateAsync(Users.Ann, proposal.Id, "dan");

        var effect = Assert.Single(result.Effects);
        Assert.Equal(["eve"], effect.Users);
        Assert.Equal("ONE v2 step 3", effect.Source);
        Assert.EndsWith("an approver delegates.", effect.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_built_in_catalog_is_every_implementation_in_core()
    {
        var types = WorkflowCatalog.ImplementationsIn(typeof(WorkflowCatalog).Assembly);

        Assert.Equal(10 + 10 + 6 + 3, types.Count);
        Assert.Equal((10, 10, 6, 3), (WorkflowCatalog.BuiltIn.Events.Count, WorkflowCatalog.BuiltIn.Responses.Count, WorkflowCatalog.BuiltIn.Operators.Count, WorkflowCatalog.BuiltIn.Templates.Count));
    }

    [Fact]
    public void Two_of_a_kind_with_one_code_are_refused()
    {
        var thrown = Assert.Throws<ArgumentException>(() => new WorkflowCatalog(
            [new StepApprovedEvent(), new StepApprovedEvent()], [], [], []));

        Assert.StartsWith("Two events have the code 'step-approved'.", thrown.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_workflow_reads_as_its_steps_with_values_and_names()
    {
        var definition = new CreditLimitTemplate().Create("CREDIT") with
        {
            Parameters = [new WorkflowParameter(CreditLimitTemplate.Threshold, ParameterKind.Amount, "t", "10000.00"), new WorkflowParameter(CreditLimitTemplate.Finance, ParameterKind.User, "f", "eve")],
        };

        var view = WorkflowCatalog.BuiltIn.Describe(new WorkflowRecord(definition, WorkflowState.Enabled, 3), 2, id => id == "eve" ? "Eve Approver" : id);

        Assert.Equal(["CreditLimit increased", "CreditLimit greater than {threshold} (10000.00)"], view.Steps[0].Conditions);
        Assert.Equal(("changes are submitted", "request approval"), (view.Steps[0].Event, view.Steps[0].Response));
        Assert.Equal(["approvers: the submitter's manager", "completion: single approver", "due in 2 days"], view.Steps[0].Options);
        Assert.Equal(["escalate to {finance} (Eve Approver)"], view.Steps[1].Options);
        Assert.Equal("Eve Approver", view.Parameters.Single(p => p.Name == CreditLimitTemplate.Finance).Value);
        Assert.Equal((2, 0), (view.Running, view.Problems.Count));
        Assert.Equal(FieldCatalog.CreditLimit, definition.Steps[0].Conditions[0].Field);
    }
}
