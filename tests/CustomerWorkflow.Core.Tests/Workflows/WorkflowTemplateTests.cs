using CustomerWorkflow.Core.Fields;
using CustomerWorkflow.Core.Proposals;
using CustomerWorkflow.Core.Settings;
using CustomerWorkflow.Core.Tests.TestData;
using CustomerWorkflow.Core.Workflows;

namespace CustomerWorkflow.Core.Tests.Workflows;

/// <summary>Each template shipped with the product: what it needs before it can be enabled, and what it does.</summary>
public sealed class WorkflowTemplateTests : WorkflowTestBase
{
    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await GivenSettingsAsync(A.Settings().WithApprovalFields(FieldCatalog.CreditLimit, FieldCatalog.PaymentTerms, FieldCatalog.BankAccount).Build());
    }

    /// <summary>template, what it can't be enabled without.</summary>
    public static TheoryData<string, string[]> Needs { get; } = new()
    {
        { WorkflowTemplates.SingleApprover, ["step 1: {approver} has no value"] },
        { WorkflowTemplates.CreditLimit, ["step 2: {finance} has no value", "step 3: {finance} has no value"] },
        { WorkflowTemplates.BankAccount, ["step 1: {first} has no value", "step 1: {second} has no value", "step 3: {first} has no value", "step 3: {second} has no value"] },
    };

    [Theory]
    [MemberData(nameof(Needs))]
    public void A_template_copy_is_complete_but_for_the_people_it_names(string template, string[] problems)
    {
        var definition = WorkflowCatalog.BuiltIn.Template(template).Create("COPY");

        Assert.Equal(problems, WorkflowCatalog.BuiltIn.Check(definition));
        Assert.Equal((template, "COPY"), (definition.Template, definition.Code));
    }

    [Fact]
    public void The_catalog_ships_the_three_templates()
    {
        Assert.Equal([WorkflowTemplates.BankAccount, WorkflowTemplates.CreditLimit, WorkflowTemplates.SingleApprover],
            WorkflowCatalog.BuiltIn.Templates.Select(t => t.Code).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Single_approver_has_every_proposal_approved_by_its_approver()
    {
        await EnabledAsync("ONE", WorkflowTemplates.SingleApprover, (SingleApproverTemplate.Approver, "dan"));
        await SetAsync((FieldCatalog.PaymentTerms, "Net60"));
        var proposal = (await Flow.SubmitAsync(Users.Clerk, "US-001")).Proposal;

        Assert.Equal(["dan"], proposal.DueApprovers);
        Assert.Equal(ProposalStatus.Applied, (await Flow.ApproveAsync(Users.Dan, proposal.Id)).Proposal.Status);
        Assert.Equal("Net60", (await CustomerAsync())[FieldCatalog.PaymentTerms]);
    }

    [Fact]
    public async Task Credit_limit_above_the_threshold_goes_to_the_manager_then_finance_then_applies()
    {
        await EnabledAsync("CREDIT", WorkflowTemplates.CreditLimit, (CreditLimitTemplate.Threshold, "10000"), (CreditLimitTemplate.Finance, "eve"));

        var proposal = (await SubmitCreditLimitAsync("25000")).Proposal;

        Assert.Equal([("Manager approval", "ann", OverdueAction.Escalate, (string?)"eve"), ("Finance approval", "eve", OverdueAction.None, null)],
            proposal.Steps.Select(s => (s.Name, s.Approvers.Single().UserId, s.OnOverdue, s.EscalateTo)));
        Assert.Equal(("CREDIT", 1), (proposal.Run!.Code, proposal.Run.Version));
        Assert.Equal(ProposalStatus.PendingApproval, (await Flow.ApproveAsync(Users.Ann, proposal.Id)).Proposal.Status);
        Assert.Equal(ProposalStatus.Applied, (await Flow.ApproveAsync(Users.Eve, proposal.Id)).Proposal.Status);
        Assert.Equal("25000.00", (await CustomerAsync())[FieldCatalog.CreditLimit]);
    }

    [Theory]
    [InlineData("10000")]
    [InlineData("500")]
    public async Task Credit_limit_at_or_below_the_threshold_or_lowered_is_not_taken(string creditLimit)
    {
        await EnabledAsync("CREDIT", WorkflowTemplates.CreditLimit, (CreditLimitTemplate.Finance, "eve"));

        var proposal = (await SubmitCreditLimitAsync(creditLimit)).Proposal;

        Assert.Null(proposal.Run);
        Assert.Equal(["ann", "bob"], proposal.DueApprovers);
    }

    [Fact]
    public async Task Bank_account_needs_both_approvers_and_tells_both_once_applied()
    {
        await EnabledAsync("BANK", WorkflowTemplates.BankAccount, (BankAccountTemplate.First, "dan"), (BankAccountTemplate.Second, "eve"));
        await SetAsync((FieldCatalog.BankAccount, "NL91ABNA0417164300"));
        var proposal = (await Flow.SubmitAsync(Users.Clerk, "US-001")).Proposal;

        Assert.Equal(CompletionPolicy.AllApprovers, proposal.Steps.Single().Policy);
        var first = await Flow.ApproveAsync(Users.Dan, proposal.Id);
        Assert.Equal((ProposalStatus.PendingApproval, 0), (first.Proposal.Status, first.Effects.Count));
        var second = await Flow.ApproveAsync(Users.Eve, proposal.Id);

        Assert.Equal(ProposalStatus.Applied, second.Proposal.Status);
        var notice = Assert.Single(second.Effects);
        Assert.Equal(["dan", "eve"], notice.Users);
        Assert.StartsWith("A customer's bank account was changed. Proposal US-001-P1", notice.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bank_account_rejected_by_either_approver_is_rejected()
    {
        await EnabledAsync("BANK", WorkflowTemplates.BankAccount, (BankAccountTemplate.First, "dan"), (BankAccountTemplate.Second, "eve"));
        await SetAsync((FieldCatalog.BankAccount, "NL91ABNA0417164300"));
        var proposal = (await Flow.SubmitAsync(Users.Clerk, "US-001")).Proposal;

        var result = await Flow.RejectAsync(Users.Eve, proposal.Id, "unknown account");

        Assert.Equal(ProposalStatus.Rejected, result.Proposal.Status);
        Assert.Empty(result.Effects);
    }
}
