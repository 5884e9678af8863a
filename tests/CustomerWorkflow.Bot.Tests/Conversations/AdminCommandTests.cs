using CustomerWorkflow.Bot.Tests.Infrastructure;
using CustomerWorkflow.Core;
using CustomerWorkflow.Core.Settings;

namespace CustomerWorkflow.Bot.Tests.Conversations;

/// <summary>The admin's commands: settings, the approval steps and roles, each recorded and refused when wrong.</summary>
public sealed class AdminCommandTests : IAsyncLifetime
{
    private BotTestHost _host = null!;

    private TestUser Admin => _host.User("sample-admin", "Adam Admin", BotTestHost.AdminUpn);

    public async Task InitializeAsync() => _host = await BotTestHost.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private async Task<WorkflowSettings> SettingsAsync() => (await _host.Engine.GetSettingsAsync()).Settings;

    [Fact]
    public async Task Config_shows_the_settings()
    {
        (await Admin.SendAsync("config")).ReplyText("Approvals: on", "Import behaviour: create change proposals", "BankAccount, Blocked, CreditLimit, PaymentTerms, VatNumber", "1. Finance approval: Arun Approver, Farah Finance");
        (await Admin.SendAsync("config fields")).ReplyText("✔ CreditLimit", "· Email");
    }

    [Fact]
    public async Task Config_approvals_off_makes_changes_apply_at_once_and_is_recorded()
    {
        (await Admin.SendAsync("config approvals off")).ReplyText("Approvals are off");
        Assert.False((await SettingsAsync()).ApprovalsEnabled);
        (await _host.Clerk.SendAsync("set US-001 CreditLimit=1")).ReplyText("Changed at once: CreditLimit");
        (await Admin.SendAsync("config approvals ON")).ReplyText("Approvals are on");
        (await Admin.SendAsync("config approvals maybe")).ReplyText("Say on or off");
        var changes = await _host.Engine.GetSettingsChangesAsync(new Actor("sample-admin", "Adam Admin", Roles.Admin));
        Assert.Contains(changes, c => c.ActorName == "Adam Admin" && c.Before == "on" && c.After == "off");
    }

    [Fact]
    public async Task Config_import_and_field_change_the_settings()
    {
        (await Admin.SendAsync("config import reject")).ReplyText("Imports now reject changes to approval-enabled fields.");
        Assert.Equal(ImportBehaviour.Reject, (await SettingsAsync()).ImportBehaviour);
        (await Admin.SendAsync("config import sometimes")).ReplyText("Say allow, reject or propose.");

        (await Admin.SendAsync("config field email on")).ReplyText("Email now needs approval.");
        (await _host.Clerk.SendAsync("set US-001 Email=new@contoso.com")).ReplyText("Proposed", "Email");
        (await Admin.SendAsync("config field CreditLimit off")).ReplyText("CreditLimit no longer needs approval");
        Assert.DoesNotContain("CreditLimit", (await SettingsAsync()).ApprovalFields);
        (await Admin.SendAsync("config field Colour on")).ReplyText("Colour");
        (await Admin.SendAsync("config field Email")).ReplyText("Say on or off");
        (await Admin.SendAsync("config colours")).ReplyText("I don't know the setting 'colours'");
    }

    [Fact]
    public async Task Workflow_steps_are_listed_added_edited_and_removed()
    {
        (await Admin.SendAsync("workflow")).ReplyText("1. Finance approval: Arun Approver, Farah Finance");
        (await Admin.SendAsync("workflow step add \"Director sign-off\" adam.admin@example.com")).ReplyText("Added step 2: Director sign-off.");
        (await Admin.SendAsync("workflow approvers 1 farah.finance@example.com")).ReplyText("Step 1 (Finance approval) is now approved by Farah Finance.");
        var steps = (await SettingsAsync()).Steps;
        Assert.Equal(["sample-finance"], steps[0].Approvers);
        Assert.Equal(["sample-admin"], steps[1].Approvers);

        (await Admin.SendAsync("workflow approvers 7 farah.finance@example.com")).ReplyText("Steps are numbered 1 to 2.");
        (await Admin.SendAsync("workflow approvers 1 ghost@nowhere.example")).ReplyText("I haven't met 'ghost@nowhere.example' yet");
        (await Admin.SendAsync("workflow step remove 2")).ReplyText("Removed step 2: Director sign-off.");
        Assert.Single((await SettingsAsync()).Steps);
        (await Admin.SendAsync("workflow templates")).ReplyText("MS-SINGLE-APPROVER", "MS-CREDIT-LIMIT", "MS-BANK-ACCOUNT");
        (await Admin.SendAsync("workflow frobnicate")).ReplyText("I don't know `workflow frobnicate`");
    }

    [Fact]
    public async Task Role_lists_shows_and_sets_roles()
    {
        (await Admin.SendAsync("role")).ReplyText("Chloe Clerk (chloe.clerk@example.com): clerk", "Adam Admin");
        (await Admin.SendAsync("role chloe.clerk@example.com")).ReplyText("Chloe Clerk is clerk.");

        var newcomer = _host.User("aad-newcomer", "Nina Newcomer", "nina@contoso.example");
        (await newcomer.SendAsync("customer US-001")).ReplyText("You don't have a role yet");
        (await Admin.SendAsync("role nina@contoso.example clerk approver")).ReplyText("Nina Newcomer was without a role and is now clerk, approver.");
        (await newcomer.SendAsync("customer US-001")).ReplyText("Contoso Retail");
        (await Admin.SendAsync("role \"Nina Newcomer\" none")).ReplyText("is now without a role");

        (await Admin.SendAsync("role nina@contoso.example boss")).ReplyText("'boss' is not a role");
        (await Admin.SendAsync("role nobody@nowhere.example clerk")).ReplyText("I haven't met 'nobody@nowhere.example' yet", "open the bot");
        (await Admin.SendAsync("role adam.admin@example.com clerk")).ReplyText("You can't take away your own admin role");
    }

    [Fact]
    public async Task A_configured_admin_stays_admin_and_a_new_admin_can_act()
    {
        var boss = _host.User("aad-boss", "Bea Boss", "bea@contoso.example");
        await boss.SendAsync("hi");
        (await Admin.SendAsync("role bea@contoso.example admin")).ReplyText("is now admin");
        (await boss.SendAsync("role adam.admin@example.com none")).ReplyText("They stay an admin because the configuration (Workflow:Admins) names them.");
        (await Admin.SendAsync("config")).ReplyText("Approvals: on");
    }
}
