using CustomerWorkflow.Core.Fields;
using CustomerWorkflow.Core.Proposals;
using CustomerWorkflow.Core.Tests.TestData;
using CustomerWorkflow.Core.Workflows;

namespace CustomerWorkflow.Core.Tests.Workflows;

/// <summary>
/// Each approver type laid out into approval steps for the clerk, whose chain is ann → bob → cat (limits 5000, 50000,
/// 10000000); a type that finds nobody refuses the submit and changes nothing.
/// </summary>
public sealed class ApproverTypeTests : WorkflowTestBase
{
    private async Task<Proposal> SubmitUnderAsync(ApproverSpec approvers, string creditLimit = "25000")
    {
        await EnabledAsync("TYPE", Approval(approvers, "Check"));
        return (await SubmitCreditLimitAsync(creditLimit)).Proposal;
    }

    private static IEnumerable<(string Name, string[] Approvers)> Layout(Proposal proposal) =>
        proposal.Steps.Select(s => (s.Name, s.Approvers.Select(a => a.UserId).ToArray()));

    [Fact]
    public async Task Specific_users_approve_in_one_step()
    {
        var proposal = await SubmitUnderAsync(ApproverSpec.Users("dan", "eve"));

        Assert.Equal([("Check", new[] { "dan", "eve" })], Layout(proposal));
    }

    [Fact]
    public async Task A_group_approves_by_sequence_number_the_same_number_in_parallel()
    {
        var proposal = await SubmitUnderAsync(ApproverSpec.Group((2, "cat"), (1, "dan"), (1, "eve")));

        Assert.Equal([("Check (1)", new[] { "dan", "eve" }), ("Check (2)", new[] { "cat" })], Layout(proposal));
        await Flow.ApproveAsync(Users.Eve, proposal.Id);
        Assert.Equal(["cat"], (await StoredProposalAsync(proposal.Id)).DueApprovers);
    }

    [Fact]
    public async Task A_directory_group_in_an_approver_group_stands_for_its_members()
    {
        Groups["finance"] = ["bob", "cat"];

        var proposal = await SubmitUnderAsync(ApproverSpec.Group((1, "group:finance"), (1, "dan")));

        Assert.Equal([("Check", new[] { "bob", "cat", "dan" })], Layout(proposal));
    }

    [Fact]
    public async Task An_unknown_directory_group_refuses_the_submit()
    {
        var refusal = await Assert.ThrowsAsync<WorkflowException>(() => SubmitUnderAsync(ApproverSpec.Group((1, "group:nobody"))));

        Assert.Equal("Workflow TYPE step 1 (Check): the group nobody is not in the directory (groups are read from Microsoft Graph).", refusal.Message);
        Assert.Equal(ProposalStatus.NotSubmitted, (await RecordAsync()).OpenProposal!.Status);
    }

    [Fact]
    public async Task The_manager_is_the_submitters_manager()
    {
        var proposal = await SubmitUnderAsync(ApproverSpec.Manager);

        Assert.Equal([("Check", new[] { "ann" })], Layout(proposal));
    }

    [Fact]
    public async Task A_submitter_without_a_manager_is_refused_and_nothing_changes()
    {
        await EnabledAsync("TYPE", Approval(ApproverSpec.Manager, "Check"));
        await SetAsync(Users.OtherClerk, "US-001", (FieldCatalog.CreditLimit, "25000"));

        var refusal = await Assert.ThrowsAsync<WorkflowException>(() => Flow.SubmitAsync(Users.OtherClerk, "US-001"));

        Assert.Equal(Refusal.InvalidConfiguration, refusal.Refusal);
        Assert.Equal("Workflow TYPE step 1 (Check): Carl Clerk has no manager in the directory. Ask an admin to set one with `workflow user <user> manager <manager>`.", refusal.Message);
        var open = (await RecordAsync()).OpenProposal!;
        Assert.Equal((ProposalStatus.NotSubmitted, 1), (open.Status, open.HistoryCount));
    }

    [Fact]
    public async Task An_approver_chain_goes_up_as_many_levels_as_set_one_step_each()
    {
        var proposal = await SubmitUnderAsync(ApproverSpec.Chain(2));

        Assert.Equal([("Check (level 1)", new[] { "ann" }), ("Check (level 2)", new[] { "bob" })], Layout(proposal));
    }

    [Fact]
    public async Task An_approver_chain_stops_at_the_top()
    {
        var proposal = await SubmitUnderAsync(ApproverSpec.Chain(5));

        Assert.Equal(["ann", "bob", "cat"], proposal.Steps.Select(s => s.Approvers.Single().UserId));
    }

    /// <summary>proposed credit limit, who approves (the first up the chain whose limit covers it).</summary>
    public static TheoryData<string, string> Qualified { get; } = new()
    {
        { "4000", "ann" },
        { "5000", "ann" },
        { "5000.01", "bob" },
        { "50000", "bob" },
        { "9000000", "cat" },
    };

    [Theory]
    [MemberData(nameof(Qualified))]
    public async Task The_first_qualified_approver_is_the_first_whose_limit_covers_the_new_credit_limit(string creditLimit, string approver)
    {
        var proposal = await SubmitUnderAsync(ApproverSpec.FirstQualified, creditLimit);

        Assert.Equal([("Check", new[] { approver })], Layout(proposal));
    }

    [Fact]
    public async Task The_amount_of_a_proposal_that_leaves_the_credit_limit_alone_is_the_current_credit_limit()
    {
        await GivenCustomersAsync(A.Customer("US-002").With(FieldCatalog.CreditLimit, "20000.00").Build());
        await EnabledAsync("TYPE", Approval(ApproverSpec.FirstQualified, "Check"));
        await SetAsync(Users.Clerk, "US-002", (FieldCatalog.PaymentTerms, "Net60"));

        var proposal = (await Flow.SubmitAsync(Users.Clerk, "US-002")).Proposal;

        Assert.Equal("bob", proposal.Steps.Single().Approvers.Single().UserId);
    }

    [Fact]
    public async Task Nobody_qualified_refuses_the_submit()
    {
        var refusal = await Assert.ThrowsAsync<WorkflowException>(() => SubmitUnderAsync(ApproverSpec.FirstQualified, "20000000"));

        Assert.Contains("nobody up Cleo Clerk's management chain may approve a credit limit of 20000000.00", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_submitter_is_left_out_of_a_group_they_are_in()
    {
        var proposal = await SubmitUnderAsync(ApproverSpec.Users("clerk", "dan"));

        Assert.Equal([("Check", new[] { "dan" })], Layout(proposal));
    }
}
