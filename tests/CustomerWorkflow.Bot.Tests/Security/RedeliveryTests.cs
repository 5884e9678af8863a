using System.Net;
using CustomerWorkflow.Bot.Protocol.Hosting;
using CustomerWorkflow.Bot.Protocol.Schema;
using CustomerWorkflow.Bot.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace CustomerWorkflow.Bot.Tests.Security;

/// <summary>
/// The channel redelivers an activity (the same id) when it did not get its acknowledgement in time; a redelivery must
/// have no second effect, whether it comes after the first, alongside it, or to another instance of the bot.
/// </summary>
public sealed class RedeliveryTests
{
    [Fact]
    public async Task A_redelivered_submit_answers_once_and_submits_once()
    {
        await using var host = await BotTestHost.StartAsync(authenticated: true);
        await ProposeAsync(host);
        var submit = Activity(host, "submit US-001 \"bigger order volume\"");

        var first = await host.Clerk.PostAsync(submit);
        var again = await host.Clerk.PostAsync(submit);

        first.ReplyText("Submitted proposal US-001-P1");
        Assert.Single(first.SentTo(host.Approver));
        Assert.Equal(HttpStatusCode.OK, again.Status);
        Assert.Empty(again.Calls);
        Assert.Equal("US-001-P1", (await host.Engine.GetCustomerAsync("US-001")).OpenProposal?.Id);

        // The same words under a new id are a new turn, and do answer: what the redelivery would have said.
        Assert.NotEmpty((await host.Clerk.SendAsync("submit US-001 \"bigger order volume\"")).Replies);
    }

    [Fact]
    public async Task A_redelivered_set_does_not_undo_a_later_change()
    {
        await using var host = await BotTestHost.StartAsync(authenticated: true);
        var toX = Activity(host, "set US-001 City=Xanadu");

        (await host.Clerk.PostAsync(toX)).ReplyText("Redmond → Xanadu");
        (await host.Clerk.SendAsync("set US-001 City=Yonkers")).ReplyText("Xanadu → Yonkers");
        var again = await host.Clerk.PostAsync(toX);

        Assert.Equal(HttpStatusCode.OK, again.Status);
        Assert.Empty(again.Calls);
        Assert.Equal("Yonkers", (await host.Engine.GetCustomerAsync("US-001")).Customer["City"]);
    }

    [Fact]
    public async Task Two_concurrent_deliveries_of_one_submit_have_one_effect()
    {
        await using var host = await BotTestHost.StartAsync(authenticated: true);
        await ProposeAsync(host);
        var submit = Activity(host, "submit US-001");
        var sequence = host.Channel.Sequence;

        var turns = await Task.WhenAll(host.Clerk.PostAsync(submit), host.Clerk.PostAsync(submit));

        Assert.All(turns, turn => Assert.Equal(HttpStatusCode.OK, turn.Status));
        var calls = host.Channel.CallsSince(sequence);
        var toClerk = calls.Where(c => c.ConversationId == host.Clerk.ConversationId && c.Activity is not null).ToList();
        var reply = Assert.Single(toClerk);
        Assert.Contains("Submitted proposal US-001-P1", reply.Activity!.Text, StringComparison.Ordinal);
        Assert.Single(calls, c => c.ConversationId == host.Approver.ConversationId && c.Activity is not null);
    }

    [Fact]
    public async Task Two_concurrent_deliveries_of_one_card_action_answer_alike_and_decide_once()
    {
        await using var host = await BotTestHost.StartAsync(authenticated: true);
        await ProposeAsync(host);
        var notice = Assert.Single((await host.Clerk.SendAsync("submit US-001")).SentTo(host.Approver));
        var sequence = host.Channel.Sequence;
        var click = ApproveClick(host, notice);

        var turns = await Task.WhenAll(host.Approver.PostAsync(click), host.Approver.PostAsync(click));

        Assert.All(turns, turn => Assert.Equal(HttpStatusCode.OK, turn.Status));
        Assert.Equal(turns[0].Body, turns[1].Body);
        Assert.Contains("US-001-P1", turns[0].Body, StringComparison.Ordinal);
        Assert.Single(host.Channel.CallsSince(sequence), c => c.ConversationId == host.Clerk.ConversationId && c.Activity is not null);
        var customer = await host.Engine.GetCustomerAsync("US-001");
        Assert.Null(customer.OpenProposal);
        Assert.Equal("300000.00", customer.Customer["CreditLimit"]);
    }

    [Fact]
    public async Task Another_instance_without_this_ones_memory_is_stopped_by_the_stores_claim()
    {
        // Each instance remembers only its own deliveries; the shared store's claim must stop the second effect.
        await using var host = await BotTestHost.StartAsync(authenticated: true, services: s => s.AddSingleton<IActivityDeduplicator, ForgetfulDeduplicator>());
        await ProposeAsync(host);
        var submit = Activity(host, "submit US-001");

        var first = await host.Clerk.PostAsync(submit);
        var again = await host.Clerk.PostAsync(submit);

        first.ReplyText("Submitted proposal US-001-P1");
        Assert.Equal(HttpStatusCode.OK, again.Status);
        again.AssertNoReplies();
        Assert.Empty(again.SentTo(host.Approver));
    }

    private static async Task ProposeAsync(BotTestHost host)
    {
        // Both approvers have met the bot, so the submit notifies them instead of adding an "I couldn't notify" reply.
        (await host.Approver.SendAsync("hi")).ReplyText("help");
        (await host.Finance.SendAsync("hi")).ReplyText("help");
        (await host.Clerk.SendAsync("set US-001 CreditLimit=300000")).ReplyText("CreditLimit 250000.00 → 300000.00");
    }

    private static Activity Activity(BotTestHost host, string text)
    {
        var activity = host.NewActivity(host.Clerk);
        activity.Text = text;
        return activity;
    }

    /// <summary>The invoke the approver's card sends for Approve, built once so both deliveries carry the same id.</summary>
    private static Activity ApproveClick(BotTestHost host, Activity notice)
    {
        var card = BotTestHost.CardOf(notice);
        var approve = card["actions"]!.AsArray().Select(a => a!.AsObject()).First(a => (string?)a["verb"] == "approve");
        var click = host.NewActivity(host.Approver, ActivityTypes.Invoke);
        click.Name = InvokeNames.AdaptiveCardAction;
        click.Value = System.Text.Json.JsonSerializer.SerializeToElement(new
        {
            action = new { type = "Action.Execute", verb = "approve", data = approve["data"] },
            trigger = "manual",
        });
        return click;
    }

    /// <summary>Another instance's view: it has never seen any delivery.</summary>
    private sealed class ForgetfulDeduplicator : IActivityDeduplicator
    {
        public bool TryBegin(string key, out Task<InvokeResponse?> first)
        {
            first = Task.FromResult<InvokeResponse?>(null);
            return true;
        }

        public void Complete(string key, InvokeResponse? response)
        {
        }

        public void Abandon(string key)
        {
        }
    }
}
