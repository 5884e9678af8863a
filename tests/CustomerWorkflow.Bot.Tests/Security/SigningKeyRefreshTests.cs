using System.Net;
using CustomerWorkflow.Bot.Tests.Infrastructure;
using CustomerWorkflow.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace CustomerWorkflow.Bot.Tests.Security;

/// <summary>
/// The host's signing keys: an unknown key id makes it look at the authority again (the channel may have rotated its
/// keys), but once for a burst and at most once per five minutes, so forged key ids cannot hammer the authority.
/// The host runs on a hand-moved clock so "five minutes later" needs no waiting.
/// </summary>
public sealed class SigningKeyRefreshTests
{
    private const int Burst = 20;

    [Fact]
    public async Task A_burst_of_unknown_key_ids_triggers_one_metadata_refresh_not_one_per_request()
    {
        var time = new ManualTime(DateTimeOffset.UtcNow);
        await using var host = await BotTestHost.StartAsync(authenticated: true, services: s => s.AddSingleton<TimeProvider>(time));
        var server = host.Authority!.Server;
        (await host.Clerk.SendAsync("customer US-001")).ReplyText("Redmond");
        Assert.Equal(1, server.MetadataHits);

        // Past the minimum refresh interval, so the first unknown kid may refresh; hold that refresh so the whole
        // burst arrives while it is in flight.
        time.Advance(TimeSpan.FromMinutes(6));
        server.HoldMetadata = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var before = await NoEffect.CaptureAsync(host);
        var unknownKid = "Bearer " + ChannelAuthority.Token(key: TestKeys.Other, kid: "rotated-in", serviceUrl: host.Channel.ServiceUrl);
        var burst = Enumerable.Range(0, Burst).Select(_ => Post(host, unknownKid)).ToList();
        await server.MetadataReached.Task.WaitAsync(TimeSpan.FromSeconds(10));
        server.HoldMetadata.SetResult();
        var statuses = await Task.WhenAll(burst);

        Assert.All(statuses, status => Assert.Equal(HttpStatusCode.Unauthorized, status));
        Assert.Equal(2, server.MetadataHits);

        // Another burst within the minimum interval does not reach the authority at all.
        var again = await Task.WhenAll(Enumerable.Range(0, Burst).Select(_ => Post(host, unknownKid)));
        Assert.All(again, status => Assert.Equal(HttpStatusCode.Unauthorized, status));
        Assert.Equal(2, server.MetadataHits);
        await before.AssertNothingChangedAsync();
    }

    [Fact]
    public async Task A_rotated_key_is_found_by_the_refresh_an_unknown_key_id_triggers_once_the_interval_has_passed()
    {
        var time = new ManualTime(DateTimeOffset.UtcNow);
        await using var host = await BotTestHost.StartAsync(authenticated: true, services: s => s.AddSingleton<TimeProvider>(time));
        var server = host.Authority!.Server;
        (await host.Clerk.SendAsync("customer US-001")).ReplyText("Redmond");

        server.PublishKey(TestKeys.Third, "k2", "msteams");
        var rotated = "Bearer " + ChannelAuthority.Token(key: TestKeys.Third, kid: "k2", serviceUrl: host.Channel.ServiceUrl);

        // Within five minutes of the last fetch the cache does not look again, so the new key is not known yet.
        time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(HttpStatusCode.Unauthorized, await Post(host, rotated));
        Assert.Equal(1, server.MetadataHits);

        time.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(HttpStatusCode.OK, await Post(host, rotated));
        Assert.Equal(2, server.MetadataHits);
    }

    private static async Task<HttpStatusCode> Post(BotTestHost host, string authorization)
    {
        var activity = host.NewActivity(host.Clerk);
        activity.Text = "customer US-001";
        using var response = await host.PostAsync(activity, authorization);
        return response.StatusCode;
    }
}
