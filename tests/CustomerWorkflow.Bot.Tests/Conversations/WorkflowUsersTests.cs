using CustomerWorkflow.Bot.Tests.Infrastructure;
using CustomerWorkflow.Core.Proposals;
using CustomerWorkflow.Core.Settings;
using CustomerWorkflow.Testing;

namespace CustomerWorkflow.Bot.Tests.Conversations;

/// <summary>
/// The workflow users by chat: substitutes set by hand (by the person, or an admin for them) and through Outlook's
/// automatic replies in Microsoft Graph, notification settings, and an admin setting a step's due time and overdue action.
/// </summary>
public sealed class WorkflowUsersTests : IAsyncLifetime
{
    private BotTestHost _host = null!;

    private TestUser Clerk => _host.Clerk;

    private TestUser Arun => _host.Approver;

    private TestUser Farah => _host.Finance;

    private TestUser Admin => _host.Admin;

    private TestUser Sam => _host.User("aad-sam", "Sam Substitute");

    public async Task InitializeAsync()
    {
        _host = await BotTestHost.StartAsync();
        foreach (var user in new[] { Clerk, Arun, Farah, Sam })
        {
            await user.SendAsync("hi");
        }

        await Admin.SendAsync("role sam.substitute@example.com approver");
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task An_approver_away_by_hand_has_new_approvals_routed_to_their_substitute()
    {
        (await Arun.SendAsync("substitute")).ReplyText("You have no substitute");
        (await Arun.SendAsync("substitute sam.substitute@example.com until 2099-12-01"))
            .ReplyText("You are away until 2099-12-01 00:00 UTC: Sam Substitute takes over approval steps that start meanwhile");
        (await Arun.SendAsync("substitute")).ReplyText("You are away until 2099-12-01 00:00 UTC; Sam Substitute takes over your approvals meanwhile.");
        await Clerk.SendAsync("set US-001 CreditLimit=300000");

        var submit = await Clerk.SendAsync("submit US-001");

        submit.ReplyText("waits for Sam Substitute, Farah Finance");
        Assert.Empty(submit.SentTo(Arun));
        var toSam = Assert.Single(submit.SentTo(Sam));
        Assert.Contains("Chloe Clerk asks for your approval", toSam.Text, StringComparison.Ordinal);
        (await Clerk.SendAsync("history US-001")).ReplyText("System routed to a substitute", "routed to Sam Substitute: Arun Approver is away until 2099-12-01 00:00 UTC");

        var approve = await Sam.ClickAsync(toSam, "Approve");

        Assert.Contains("Approved and applied by Sam Substitute", CardTexts.Of(approve.InvokeBody["value"]), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Back_early_with_substitute_none_and_approvals_stay_with_the_approver()
    {
        await Arun.SendAsync("substitute sam.substitute@example.com until 2099-12-01");

        (await Arun.SendAsync("substitute none")).ReplyText("You have no substitute now: approvals stay with you.");
        await Clerk.SendAsync("set US-001 CreditLimit=300000");
        var submit = await Clerk.SendAsync("submit US-001");

        Assert.Single(submit.SentTo(Arun));
        Assert.Empty(submit.SentTo(Sam));
    }

    [Fact]
    public async Task An_admin_sets_someone_elses_substitute_and_nobody_else_may()
    {
        (await Farah.SendAsync("substitute sam.substitute@example.com for arun.approver@example.com"))
            .ReplyText("Only admins can change other people's substitutes.");

        (await Admin.SendAsync("substitute sam.substitute@example.com for arun.approver@example.com until 2099-01-31T17:00"))
            .ReplyText("Arun Approver is away until 2099-01-31 17:00 UTC: Sam Substitute takes over");

        var arun = await _host.Users.GetUserAsync("sample-approver");
        Assert.Equal(("aad-sam", new DateTimeOffset(2099, 1, 31, 17, 0, 0, TimeSpan.Zero)), (arun!.SubstituteId, arun.AwayUntil));
    }

    public static TheoryData<string, string> WrongSubstitutes() => new()
    {
        { "substitute arun.approver@example.com", "A substitute is someone else" },
        { "substitute nobody@example.com", "I haven't met 'nobody@example.com' yet" },
        { "substitute sam.substitute@example.com until tomorrow", "'tomorrow' is not a date; write it like 2026-12-01" },
        { "substitute sam.substitute@example.com until 2001-01-01", "The date you are away until has passed already" },
        { "substitute sam.substitute@example.com please", "I don't understand 'please' there." },
    };

    [Theory]
    [MemberData(nameof(WrongSubstitutes))]
    public async Task Wrong_substitute_input_gets_a_specific_answer_and_changes_nothing(string command, string answer)
    {
        (await Arun.SendAsync(command)).ReplyText(answer);

        Assert.Null((await _host.Users.GetUserAsync("sample-approver"))!.SubstituteId);
    }

    [Fact]
    public async Task Notify_shows_and_changes_how_someone_is_told()
    {
        (await Arun.SendAsync("notify")).ReplyText("You get each notice as it happens.");
        (await Arun.SendAsync("notify me daily")).ReplyText("You now get one daily digest at 08:00 UTC", "Reminders and escalations still come at once.");
        (await Arun.SendAsync("notify")).ReplyText("You get one daily digest at 08:00 UTC.");
        (await Arun.SendAsync("notify me sometimes")).ReplyText("Say `notify me at once` or `notify me daily`.");

        (await Arun.SendAsync("notify me at once")).ReplyText("You now get each notice as it happens.");

        Assert.Equal(Core.People.NotificationPreference.AtOnce, (await _host.Users.GetUserAsync("sample-approver"))!.Notify);
    }

    [Fact]
    public async Task Help_lists_the_workflow_user_commands_for_every_role()
    {
        foreach (var user in new[] { Clerk, Arun, Admin })
        {
            (await user.SendAsync("help")).ReplyText("`substitute", "`notify");
        }

        (await Admin.SendAsync("help")).ReplyText("due <n> <duration> [remind | escalate <user> | approve | reject]");
    }

    public static TheoryData<string, string> DueCommands() => new()
    {
        { "workflow due 1 2d", "Step 1 (Finance approval) is now due 2d after it starts; nothing more happens when it is overdue" },
        { "workflow due 1 1d12h remind", "is now due 1d 12h after it starts; then its undecided approvers are reminded, again every 1d 12h until someone decides" },
        { "workflow due 1 90m approve", "is now due 1h 30m after it starts; then the system approves it in place of whoever has not decided" },
        { "workflow due 1 3d reject", "then the system rejects it, and so the proposal" },
        { "workflow due 1 none", "Step 1 (Finance approval) has no due time now." },
        { "workflow due 1 banana", "'banana' is not a due time; write it like 2d, 36h, 90m or 1d12h" },
        { "workflow due 1 0m", "'0m' is not a due time" },
        { "workflow due 1 2d escalate", "Say whom to escalate to" },
        { "workflow due 1 2d shout", "When it is overdue: remind, escalate <user>, approve or reject, not 'shout'." },
        { "workflow due 7 2d", "Steps are numbered 1 to 1." },
        { "workflow due 1 2d escalate nobody@example.com", "I haven't met 'nobody@example.com' yet" },
    };

    [Theory]
    [MemberData(nameof(DueCommands))]
    public async Task An_admin_sets_a_steps_due_time_and_overdue_action(string command, string answer)
    {
        (await Admin.SendAsync(command)).ReplyText(answer);
    }

    [Fact]
    public async Task The_due_time_and_overdue_action_are_kept_in_the_settings_and_a_clerk_may_not_set_them()
    {
        (await Clerk.SendAsync("workflow due 1 2d remind")).ReplyText("`workflow` is for admins");

        await Admin.SendAsync("workflow due 1 2d escalate sam.substitute@example.com");

        var step = (await _host.Engine.GetSettingsAsync()).Settings.Steps[0];
        Assert.Equal((TimeSpan.FromDays(2), OverdueAction.Escalate, "aad-sam"), (step.DueIn, step.OnOverdue, step.EscalateTo));
        (await Admin.SendAsync("config")).ReplyText("due in 2d, then escalate to Sam Substitute");
    }
}

/// <summary>Out of office from Microsoft Graph: an approver whose automatic replies are on is routed to their substitute.</summary>
public sealed class OutOfOfficeTests : IAsyncLifetime
{
    private FakeGraph _graph = null!;

    public async Task InitializeAsync()
    {
        _graph = await FakeGraph.StartAsync();
        _graph.AddUser("sample-approver", "Arun Approver");
        _graph.AddUser("sample-finance", "Farah Finance");
        _graph.AddUser("sample-clerk", "Chloe Clerk");
        _graph.AddUser("aad-sam", "Sam Substitute");
    }

    public async Task DisposeAsync() => await _graph.DisposeAsync();

    [Fact]
    public async Task An_approver_whose_automatic_replies_are_on_has_the_approval_routed_to_their_substitute()
    {
        await using var host = await BotTestHost.StartAsync(authenticated: true, settings: new Dictionary<string, string?>
        {
            ["Graph:Enabled"] = "true",
            ["Graph:BaseUrl"] = _graph.BaseUrl.ToString(),
            ["Teams:CatalogAppId"] = _graph.CatalogAppId,
        });
        var sam = host.User("aad-sam", "Sam Substitute");
        foreach (var user in new[] { host.Clerk, host.Approver, host.Finance, sam })
        {
            await user.SendAsync("hi");
        }

        await host.Admin.SendAsync("role sam.substitute@example.com approver");
        (await host.Approver.SendAsync("substitute sam.substitute@example.com")).ReplyText("Sam Substitute takes over your approvals while you are away: while your out-of-office (automatic replies) is on");
        _graph.SetAutomaticReplies("sample-approver", "scheduled", "2020-01-01T00:00:00", "2099-01-08T00:00:00");
        await host.Clerk.SendAsync("set US-001 CreditLimit=300000");

        var submit = await host.Clerk.SendAsync("submit US-001");

        submit.ReplyText("waits for Sam Substitute, Farah Finance");
        Assert.Single(submit.SentTo(sam));
        Assert.Empty(submit.SentTo(host.Approver));
        (await host.Clerk.SendAsync("history US-001")).ReplyText("routed to Sam Substitute: Arun Approver is out of office until 2099-01-08 00:00 UTC");
        // Asked for the approver who named a substitute, and for the substitute (is he in?); never for Farah, who named none.
        Assert.Contains(_graph.Calls, c => c.Path == "/v1.0/users/sample-approver/mailboxSettings/automaticRepliesSetting");
        Assert.Contains(_graph.Calls, c => c.Path == "/v1.0/users/aad-sam/mailboxSettings/automaticRepliesSetting");
        Assert.DoesNotContain(_graph.Calls, c => c.Path == "/v1.0/users/sample-finance/mailboxSettings/automaticRepliesSetting");
    }
}
