using CustomerWorkflow.Core.Engine;
using CustomerWorkflow.Core.Fields;
using CustomerWorkflow.Core.Settings;
using CustomerWorkflow.Core.Tests.TestData;

namespace CustomerWorkflow.Core.Tests.Engine;

/// <summary>Admins change the workflow settings; every change is recorded with who, when, before and after.</summary>
public sealed class SettingsTests : EngineTestBase
{
    public static TheoryData<string> Setters() =>
        ["approvals", "import behaviour", "field approval", "submitter may approve", "steps", "payment terms", "customer groups"];

    public override async Task InitializeAsync()
    {
        // No settings saved yet: the engine starts from the defaults.
        await Store.InitializeAsync();
        await GivenCustomersAsync(A.Customer().Build());
    }

    [Fact]
    public async Task Settings_BeforeAnythingIsSaved_AreTheDefaults()
    {
        var record = await Engine.GetSettingsAsync();

        Assert.Equal(0, record.Version);
        Assert.False(record.Settings.ApprovalsEnabled);
        Assert.Equal(ImportBehaviour.Allow, record.Settings.ImportBehaviour);
        Assert.False(record.Settings.SubmitterMayApprove);
    }

    [Fact]
    public async Task SetApprovalsEnabled_IsRecorded_WithWhoWhenBeforeAndAfter()
    {
        Time.UtcNow = TestClock.Start.AddDays(3);

        await Engine.SetApprovalsEnabledAsync(Users.Admin, true);

        var change = Assert.Single(await Engine.GetSettingsChangesAsync(Users.Admin));
        Assert.Equal(new SettingsChange(TestClock.Start.AddDays(3), "admin", "Ada Admin", "Approvals", "off", "on"), change);
        Assert.True((await Engine.GetSettingsAsync()).Settings.ApprovalsEnabled);
    }

    [Fact]
    public async Task EachSetting_IsRecordedUnderItsName_NewestFirst()
    {
        await Engine.SetImportBehaviourAsync(Users.Admin, ImportBehaviour.Propose);
        Time.Advance(TimeSpan.FromMinutes(1));
        await Engine.SetFieldApprovalAsync(Users.Admin, "creditlimit", true);
        Time.Advance(TimeSpan.FromMinutes(1));
        await Engine.SetSubmitterMayApproveAsync(Users.Admin, true);
        Time.Advance(TimeSpan.FromMinutes(1));
        await Engine.SetPaymentTermsAsync(Users.Admin, ["Net30", " net30 ", "Net100", ""]);
        Time.Advance(TimeSpan.FromMinutes(1));
        await Engine.SetCustomerGroupsAsync(Users.Admin, ["Retail", "Partners"]);

        var changes = await Engine.GetSettingsChangesAsync(Users.Admin);

        Assert.Equal(
            [
                ("CustomerGroups", "Retail, Wholesale, Key accounts, Intercompany, Public sector", "Retail, Partners"),
                ("PaymentTerms", "COD, Net7, Net14, Net30, Net45, Net60, Net90", "Net30, Net100"),
                ("SubmitterMayApprove", "off", "on"),
                ("Field CreditLimit", "off", "on"),
                ("ImportBehaviour", "Allow", "Propose"),
            ],
            changes.Select(c => (c.Setting, c.Before, c.After)));
        Assert.Equal(TestClock.Start.AddMinutes(4), changes[0].At);
        Assert.Equal(TestClock.Start, changes[^1].At);
    }

    [Fact]
    public async Task SetApprovalSteps_IsRecordedAsReadableSteps()
    {
        await Engine.SetApprovalStepsAsync(Users.Admin,
        [
            new ApprovalStepDefinition("Manager", ["ann", "bob"], CompletionPolicy.Majority, TimeSpan.FromDays(2)),
            new ApprovalStepDefinition("Finance", ["cat"], CompletionPolicy.PercentageOf(60)),
        ]);

        var change = Assert.Single(await Engine.GetSettingsChangesAsync(Users.Admin));
        Assert.Equal(("Steps", "(none)", "1. Manager: ann, bob (majority, due in 2.00:00:00); 2. Finance: cat (60 % of approvers)"),
            (change.Setting, change.Before, change.After));
        Assert.Equal(["Manager", "Finance"], (await Engine.GetSettingsAsync()).Settings.Steps.Select(s => s.Name));
    }

    [Fact]
    public async Task SettingTheSameValueAgain_IsNotRecordedTwice()
    {
        await Engine.SetApprovalsEnabledAsync(Users.Admin, true);

        await Engine.SetApprovalsEnabledAsync(Users.Admin, true);

        Assert.Single(await Engine.GetSettingsChangesAsync(Users.Admin));
    }

    [Theory]
    [MemberData(nameof(Setters))]
    public async Task ChangingASetting_ByAClerkOrApprover_IsRefused_AndNothingIsSaved(string setting)
    {
        foreach (var user in (Actor[])[Users.Clerk, Users.Ann])
        {
            var refusal = await Assert.ThrowsAsync<WorkflowException>(() => Change(setting, user));
            Assert.Equal(Refusal.NotAllowed, refusal.Refusal);
        }

        Assert.Null(await Store.GetSettingsAsync());
        Assert.Empty(await Engine.GetSettingsChangesAsync(Users.Admin));
    }

    [Theory]
    [MemberData(nameof(Setters))]
    public async Task ChangingASetting_ByAnAdmin_IsRecorded(string setting)
    {
        await Change(setting, Users.Admin);

        var change = Assert.Single(await Engine.GetSettingsChangesAsync(Users.Admin));
        Assert.Equal(Users.Admin.Id, change.ActorId);
        Assert.NotEqual(change.Before, change.After);
    }

    [Fact]
    public async Task ReadingTheChanges_ByAClerk_IsRefused()
    {
        var refusal = await Assert.ThrowsAsync<WorkflowException>(() => Engine.GetSettingsChangesAsync(Users.Clerk));

        Assert.Equal(Refusal.NotAllowed, refusal.Refusal);
    }

    public static TheoryData<string, string[], int> BadSteps() => new()
    {
        { "", ["ann"], 0 },
        { "Finance", [], 0 },
        { "Finance", ["ann", " "], 0 },
        { "Finance", ["ann"], 101 },
    };

    [Theory]
    [MemberData(nameof(BadSteps))]
    public async Task SetApprovalSteps_WithABadStep_IsRefused_AndNothingIsSaved(string name, string[] approvers, int percent)
    {
        var policy = percent == 0 ? CompletionPolicy.SingleApprover : new CompletionPolicy(CompletionKind.Percentage, percent);

        var refusal = await Assert.ThrowsAsync<WorkflowException>(() =>
            Engine.SetApprovalStepsAsync(Users.Admin, [A.Step("Manager", "ann"), new ApprovalStepDefinition(name, approvers, policy)]));

        Assert.Equal(Refusal.InvalidConfiguration, refusal.Refusal);
        Assert.Null(await Store.GetSettingsAsync());
    }

    [Fact]
    public async Task SetFieldApproval_OfAnUnknownField_IsRefused()
    {
        var refusal = await Assert.ThrowsAsync<WorkflowException>(() => Engine.SetFieldApprovalAsync(Users.Admin, "Colour", true));

        Assert.Equal(Refusal.UnknownField, refusal.Refusal);
    }

    [Fact]
    public async Task SetPaymentTerms_WithNothingLeft_IsRefused()
    {
        var refusal = await Assert.ThrowsAsync<WorkflowException>(() => Engine.SetPaymentTermsAsync(Users.Admin, [" ", ""]));

        Assert.Equal(Refusal.InvalidConfiguration, refusal.Refusal);
    }

    [Fact]
    public async Task SetPaymentTerms_ChangesWhatAClerkMaySet()
    {
        await Engine.SetPaymentTermsAsync(Users.Admin, ["Net100"]);

        var refusal = await Assert.ThrowsAsync<WorkflowException>(() => SetAsync((FieldCatalog.PaymentTerms, "Net30")));
        await SetAsync((FieldCatalog.PaymentTerms, "net100"));

        Assert.Equal(Refusal.InvalidValue, refusal.Refusal);
        Assert.Equal("Net100", (await CustomerAsync())[FieldCatalog.PaymentTerms]);
    }

    [Fact]
    public async Task SetFieldApproval_TurnsAFieldIntoAProposedChange()
    {
        await Engine.SetApprovalsEnabledAsync(Users.Admin, true);
        await Engine.SetFieldApprovalAsync(Users.Admin, FieldCatalog.City, true);

        var result = await SetAsync((FieldCatalog.City, "Boston"));

        Assert.Equal(FieldChangeKind.Proposed, Assert.Single(result.Changes).Kind);
        Assert.Equal("Redmond", (await CustomerAsync())[FieldCatalog.City]);
    }

    private Task Change(string setting, Actor actor) => setting switch
    {
        "approvals" => Engine.SetApprovalsEnabledAsync(actor, true),
        "import behaviour" => Engine.SetImportBehaviourAsync(actor, ImportBehaviour.Reject),
        "field approval" => Engine.SetFieldApprovalAsync(actor, FieldCatalog.BankAccount, true),
        "submitter may approve" => Engine.SetSubmitterMayApproveAsync(actor, true),
        "steps" => Engine.SetApprovalStepsAsync(actor, [A.Step("Finance", "ann")]),
        "payment terms" => Engine.SetPaymentTermsAsync(actor, ["Net100"]),
        _ => Engine.SetCustomerGroupsAsync(actor, ["Partners"]),
    };
}
