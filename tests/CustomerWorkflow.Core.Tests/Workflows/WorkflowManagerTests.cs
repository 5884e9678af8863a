using CustomerWorkflow.Core.Fields;
using CustomerWorkflow.Core.Proposals;
using CustomerWorkflow.Core.Settings;
using CustomerWorkflow.Core.Tests.TestData;
using CustomerWorkflow.Core.Workflows;

namespace CustomerWorkflow.Core.Tests.Workflows;

/// <summary>The admin's workflow use cases: each change a new version, the lifecycle, and a short refusal for each bad input.</summary>
public sealed class WorkflowManagerTests : WorkflowTestBase
{
    private Task<WorkflowRecord> CreditAsync(params (string Name, string Value)[] values) =>
        Manager.CreateFromTemplateAsync(Users.Admin, "credit", WorkflowTemplates.CreditLimit, values.Select(v => new KeyValuePair<string, string>(v.Name, v.Value)).ToList());

    [Fact]
    public async Task A_copy_of_a_template_is_a_disabled_workflow_at_version_one_with_the_values_given()
    {
        var record = await CreditAsync((CreditLimitTemplate.Threshold, "25000.5"), (CreditLimitTemplate.Finance, "eve"));

        Assert.Equal(("CREDIT", WorkflowState.Disabled, 1, WorkflowTemplates.CreditLimit), (record.Code, record.State, record.Definition.Version, record.Definition.Template));
        Assert.Equal("25000.50", record.Definition.Parameter(CreditLimitTemplate.Threshold)!.Value);
        Assert.Equal(("created from MS-CREDIT-LIMIT", "admin", TestClock.Start), (record.Definition.Change, record.Definition.CreatedBy, record.Definition.CreatedAt));
        Assert.Equal("CREDIT", Assert.Single(await Manager.ListAsync(Users.Admin)).Code);
    }

    /// <summary>code, template, parameter values, the refusal.</summary>
    public static TheoryData<string, string, string, string> BadCopies { get; } = new()
    {
        { "credit", "MS-NOPE", "", "There is no template 'MS-NOPE'. Templates: " },
        { "no spaces", WorkflowTemplates.CreditLimit, "", "'no spaces' can't be a workflow code" },
        { "add", WorkflowTemplates.CreditLimit, "", "'add' can't be a workflow code: the word is taken by the workflow commands." },
        { "credit", WorkflowTemplates.CreditLimit, "threshold=lots", "'lots' is not an amount for threshold: use digits with at most two decimals, like 10000.00." },
        { "credit", WorkflowTemplates.CreditLimit, "threshold=-5", "'-5' is not an amount for threshold" },
        { "credit", WorkflowTemplates.CreditLimit, "limit=5", "Workflow CREDIT has no parameter 'limit'; its parameters: threshold, finance (and priority, description)." },
        { "credit", WorkflowTemplates.CreditLimit, "priority=high", "'high' is not a priority" },
    };

    [Theory]
    [MemberData(nameof(BadCopies))]
    public async Task A_bad_copy_is_refused_and_nothing_is_stored(string code, string template, string values, string refusal)
    {
        var pairs = values.Length == 0 ? [] : values.Split(' ').Select(v => v.Split('=')).Select(p => new KeyValuePair<string, string>(p[0], p[1])).ToList();

        var thrown = await Assert.ThrowsAsync<WorkflowException>(() => Manager.CreateFromTemplateAsync(Users.Admin, code, template, pairs));

        Assert.StartsWith(refusal, thrown.Message, StringComparison.Ordinal);
        Assert.Empty(await Manager.ListAsync(Users.Admin));
    }

    [Fact]
    public async Task A_taken_code_is_refused()
    {
        await CreditAsync();

        var thrown = await Assert.ThrowsAsync<WorkflowException>(() => Manager.CreateFromTemplateAsync(Users.Admin, "CREDIT", WorkflowTemplates.SingleApprover, []));

        Assert.Equal("There is a workflow CREDIT already; choose another code, or `workflow show CREDIT`.", thrown.Message);
        Assert.Equal(WorkflowTemplates.CreditLimit, (await Manager.GetAsync(Users.Admin, "credit")).Definition.Template);
    }

    [Fact]
    public async Task Only_admins_change_workflows()
    {
        var thrown = await Assert.ThrowsAsync<WorkflowException>(() => Manager.CreateFromTemplateAsync(Users.Clerk, "credit", WorkflowTemplates.CreditLimit, []));

        Assert.Equal(Refusal.NotAllowed, thrown.Refusal);
    }

    [Fact]
    public async Task A_workflow_missing_a_value_is_not_enabled_and_says_what_to_set()
    {
        await CreditAsync();

        var thrown = await Assert.ThrowsAsync<WorkflowException>(() => Manager.EnableAsync(Users.Admin, "CREDIT"));

        Assert.Equal("Workflow CREDIT can't be enabled yet: step 2: {finance} has no value; step 3: {finance} has no value.", thrown.Message);
        Assert.Equal(WorkflowState.Disabled, (await Manager.GetAsync(Users.Admin, "CREDIT")).State);
    }

    [Fact]
    public async Task Each_change_stores_the_next_version_and_keeps_the_earlier_ones()
    {
        await CreditAsync();

        await Manager.SetAsync(Users.Admin, "CREDIT", [new(CreditLimitTemplate.Finance, "eve"), new(WorkflowManager.DescriptionName, "Big raises")]);
        await Manager.AddConditionAsync(Users.Admin, "CREDIT", 1, new WorkflowCondition("country", "EQUALS", "US"));
        await Manager.SetOptionAsync(Users.Admin, "CREDIT", 3, ResponseOption.Policy, o => o with { Policy = CompletionPolicy.AllApprovers }, "completion: all approvers");
        await Manager.AddStepAsync(Users.Admin, "CREDIT", WorkflowEvents.ProposalRejected, WorkflowResponses.NotifySubmitter, "Tell");
        var record = await Manager.RemoveStepAsync(Users.Admin, "CREDIT", 5);

        Assert.Equal((6, "step 5 removed"), (record.Definition.Version, record.Definition.Change));
        Assert.Equal("Big raises", record.Definition.Description);
        Assert.Equal(new WorkflowCondition(FieldCatalog.Country, ConditionOperators.EqualTo, "US"), record.Definition.Steps[0].Conditions[2]);
        Assert.Equal(CompletionPolicy.AllApprovers, record.Definition.Steps[2].Options.Policy);
        Assert.Equal(4, record.Definition.Steps.Count);
        Assert.Null((await Manager.GetVersionAsync(Users.Admin, "CREDIT", 1)).Parameter(CreditLimitTemplate.Finance)!.Value);
        Assert.Equal("step 1: condition Country equals US", (await Manager.GetVersionAsync(Users.Admin, "CREDIT", 3)).Change);
    }

    [Fact]
    public async Task An_enabled_workflow_is_not_changed_until_it_is_disabled()
    {
        await CreditAsync((CreditLimitTemplate.Finance, "eve"));
        await Manager.EnableAsync(Users.Admin, "CREDIT");

        var thrown = await Assert.ThrowsAsync<WorkflowException>(() => Manager.SetAsync(Users.Admin, "CREDIT", [new(CreditLimitTemplate.Threshold, "50000")]));

        Assert.Equal("Workflow CREDIT is enabled; disable it to change it (proposals already running keep the version they started with).", thrown.Message);
        await Manager.DisableAsync(Users.Admin, "CREDIT");
        Assert.Equal(2, (await Manager.SetAsync(Users.Admin, "CREDIT", [new(CreditLimitTemplate.Threshold, "50000")])).Definition.Version);
    }

    [Fact]
    public async Task An_archived_workflow_is_never_enabled_or_changed_again_only_deleted()
    {
        await CreditAsync((CreditLimitTemplate.Finance, "eve"));
        await Manager.EnableAsync(Users.Admin, "CREDIT");
        Assert.Equal(WorkflowState.Archived, (await Manager.ArchiveAsync(Users.Admin, "CREDIT")).State);

        const string archived = "Workflow CREDIT is archived: it can't be changed or enabled again, only deleted.";
        Assert.Equal(archived, (await Assert.ThrowsAsync<WorkflowException>(() => Manager.EnableAsync(Users.Admin, "CREDIT"))).Message);
        Assert.Equal(archived, (await Assert.ThrowsAsync<WorkflowException>(() => Manager.RemoveStepAsync(Users.Admin, "CREDIT", 1))).Message);
        await Manager.DeleteAsync(Users.Admin, "CREDIT");
        Assert.Empty(await Manager.ListAsync(Users.Admin));
    }

    [Fact]
    public async Task A_workflow_is_deleted_only_when_disabled_and_nothing_runs_under_it()
    {
        await EnabledAsync("CREDIT", WorkflowTemplates.CreditLimit, (CreditLimitTemplate.Finance, "eve"));
        var proposal = (await SubmitCreditLimitAsync("25000")).Proposal;

        Assert.Equal("Workflow CREDIT is enabled; disable it before deleting it.",
            (await Assert.ThrowsAsync<WorkflowException>(() => Manager.DeleteAsync(Users.Admin, "CREDIT"))).Message);
        await Manager.DisableAsync(Users.Admin, "CREDIT");
        Assert.Equal("Workflow CREDIT can't be deleted: a proposal is running under it. It starts no new ones while disabled; delete it once they are done.",
            (await Assert.ThrowsAsync<WorkflowException>(() => Manager.DeleteAsync(Users.Admin, "CREDIT"))).Message);
        Assert.Equal(1, await Manager.CountRunningAsync("CREDIT"));

        await Flow.RejectAsync(Users.Ann, proposal.Id, "no");
        await Manager.DeleteAsync(Users.Admin, "CREDIT");

        Assert.Empty(await Manager.ListAsync(Users.Admin));
        Assert.Equal("There is no workflow 'CREDIT'. `workflow list` shows them.",
            (await Assert.ThrowsAsync<WorkflowException>(() => Manager.GetAsync(Users.Admin, "credit"))).Message);
    }

    [Fact]
    public async Task A_step_number_out_of_range_and_a_bad_condition_are_refused()
    {
        await CreditAsync();

        Assert.Equal("Workflow CREDIT has steps 1 to 4.",
            (await Assert.ThrowsAsync<WorkflowException>(() => Manager.RemoveStepAsync(Users.Admin, "CREDIT", 9))).Message);
        Assert.Equal("That condition doesn't work: 'increased' compares amounts, and City is not one.",
            (await Assert.ThrowsAsync<WorkflowException>(() => Manager.AddConditionAsync(Users.Admin, "CREDIT", 1, new WorkflowCondition("City", "increased")))).Message);
        Assert.Equal(1, (await Manager.GetAsync(Users.Admin, "CREDIT")).Definition.Version);
    }

    [Fact]
    public async Task People_get_a_manager_and_an_approval_limit_from_an_admin_and_no_circle()
    {
        var directory = new CustomerWorkflow.Core.People.UserDirectory(Store);

        await directory.SetManagerAsync(Users.Admin, "dan", "eve");
        await directory.SetApprovalLimitAsync(Users.Admin, "dan", 1234.5m);

        var dan = (await Store.GetUserAsync("dan"))!;
        Assert.Equal(("eve", 1234.5m), (dan.ManagerId, dan.ApprovalLimit));
        Assert.Equal("That would make the managers a circle: someone would end up their own manager.",
            (await Assert.ThrowsAsync<WorkflowException>(() => directory.SetManagerAsync(Users.Admin, "eve", "dan"))).Message);
        Assert.Equal(Refusal.NotAllowed, (await Assert.ThrowsAsync<WorkflowException>(() => directory.SetManagerAsync(Users.Clerk, "dan", null))).Refusal);
        Assert.Null((await directory.SetManagerAsync(Users.Admin, "dan", null)).ManagerId);
    }
}
