using CustomerWorkflow.Core;
using CustomerWorkflow.Core.Engine;
using CustomerWorkflow.Core.Fields;
using CustomerWorkflow.Core.People;
using CustomerWorkflow.Core.Proposals;
using CustomerWorkflow.Core.Storage;
using CustomerWorkflow.Core.Workflows;

namespace CustomerWorkflow.Storage.Tests;

/// <summary>
/// The contract of the workflow-definition port on every adapter: versions stored once and kept, saves checked against
/// the revision, codes case-insensitive, and the count of proposals running under a workflow following the proposals'
/// own writes, so a workflow is deleted only when nothing runs under it.
/// </summary>
public abstract class WorkflowDefinitionStoreContract : StoreContract<IWorkflowStore>
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 2, 9, 0, 0, TimeSpan.Zero);

    private IWorkflowDefinitionStore Workflows => (IWorkflowDefinitionStore)Store;

    private static WorkflowRecord Credit(int version = 1, WorkflowState state = WorkflowState.Disabled, string threshold = "10000.00") =>
        new(new CreditLimitTemplate().Create("CREDIT") with
        {
            Version = version,
            CreatedAt = T0,
            CreatedBy = TestData.Admin.Id,
            Change = "created from MS-CREDIT-LIMIT",
            Parameters =
            [
                new WorkflowParameter(CreditLimitTemplate.Threshold, ParameterKind.Amount, "the threshold", threshold),
                new WorkflowParameter(CreditLimitTemplate.Finance, ParameterKind.User, "finance", TestData.Approver2.Id),
            ],
        }, state, 0) { UpdatedAt = T0, UpdatedBy = TestData.Admin.Id };

    private static string Json(WorkflowDefinition definition) => StoredShapes.Workflow(definition);

    [Fact]
    public async Task A_saved_workflow_reads_back_whole_by_code_in_any_case()
    {
        var record = Credit();

        Assert.Equal(1, await Workflows.SaveWorkflowAsync(record, 0));

        var read = await Workflows.GetWorkflowAsync("credit");
        Assert.NotNull(read);
        Assert.Equal(Json(record.Definition), Json(read.Definition));
        Assert.Equal((WorkflowState.Disabled, 1L, T0, TestData.Admin.Id), (read.State, read.Revision, read.UpdatedAt, read.UpdatedBy));
        Assert.Equal("CREDIT", Assert.Single(await Workflows.ListWorkflowsAsync()).Code);
        Assert.Equal(Json(record.Definition), Json((await Workflows.GetWorkflowVersionAsync("CREDIT", 1))!));
        Assert.Null(await Workflows.GetWorkflowAsync("OTHER"));
        Assert.Null(await Workflows.GetWorkflowVersionAsync("CREDIT", 2));
    }

    [Fact]
    public async Task A_taken_code_and_a_stale_revision_are_concurrency_conflicts_that_change_nothing()
    {
        await Workflows.SaveWorkflowAsync(Credit(), 0);

        await Assert.ThrowsAsync<ConcurrencyException>(() => Workflows.SaveWorkflowAsync(Credit(threshold: "1.00"), 0));
        Assert.Equal(2, await Workflows.SaveWorkflowAsync(Credit(2, threshold: "20000.00"), 1));
        await Assert.ThrowsAsync<ConcurrencyException>(() => Workflows.SaveWorkflowAsync(Credit(3, threshold: "30000.00"), 1));

        var read = (await Workflows.GetWorkflowAsync("CREDIT"))!;
        Assert.Equal((2, 2L), (read.Definition.Version, read.Revision));
        Assert.Equal("20000.00", read.Definition.Parameter(CreditLimitTemplate.Threshold)!.Value);
    }

    [Fact]
    public async Task Every_version_is_kept_as_it_was_and_a_state_change_stores_no_new_one()
    {
        await Workflows.SaveWorkflowAsync(Credit(), 0);
        await Workflows.SaveWorkflowAsync(Credit(2, threshold: "20000.00"), 1);
        await Workflows.SaveWorkflowAsync(Credit(2, WorkflowState.Enabled, threshold: "20000.00"), 2);

        var other = Track(await OpenSecondInstanceAsync());
        var workflows = (IWorkflowDefinitionStore)other;
        Assert.Equal("10000.00", (await workflows.GetWorkflowVersionAsync("CREDIT", 1))!.Parameter(CreditLimitTemplate.Threshold)!.Value);
        Assert.Equal("20000.00", (await workflows.GetWorkflowVersionAsync("CREDIT", 2))!.Parameter(CreditLimitTemplate.Threshold)!.Value);
        Assert.Null(await workflows.GetWorkflowVersionAsync("CREDIT", 3));
        var read = (await workflows.GetWorkflowAsync("CREDIT"))!;
        Assert.Equal((WorkflowState.Enabled, 2, 3L), (read.State, read.Definition.Version, read.Revision));
    }

    [Fact]
    public async Task A_workflow_with_a_proposal_running_under_it_is_not_deleted_until_the_proposal_closes()
    {
        await Store.CommitAsync([new RecordWrite(TestData.Customer("US-001"), null, 0, 0)]);
        await Store.SaveSettingsAsync(TestData.Settings(), 0, []);
        var time = TimeProvider.System;
        var catalog = WorkflowCatalog.BuiltIn;
        var manager = new WorkflowManager(Workflows, catalog, time);
        var engine = new ProposalEngine(Store, time, new WorkflowRouter(Workflows, catalog, new StoredApproverDirectory((IUserStore)Store)));
        await manager.CreateFromTemplateAsync(TestData.Admin, "single", WorkflowTemplates.SingleApprover, [new(SingleApproverTemplate.Approver, TestData.Approver.Id)]);
        await manager.EnableAsync(TestData.Admin, "SINGLE");
        await engine.SetFieldsAsync(TestData.Clerk, "US-001", [new(FieldCatalog.CreditLimit, "5000")]);
        Assert.Equal(0, await Workflows.CountRunningAsync("SINGLE"));

        var submitted = await engine.SubmitAsync(TestData.Clerk, "US-001");

        Assert.Equal("SINGLE", submitted.Proposal.RunningWorkflow);
        Assert.Equal(1, await Workflows.CountRunningAsync("single"));
        await manager.DisableAsync(TestData.Admin, "SINGLE");
        var revision = (await Workflows.GetWorkflowAsync("SINGLE"))!.Revision;
        Assert.False(await Workflows.DeleteWorkflowAsync("SINGLE", revision));
        Assert.NotNull(await Workflows.GetWorkflowAsync("SINGLE"));

        var approved = await engine.ApproveAsync(TestData.Approver, submitted.Proposal.Id);

        Assert.Equal(ProposalStatus.Applied, approved.Proposal.Status);
        Assert.Equal(0, await Workflows.CountRunningAsync("SINGLE"));
        await Assert.ThrowsAsync<ConcurrencyException>(() => Workflows.DeleteWorkflowAsync("SINGLE", revision + 1));
        Assert.True(await Workflows.DeleteWorkflowAsync("SINGLE", revision));
        Assert.Null(await Workflows.GetWorkflowAsync("SINGLE"));
        Assert.Null(await Workflows.GetWorkflowVersionAsync("SINGLE", 1));
        Assert.Empty(await Workflows.ListWorkflowsAsync());
    }

    [Fact]
    public async Task A_recalled_proposal_no_longer_runs_under_its_workflow()
    {
        await Store.CommitAsync([new RecordWrite(TestData.Customer("US-001"), null, 0, 0)]);
        await Store.SaveSettingsAsync(TestData.Settings(), 0, []);
        var catalog = WorkflowCatalog.BuiltIn;
        var manager = new WorkflowManager(Workflows, catalog, TimeProvider.System);
        var engine = new ProposalEngine(Store, TimeProvider.System, new WorkflowRouter(Workflows, catalog, new StoredApproverDirectory((IUserStore)Store)));
        await manager.CreateFromTemplateAsync(TestData.Admin, "single", WorkflowTemplates.SingleApprover, [new(SingleApproverTemplate.Approver, TestData.Approver.Id)]);
        await manager.EnableAsync(TestData.Admin, "SINGLE");
        await engine.SetFieldsAsync(TestData.Clerk, "US-001", [new(FieldCatalog.CreditLimit, "5000")]);
        await engine.SubmitAsync(TestData.Clerk, "US-001");

        var recalled = await engine.RecallAsync(TestData.Clerk, "US-001");

        Assert.Equal(ProposalStatus.NotSubmitted, recalled.Proposal.Status);
        Assert.Null(recalled.Proposal.RunningWorkflow);
        Assert.Equal(0, await Workflows.CountRunningAsync("SINGLE"));
    }

    [Fact]
    public async Task A_person_keeps_their_manager_and_approval_limit()
    {
        var users = (IUserStore)Store;
        await users.SaveUserAsync(new UserProfile("aad-ann", "Ann Lee", "ann@contoso.com") { ManagerId = "aad-bob", ApprovalLimit = 25000.5m }, 0);

        var read = await users.GetUserAsync("aad-ann");

        Assert.Equal(("aad-bob", 25000.5m), (read!.ManagerId, read.ApprovalLimit));
        Assert.Equal("aad-bob", await new StoredApproverDirectory(users).ManagerOfAsync("aad-ann"));
        Assert.Null(await new StoredApproverDirectory(users).GroupMembersAsync("any"));
    }
}
