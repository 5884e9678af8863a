using System.Net;
using CustomerWorkflow.Bot.Protocol.Connector;
using CustomerWorkflow.Bot.Protocol.Schema;
using CustomerWorkflow.Bot.Tests.Infrastructure;
using CustomerWorkflow.Testing;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Stopwatch = System.Diagnostics.Stopwatch;

namespace CustomerWorkflow.Bot.Tests.Security;

/// <summary>
/// Bot → channel through the real host (BOT-PROTOCOL §3): the client-credentials token comes from the configured
/// authority and is cached; it goes only to serviceUrls that arrived on authenticated activities; throttling is
/// retried honouring Retry-After, refusals are not.
/// </summary>
public sealed class OutboundTests
{
    private const string BotToken = "Bearer outbound-token";

    [Fact]
    public async Task The_token_is_asked_once_from_the_configured_authority_with_the_channel_scope_and_reused_across_turns()
    {
        await using var host = await BotTestHost.StartAsync(authenticated: true);

        (await host.Clerk.SendAsync("customer US-001")).ReplyText("Redmond");
        (await host.Clerk.SendAsync("help")).ReplyText("set");
        Assert.NotEmpty((await host.Approver.SendAsync("inbox")).Replies);

        var request = Assert.Single(host.TokenServer!.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal("/tenant-1/oauth2/v2.0/token", request.RawTarget);
        Assert.Null(request.Authorization);
        var form = QueryHelpers.ParseQuery(request.Body);
        Assert.Equal("client_credentials", form["grant_type"]);
        Assert.Equal(ChannelAuthority.AppId, form["client_id"]);
        Assert.Equal("test-secret", form["client_secret"]);
        Assert.Equal("https://api.botframework.com/.default", form["scope"]);
        Assert.True(host.Channel.Calls.Count >= 3, "the replies of three turns");
        Assert.All(host.Channel.Calls, call => Assert.Equal(BotToken, call.Authorization));
    }

    [Fact]
    public async Task The_token_goes_only_to_serviceUrls_that_arrived_on_authenticated_activities()
    {
        await using var host = await BotTestHost.StartAsync(authenticated: true);
        await using var elsewhere = await FakeChannel.StartAsync(https: true);
        var connector = host.Services.GetRequiredService<ConnectorClient>();

        // Nothing authenticated has arrived yet: even the real channel's URL gets no token, and none is asked for.
        await SendAsync(connector, host.Channel.ServiceUrl);
        Assert.Null(Assert.Single(host.Channel.Calls).Authorization);
        Assert.Empty(host.TokenServer!.Requests);

        // An activity naming another serviceUrl, with a token for that URL but a forged signature, is refused and
        // does not make that URL trusted.
        var forged = host.NewActivity(host.Clerk);
        forged.Text = "customer US-001";
        forged.ServiceUrl = elsewhere.ServiceUrl;
        var refused = await host.Clerk.PostAsync(forged, "Bearer " + ChannelAuthority.Token(key: TestKeys.Other, serviceUrl: elsewhere.ServiceUrl));
        Assert.Equal(HttpStatusCode.Unauthorized, refused.Status);
        await SendAsync(connector, elsewhere.ServiceUrl);
        Assert.Null(Assert.Single(elsewhere.Calls).Authorization);

        // An authenticated activity makes its own serviceUrl trusted, and only that one.
        var turn = await host.Clerk.SendAsync("customer US-001");
        turn.ReplyText("Redmond");
        Assert.All(turn.Calls, call => Assert.Equal(BotToken, call.Authorization));
        var before = host.Channel.Sequence;
        await SendAsync(connector, host.Channel.ServiceUrl);
        Assert.Equal(BotToken, Assert.Single(host.Channel.CallsSince(before)).Authorization);
        await SendAsync(connector, elsewhere.ServiceUrl);
        Assert.All(elsewhere.Calls, call => Assert.Null(call.Authorization));
        Assert.Equal(2, elsewhere.Calls.Count);
    }

    [Fact]
    public async Task A_429_with_Retry_After_is_retried_after_the_asked_delay_and_the_reply_arrives()
    {
        await using var host = await BotTestHost.StartAsync(authenticated: true);
        (await host.Clerk.SendAsync("hi")).ReplyText("help");
        host.Channel.RetryAfterSeconds = 2;
        host.Channel.Throttle(1);

        var clock = Stopwatch.StartNew();
        var turn = await host.Clerk.SendAsync("customer US-001");
        clock.Stop();

        turn.ReplyText("Redmond");
        Assert.Equal(["throttled", "reply"], turn.Calls.Select(c => c.Kind));
        Assert.All(turn.Calls, call => Assert.Equal(BotToken, call.Authorization));
        // The default backoff would be 1 to 1.5 s; waiting at least the 2 s asked shows Retry-After was honoured.
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(1.9), $"retried after {clock.Elapsed}");
    }

    [Fact]
    public async Task A_403_is_not_retried()
    {
        await using var host = await BotTestHost.StartAsync(authenticated: true);
        (await host.Clerk.SendAsync("hi")).ReplyText("help");
        host.Channel.Refuse(1);

        var turn = await host.Clerk.SendAsync("customer US-001");

        // The refused reply is not sent again (a retry would now succeed); the user gets the turn-error apology instead.
        Assert.Equal(HttpStatusCode.OK, turn.Status);
        Assert.Equal(1, turn.Calls.Count(c => c.Kind == "refused"));
        Assert.DoesNotContain(turn.Replies, reply => reply.Text?.Contains("Redmond", StringComparison.Ordinal) == true);
        Assert.Contains("something went wrong", turn.Reply.Text, StringComparison.OrdinalIgnoreCase);
    }

    private static Task SendAsync(ConnectorClient connector, string serviceUrl) =>
        connector.SendToConversationAsync(serviceUrl, "a:probe", new Activity { Type = ActivityTypes.Message, Text = "probe" }, CancellationToken.None);
}
