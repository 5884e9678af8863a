using System.Net;
using CustomerWorkflow.Bot.Protocol.Schema;
using CustomerWorkflow.Bot.Scheduling;
using CustomerWorkflow.Bot.Tests.Infrastructure;
using CustomerWorkflow.Core.People;
using CustomerWorkflow.Core.Proposals;
using CustomerWorkflow.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace CustomerWorkflow.Bot.Tests.Conversations;

/// <summary>
/// The scheduler end to end, over /api/messages, on a clock the test moves: an overdue step escalated into the
/// escalation target's chat (who then approves from that card), reminders, and the daily digest delivered.
/// </summary>
public sealed class SchedulerConversationTests : IAsyncLifetime
{
    private readonly ManualTime _time = new(new DateTimeOffset(2026, 11, 20, 9, 0, 0, TimeSpan.Zero));
    private BotTestHost _host = null!;

    private TestUser Clerk => _host.Clerk;

    private TestUser Arun => _host.Approver;

    private TestUser Farah => _host.Finance;

    private TestUser Admin => _host.Admin;

    public async Task InitializeAsync()
    {
        // The background loop is off: the test runs each pass itself, after moving the clock.
        _host = await BotTestHost.StartAsync(
            settings: new Dictionary<string, string?> { ["Scheduler:Enabled"] = "false" },
            services: s => s.AddSingleton<TimeProvider>(_time));
        await Clerk.SendAsync("hi");
        await Arun.SendAsync("hi");
        await Farah.SendAsync("hi");
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    /// <summary>One scheduler pass, as the background service runs it, and everything the bot sent because of it.</summary>
    private async Task<IReadOnlyList<ChannelCall>> SchedulerPassAsync()
    {
        var before = _host.Channel.Sequence;
        await _host.Services.GetRequiredService<SchedulerService>().RunOnceAsync();
        await _host.WhenDeliveredAsync();
        return _host.Channel.CallsSince(before);
    }

    private static IReadOnlyList<Activity> SentTo(IEnumerable<ChannelCall> calls, TestUser user) =>
        [.. calls.Where(c => c.ConversationId == user.ConversationId && c.Kind is "send" or "reply" && c.Activity is not null).Select(c => c.Activity!)];

    [Fact]
    public async Task An_overdue_step_is_escalated_into_the_targets_chat_and_the_target_approves_from_that_card()
    {
        var esther = _host.User("aad-esther", "Esther Escalation");
        await esther.SendAsync("hi");
        await Admin.SendAsync("role esther.escalation@example.com approver");
        (await Admin.SendAsync("workflow due 1 2d escalate esther.escalation@example.com"))
            .ReplyText("Step 1 (Finance approval) is now due 2d after it starts; then it goes to Esther Escalation in place of whoever has not decided");
        (await Admin.SendAsync("workflow")).ReplyText("Finance approval: Arun Approver, Farah Finance (single approver, due in 2d, then escalate to Esther Escalation)");
        await Clerk.SendAsync("set US-001 CreditLimit=300000");
        var submit = await Clerk.SendAsync("submit US-001 \"bigger orders\"");
        submit.ReplyText("due 2026-11-22 09:00 UTC");
        var toArun = Assert.Single(submit.SentTo(Arun));

        _time.Advance(TimeSpan.FromDays(1));
        Assert.Empty(await SchedulerPassAsync());
        _time.Advance(TimeSpan.FromDays(1) + TimeSpan.FromMinutes(1));
        var calls = await SchedulerPassAsync();

        var escalated = Assert.Single(SentTo(calls, esther));
        Assert.Equal("Escalated to you: Chloe Clerk's changes to US-001 Contoso Retail (proposal US-001-P1) wait for approval; step 1 (Finance approval) was due 2026-11-22 09:00 UTC and nobody decided. Type `approve US-001-P1` or `inbox`.", escalated.Text);
        Assert.NotNull(TestUser.FindExecute(BotTestHost.CardOf(escalated), "Approve"));
        Assert.Empty(SentTo(calls, Arun));
        // The cards Arun and Farah got now say whom it waits for, without buttons for them.
        var arunsCard = BotTestHost.CardOf(Assert.Single(calls, c => c.Kind == "update" && c.ConversationId == Arun.ConversationId).Activity!);
        Assert.Contains("Waiting for Esther Escalation", CardTexts.Of(arunsCard), StringComparison.Ordinal);
        Assert.Null(TestUser.FindExecute(arunsCard, "Approve"));
        // A click on Arun's old card acts no more.
        var late = await Arun.ClickAsync(toArun, "Approve");
        Assert.Contains("has changed since this was shown to you", CardTexts.Of(late.InvokeBody["value"]), StringComparison.Ordinal);

        var click = await esther.ClickAsync(escalated, "Approve");

        Assert.Equal(HttpStatusCode.OK, click.Status);
        Assert.Contains("Approved and applied by Esther Escalation", CardTexts.Of(click.InvokeBody["value"]), StringComparison.Ordinal);
        Assert.Single(click.SentTo(Clerk));
        (await Clerk.SendAsync("history US-001")).ReplyText("System escalated the step", "sample-approver, sample-finance → aad-esther");
    }

    [Fact]
    public async Task A_reminder_reaches_the_undecided_approvers_again_and_the_step_is_due_again()
    {
        await Admin.SendAsync("workflow due 1 1d remind");
        await Clerk.SendAsync("set US-001 CreditLimit=300000");
        await Clerk.SendAsync("submit US-001");
        await Arun.SendAsync("notify me daily");

        _time.Advance(TimeSpan.FromDays(1));
        var calls = await SchedulerPassAsync();

        // Reminders come at once, whatever someone's notification setting.
        foreach (var approver in new[] { Arun, Farah })
        {
            var reminder = Assert.Single(SentTo(calls, approver));
            Assert.StartsWith("Reminder: Chloe Clerk's changes to US-001 Contoso Retail (proposal US-001-P1) wait for your approval; step 1 (Finance approval) was due 2026-11-21 09:00 UTC.", reminder.Text, StringComparison.Ordinal);
            Assert.Contains("due 2026-11-22 09:00 UTC", CardTexts.Of(BotTestHost.CardOf(reminder)), StringComparison.Ordinal);
        }

        (await Clerk.SendAsync("mine")).ReplyText("due 2026-11-22 09:00 UTC");
        Assert.Empty(await SchedulerPassAsync());
    }

    [Fact]
    public async Task A_reminder_hands_the_place_of_an_approver_who_went_away_meanwhile_to_their_substitute()
    {
        var sam = _host.User("aad-sam", "Sam Substitute");
        await sam.SendAsync("hi");
        await Admin.SendAsync("role sam.substitute@example.com approver");
        await Admin.SendAsync("workflow due 1 1d remind");
        await Clerk.SendAsync("set US-001 CreditLimit=300000");
        await Clerk.SendAsync("submit US-001");
        (await Arun.SendAsync("substitute sam.substitute@example.com until 2026-11-30")).ReplyText("You are away until 2026-11-30 00:00 UTC");

        _time.Advance(TimeSpan.FromDays(1));
        var calls = await SchedulerPassAsync();

        var toSam = Assert.Single(SentTo(calls, sam));
        Assert.Equal("Chloe Clerk's changes to US-001 Contoso Retail (proposal US-001-P1) wait for your approval in place of Arun Approver, who is away until 2026-11-30 00:00 UTC; step 1 (Finance approval) was due 2026-11-21 09:00 UTC. Type `approve US-001-P1` or `inbox`.", toSam.Text);
        Assert.StartsWith("Reminder:", Assert.Single(SentTo(calls, Farah)).Text, StringComparison.Ordinal);
        Assert.Empty(SentTo(calls, Arun));
        (await sam.SendAsync("approve US-001-P1")).ReplyText("Approved: proposal US-001-P1 is applied");
    }

    [Fact]
    public async Task An_overdue_step_rejected_automatically_tells_the_submitter_why()
    {
        await Admin.SendAsync("workflow due 1 36h reject");
        await Clerk.SendAsync("set US-001 CreditLimit=300000");
        await Clerk.SendAsync("submit US-001");

        _time.Advance(TimeSpan.FromHours(36));
        var calls = await SchedulerPassAsync();

        var notice = Assert.Single(SentTo(calls, Clerk));
        Assert.Equal("Your changes to US-001 Contoso Retail (proposal US-001-P1) were rejected automatically: step 1 (Finance approval) is overdue since 2026-11-21 21:00 UTC.", notice.Text);
        Assert.Contains("Rejected automatically on 2026-11-21 21:00 UTC: it was overdue", CardTexts.Of(BotTestHost.CardOf(notice)), StringComparison.Ordinal);
        Assert.Equal(ProposalStatus.Rejected, (await _host.Engine.GetProposalAsync("US-001-P1")).Status);
    }

    [Fact]
    public async Task The_daily_digest_is_delivered_at_the_digest_hour_listing_what_waits_and_what_was_decided()
    {
        (await Arun.SendAsync("notify me daily")).ReplyText("You now get one daily digest at 08:00 UTC");
        await Clerk.SendAsync("notify me daily");
        await Clerk.SendAsync("set US-001 CreditLimit=300000");
        var first = await Clerk.SendAsync("submit US-001 \"bigger orders\"");
        await Clerk.SendAsync("set US-002 CreditLimit=150000");
        await Clerk.SendAsync("submit US-002");
        var decided = await Farah.SendAsync("approve US-002-P1");

        // Arun's approval requests and the clerk's outcome wait for their digests; Farah's came at once.
        Assert.Empty(first.SentTo(Arun));
        Assert.Single(first.SentTo(Farah));
        Assert.Empty(decided.SentTo(Clerk));
        var held = await _host.Services.GetRequiredService<IDeliveryStore>().ListNoticesAsync("US-001");
        Assert.Contains(held, n => n.UserId == "sample-approver" && n.Detail == "held for their daily digest of 2026-11-21 08:00 UTC");

        _time.Now = new DateTimeOffset(2026, 11, 21, 7, 59, 0, TimeSpan.Zero);
        Assert.Empty(await SchedulerPassAsync());
        _time.Now = new DateTimeOffset(2026, 11, 21, 8, 0, 0, TimeSpan.Zero);
        var calls = await SchedulerPassAsync();

        var digest = Assert.Single(SentTo(calls, Arun)).Text;
        Assert.Equal(
            """
            **Your daily digest** of 2026-11-21 08:00 UTC: 1 approval waiting for you, 0 decisions on your proposals.

            **Waiting for your approval (1)**
            - **US-001-P1** US-001 Contoso Retail: CreditLimit 250000.00 → 300000.00 — from Chloe Clerk, since 2026-11-20 09:00 UTC, due 2026-11-22 09:00 UTC. `approve US-001-P1` · `reject US-001-P1 <reason>`

            1 more request was decided by others before this digest.

            Type `inbox` for the approval cards, or `notify me at once` to get each notice as it happens.
            """.ReplaceLineEndings("\n"), digest);
        var clerks = Assert.Single(SentTo(calls, Clerk)).Text;
        Assert.Contains("0 approvals waiting for you, 1 decision on your proposals.", clerks, StringComparison.Ordinal);
        Assert.Contains("**Decisions on your proposals (1)**\n- Your changes to US-002 Fabrikam Inc. (proposal US-002-P1) were approved and applied. `history US-002`", clerks, StringComparison.Ordinal);
        Assert.Empty(SentTo(calls, Farah));

        // One digest a day: nothing more until something new is held.
        _time.Advance(TimeSpan.FromDays(1));
        Assert.Empty(await SchedulerPassAsync());
    }
}
