using CustomerWorkflow.Bot.Protocol.Authentication;
using CustomerWorkflow.Testing;

namespace CustomerWorkflow.Bot.Protocol.Tests.Authentication;

/// <summary>How often the authority is asked for keys; each case has its own authority so the counts are its own.</summary>
public class SigningKeyCacheTests
{
    private static Task<BotAuthenticationResult> Authenticate(ChannelAuthority authority, string token) =>
        authority.Validator.AuthenticateAsync("Bearer " + token, ChannelAuthority.Activity(), CancellationToken.None);

    private static async Task WarmUp(ChannelAuthority authority)
    {
        var result = await Authenticate(authority, ChannelAuthority.Token());
        Assert.True(result.Succeeded, result.FailureReason);
        Assert.Equal(1, authority.Server.MetadataHits);
        Assert.Equal(1, authority.Server.KeysHits);
    }

    [Fact]
    public async Task KnownKid_IsServedFromTheCache()
    {
        await using var authority = await ChannelAuthority.StartAsync();
        await WarmUp(authority);

        for (var i = 0; i < 10; i++)
        {
            Assert.True((await Authenticate(authority, ChannelAuthority.Token())).Succeeded);
        }

        Assert.Equal(1, authority.Server.MetadataHits);
        Assert.Equal(1, authority.Server.KeysHits);
    }

    [Fact]
    public async Task UnknownKid_FromManyConcurrentRequests_TriggersExactlyOneRefresh()
    {
        // No rate limit here, so only the shared fetch can keep the count at one.
        await using var authority = await ChannelAuthority.StartAsync(new SigningKeyCacheOptions { MinimumRefreshInterval = TimeSpan.Zero });
        await WarmUp(authority);
        var hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        authority.Server.HoldMetadata = hold;
        var forged = ChannelAuthority.Token(key: TestKeys.Other, kid: "never-published");

        var requests = Enumerable.Range(0, 25).Select(_ => Authenticate(authority, forged)).ToList();
        await authority.Server.MetadataReached.Task;
        hold.SetResult();
        var results = await Task.WhenAll(requests);

        Assert.All(results, result => Assert.Contains("unknown", result.FailureReason, StringComparison.Ordinal));
        Assert.Equal(2, authority.Server.MetadataHits);
        Assert.Equal(2, authority.Server.KeysHits);
    }

    [Fact]
    public async Task UnknownKid_IsLookedUpAtMostOncePerInterval()
    {
        var time = new ManualTime(DateTimeOffset.UtcNow);
        await using var authority = await ChannelAuthority.StartAsync(new SigningKeyCacheOptions { MinimumRefreshInterval = TimeSpan.FromMinutes(5) }, time);
        await WarmUp(authority);
        var forged = ChannelAuthority.Token(key: TestKeys.Other, kid: "never-published");

        for (var i = 0; i < 10; i++)
        {
            Assert.False((await Authenticate(authority, forged)).Succeeded);
        }

        // The warm-up fetch was moments ago, so the rate limit allowed no lookup at all.
        Assert.Equal(1, authority.Server.MetadataHits);

        time.Advance(TimeSpan.FromMinutes(6));
        for (var i = 0; i < 10; i++)
        {
            Assert.False((await Authenticate(authority, forged)).Succeeded);
        }

        Assert.Equal(2, authority.Server.MetadataHits);
    }

    [Fact]
    public async Task RotatedKey_IsFoundByTheUnknownKidRefresh()
    {
        await using var authority = await ChannelAuthority.StartAsync(new SigningKeyCacheOptions { MinimumRefreshInterval = TimeSpan.Zero });
        await WarmUp(authority);
        authority.Server.PublishKey(TestKeys.Third, "rotated", "msteams");

        var result = await Authenticate(authority, ChannelAuthority.Token(key: TestKeys.Third, kid: "rotated"));

        Assert.True(result.Succeeded, result.FailureReason);
        Assert.Equal(2, authority.Server.MetadataHits);
    }

    [Fact]
    public async Task Keys_AreRefreshedAfterTheRefreshInterval()
    {
        var time = new ManualTime(DateTimeOffset.UtcNow);
        await using var authority = await ChannelAuthority.StartAsync(new SigningKeyCacheOptions { RefreshInterval = TimeSpan.FromHours(24) }, time);
        Assert.NotNull(await authority.Keys.GetKeyAsync(ChannelAuthority.KeyId, CancellationToken.None));

        time.Advance(TimeSpan.FromHours(23));
        Assert.NotNull(await authority.Keys.GetKeyAsync(ChannelAuthority.KeyId, CancellationToken.None));
        Assert.Equal(1, authority.Server.MetadataHits);

        time.Advance(TimeSpan.FromHours(2));
        Assert.NotNull(await authority.Keys.GetKeyAsync(ChannelAuthority.KeyId, CancellationToken.None));
        Assert.Equal(2, authority.Server.MetadataHits);
    }

    [Fact]
    public async Task AWaitersCancellation_DoesNotCancelTheSharedFetch()
    {
        await using var authority = await ChannelAuthority.StartAsync();
        var hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        authority.Server.HoldMetadata = hold;
        using var cancel = new CancellationTokenSource();

        var cancelled = authority.Keys.GetKeyAsync(ChannelAuthority.KeyId, cancel.Token);
        var patient = authority.Keys.GetKeyAsync(ChannelAuthority.KeyId, CancellationToken.None);
        await authority.Server.MetadataReached.Task;
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        hold.SetResult();

        Assert.NotNull(await patient);
        Assert.Equal(1, authority.Server.MetadataHits);
    }

    [Fact]
    public async Task PlainHttpJwksUri_IsNotFollowed()
    {
        await using var authority = await ChannelAuthority.StartAsync();
        authority.Server.JwksUriOverride = new UriBuilder(authority.Server.BaseAddress) { Scheme = "http", Path = "/keys" }.Uri.ToString();

        Assert.Null(await authority.Keys.GetKeyAsync(ChannelAuthority.KeyId, CancellationToken.None));
        Assert.Equal(1, authority.Server.MetadataHits);
        Assert.Equal(0, authority.Server.KeysHits);
    }
}
