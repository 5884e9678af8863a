using System.Collections.Concurrent;
using System.Net;
using CustomerWorkflow.Bot.Protocol;
using CustomerWorkflow.Bot.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace CustomerWorkflow.Bot.Tests.Security;

/// <summary>
/// Development without an app id (BOT-PROTOCOL §2.8): no token either way, and since nothing is verified, an
/// activity cannot make the bot send anywhere but this machine. Every outbound request the host makes is recorded.
/// </summary>
public sealed class AnonymousModeTests
{
    [Fact]
    public async Task An_activity_without_a_token_is_taken_and_answered_without_a_token()
    {
        var outbound = new ConcurrentQueue<Uri>();
        await using var host = await StartAsync(outbound);
        Assert.Null(host.Authority);

        var turn = await host.Clerk.SendAsync("set US-001 City=Seattle");

        turn.ReplyText("City Redmond → Seattle");
        Assert.All(turn.Calls, call => Assert.Null(call.Authorization));
        Assert.NotEmpty(outbound);
        Assert.All(outbound, uri => Assert.Equal(new Uri(host.Channel.ServiceUrl).Authority, uri.Authority));
        Assert.Equal("Seattle", (await host.Engine.GetCustomerAsync("US-001")).Customer["City"]);
    }

    [Theory]
    [InlineData("https://evil.example/")]
    [InlineData("https://smba.trafficmanager.net/amer/")]
    [InlineData("http://10.0.0.5:3978/amer/")]
    [InlineData("http://localhost.evil.example/amer/")]
    [InlineData("http://127.0.0.1.evil.example/amer/")]
    [InlineData("not a url")]
    public async Task An_anonymous_activity_whose_serviceUrl_is_not_loopback_is_401_with_no_outbound_call(string serviceUrl)
    {
        var outbound = new ConcurrentQueue<Uri>();
        await using var host = await StartAsync(outbound);
        var before = await NoEffect.CaptureAsync(host);

        var turns = await before.AttackAsync(authorization: null, noAuthorization: true, shape: activity => activity.ServiceUrl = serviceUrl);

        Assert.All(turns, turn => Assert.Equal(HttpStatusCode.Unauthorized, turn.Status));
        Assert.Empty(outbound);
        await before.AssertNothingChangedAsync();
    }

    private static Task<BotTestHost> StartAsync(ConcurrentQueue<Uri> outbound) =>
        BotTestHost.StartAsync(services: services =>
        {
            services.AddHttpClient(BotProtocolServiceCollectionExtensions.ConnectorHttpClient).AddHttpMessageHandler(() => new Recorder(outbound));
            services.AddHttpClient(BotProtocolServiceCollectionExtensions.AuthorityHttpClient).AddHttpMessageHandler(() => new Recorder(outbound));
        });

    private sealed class Recorder(ConcurrentQueue<Uri> requests) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            requests.Enqueue(request.RequestUri!);
            return base.SendAsync(request, cancellationToken);
        }
    }
}
