using System.Security.Cryptography;
using System.Text.Json.Nodes;
using CustomerWorkflow.Bot.Protocol.Authentication;
using CustomerWorkflow.Testing;
using Microsoft.IdentityModel.Tokens;

namespace CustomerWorkflow.Bot.Protocol.Tests.Authentication;

/// <summary>One authority serves every case here: none of them needs its own counters or clock.</summary>
public sealed class SharedChannelAuthority : IAsyncLifetime
{
    public ChannelAuthority Authority { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Authority = await ChannelAuthority.StartAsync();
        Authority.Server.PublishKey(TestKeys.Third, "webchat-only", "webchat");
    }

    public async Task DisposeAsync() => await Authority.DisposeAsync();
}

public sealed class ChannelTokenValidatorTests(SharedChannelAuthority shared) : IClassFixture<SharedChannelAuthority>
{
    private readonly ChannelAuthority _authority = shared.Authority;

    private Task<BotAuthenticationResult> Authenticate(string? header, string channelId = "msteams", string serviceUrl = ChannelAuthority.ServiceUrl) =>
        _authority.Validator.AuthenticateAsync(header, ChannelAuthority.Activity(channelId, serviceUrl), CancellationToken.None);

    private static void AssertRefused(BotAuthenticationResult result, string reasonFragment)
    {
        Assert.False(result.Succeeded);
        Assert.Null(result.Identity);
        Assert.Contains(reasonFragment, result.FailureReason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GoodToken_IsAccepted_WithTheTokensClaims()
    {
        var result = await Authenticate("Bearer " + ChannelAuthority.Token());

        Assert.True(result.Succeeded, result.FailureReason);
        Assert.False(result.IsAnonymous);
        Assert.Equal("Bearer", result.Identity!.AuthenticationType);
        Assert.Equal(ChannelAuthority.AppId, result.Identity.FindFirst("aud")!.Value);
        Assert.Equal(ChannelAuthority.Issuer, result.Identity.FindFirst("iss")!.Value);
    }

    [Theory]
    [InlineData(SecurityAlgorithms.RsaSha384)]
    [InlineData(SecurityAlgorithms.RsaSha512)]
    public async Task OtherRsaAlgorithms_AreAccepted(string algorithm)
    {
        var result = await Authenticate("Bearer " + ChannelAuthority.Token(algorithm: algorithm));

        Assert.True(result.Succeeded, result.FailureReason);
    }

    [Fact]
    public async Task ServiceUrlClaim_IsComparedCaseInsensitively()
    {
        var result = await Authenticate("Bearer " + ChannelAuthority.Token(serviceUrl: ChannelAuthority.ServiceUrl.ToUpperInvariant()));

        Assert.True(result.Succeeded, result.FailureReason);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public async Task NoHeader_IsRefused(string? header)
    {
        AssertRefused(await Authenticate(header), "no Authorization header");
    }

    [Fact]
    public async Task WrongScheme_IsRefused()
    {
        AssertRefused(await Authenticate("Basic " + ChannelAuthority.Token()), "not Bearer");
    }

    [Fact]
    public async Task BareToken_WithoutScheme_IsRefused()
    {
        AssertRefused(await Authenticate(ChannelAuthority.Token()), "not Bearer");
    }

    [Theory]
    [InlineData("not-a-jwt")]
    [InlineData("a.b")]
    [InlineData("a.b.c.d")]
    public async Task NotAJwsShape_IsRefused(string token)
    {
        AssertRefused(await Authenticate("Bearer " + token), "not a compact JWS");
    }

    [Fact]
    public async Task ThreeSegmentsOfGarbage_IsRefused()
    {
        AssertRefused(await Authenticate("Bearer !!!.???.***"), "not a JWT");
    }

    [Fact]
    public async Task JweShapedToken_WithFiveSegments_IsRefusedBeforeParsing()
    {
        var header = Base64UrlEncoder.Encode("""{"alg":"RSA-OAEP","enc":"A256GCM","zip":"DEF","kid":"k1"}""");
        var jwe = $"{header}.{Base64UrlEncoder.Encode(new byte[256])}.{Base64UrlEncoder.Encode(new byte[12])}.{Base64UrlEncoder.Encode(new byte[4096])}.{Base64UrlEncoder.Encode(new byte[16])}";

        var hitsBefore = _authority.Server.MetadataHits;

        AssertRefused(await Authenticate("Bearer " + jwe), "not a compact JWS");
        Assert.Equal(hitsBefore, _authority.Server.MetadataHits);
    }

    [Fact]
    public async Task OversizedToken_IsRefused()
    {
        AssertRefused(await Authenticate("Bearer " + new string('a', ChannelTokenValidator.MaximumTokenLength + 1)), "too long");
    }

    [Fact]
    public async Task UnknownKey_IsRefused()
    {
        AssertRefused(await Authenticate("Bearer " + ChannelAuthority.Token(key: TestKeys.Other, kid: "unknown")), "signing key is unknown");
    }

    [Fact]
    public async Task ForgedSignature_UnderAKnownKid_IsRefused()
    {
        AssertRefused(await Authenticate("Bearer " + ChannelAuthority.Token(key: TestKeys.Other)), "did not validate");
    }

    [Fact]
    public async Task TamperedPayload_IsRefused()
    {
        var parts = ChannelAuthority.Token().Split('.');
        var payload = JsonNode.Parse(Base64UrlEncoder.Decode(parts[1]))!;
        payload["serviceurl"] = "https://attacker.example/";
        var tampered = $"{parts[0]}.{Base64UrlEncoder.Encode(payload.ToJsonString())}.{parts[2]}";

        AssertRefused(await Authenticate("Bearer " + tampered, serviceUrl: "https://attacker.example/"), "did not validate");
    }

    [Fact]
    public async Task AlgNone_WithKid_IsRefused()
    {
        var token = ChannelAuthority.HandMadeToken(new JsonObject { ["alg"] = "none", ["typ"] = "JWT", ["kid"] = ChannelAuthority.KeyId }, _ => []);

        AssertRefused(await Authenticate("Bearer " + token), "algorithm");
    }

    [Fact]
    public async Task AlgNone_WithoutKid_IsRefused()
    {
        var token = ChannelAuthority.HandMadeToken(new JsonObject { ["alg"] = "none", ["typ"] = "JWT" }, _ => []);

        AssertRefused(await Authenticate("Bearer " + token), "algorithm");
    }

    [Fact]
    public async Task Hs256_SignedWithThePublicKeyBytes_IsRefused()
    {
        var publicKey = ChannelAuthority.SigningKey.ExportSubjectPublicKeyInfo();
        var token = ChannelAuthority.HandMadeToken(
            new JsonObject { ["alg"] = "HS256", ["typ"] = "JWT", ["kid"] = ChannelAuthority.KeyId },
            input => HMACSHA256.HashData(publicKey, input));

        AssertRefused(await Authenticate("Bearer " + token), "algorithm");
    }

    [Fact]
    public async Task WrongIssuer_IsRefused()
    {
        AssertRefused(await Authenticate("Bearer " + ChannelAuthority.Token(issuer: "https://sts.windows.net/evil/")), "InvalidIssuer");
    }

    [Fact]
    public async Task WrongAudience_IsRefused()
    {
        AssertRefused(await Authenticate("Bearer " + ChannelAuthority.Token(audience: "another-bots-app-id")), "InvalidAudience");
    }

    [Fact]
    public async Task Expired_BeyondTheSkew_IsRefused()
    {
        var now = DateTime.UtcNow;
        var token = ChannelAuthority.Token(notBefore: now.AddHours(-2), expires: now.AddMinutes(-6));

        AssertRefused(await Authenticate("Bearer " + token), "Expired");
    }

    [Fact]
    public async Task Expired_WithinTheSkew_IsAccepted()
    {
        var now = DateTime.UtcNow;
        var token = ChannelAuthority.Token(notBefore: now.AddHours(-2), expires: now.AddMinutes(-4));

        var result = await Authenticate("Bearer " + token);

        Assert.True(result.Succeeded, result.FailureReason);
    }

    [Fact]
    public async Task NotYetValid_BeyondTheSkew_IsRefused()
    {
        var now = DateTime.UtcNow;
        var token = ChannelAuthority.Token(notBefore: now.AddMinutes(6), expires: now.AddHours(1));

        AssertRefused(await Authenticate("Bearer " + token), "NotYetValid");
    }

    [Fact]
    public async Task KeyNotEndorsedForTheChannel_IsRefused()
    {
        AssertRefused(await Authenticate("Bearer " + ChannelAuthority.Token(key: TestKeys.Third, kid: "webchat-only")), "not endorsed");
    }

    [Fact]
    public async Task KeyEndorsedForAnotherChannel_IsRefusedForThatMismatch()
    {
        AssertRefused(await Authenticate("Bearer " + ChannelAuthority.Token(), channelId: "webchat"), "not endorsed");
    }

    [Fact]
    public async Task ActivityWithoutChannelId_IsRefused()
    {
        AssertRefused(await Authenticate("Bearer " + ChannelAuthority.Token(), channelId: ""), "no channelId");
    }

    [Fact]
    public async Task ServiceUrlClaimMismatch_IsRefused()
    {
        AssertRefused(
            await Authenticate("Bearer " + ChannelAuthority.Token(), serviceUrl: "https://attacker.example/amer/"),
            "serviceurl");
    }

    [Fact]
    public async Task MissingServiceUrlClaim_IsRefused()
    {
        AssertRefused(await Authenticate("Bearer " + ChannelAuthority.Token(serviceUrl: null)), "serviceurl");
    }

    [Fact]
    public async Task RememberedToken_IsStillCheckedAgainstEachActivity()
    {
        // One token, as the channel reuses it: after it was accepted once, every per-activity check still applies.
        var header = "Bearer " + ChannelAuthority.Token(expires: DateTime.UtcNow.AddMinutes(58));
        var first = await Authenticate(header);
        Assert.True(first.Succeeded, first.FailureReason);

        AssertRefused(await Authenticate(header, serviceUrl: "https://attacker.example/amer/"), "serviceurl");
        AssertRefused(await Authenticate(header, channelId: "webchat"), "not endorsed");
        AssertRefused(await Authenticate(header, channelId: ""), "no channelId");
        var again = await Authenticate(header);
        Assert.True(again.Succeeded, again.FailureReason);
        Assert.NotSame(first.Identity, again.Identity);
    }

    [Fact]
    public async Task RememberedToken_IsRefusedOnceItExpires()
    {
        var time = new ManualTime(DateTimeOffset.UtcNow);
        await using var authority = await ChannelAuthority.StartAsync(time: time);
        var header = "Bearer " + ChannelAuthority.Token(expires: DateTime.UtcNow.AddMinutes(30));
        var activity = ChannelAuthority.Activity();
        Assert.True((await authority.Validator.AuthenticateAsync(header, activity, CancellationToken.None)).Succeeded);

        time.Advance(TimeSpan.FromMinutes(34));
        Assert.True((await authority.Validator.AuthenticateAsync(header, activity, CancellationToken.None)).Succeeded);

        time.Advance(TimeSpan.FromMinutes(2));
        AssertRefused(await authority.Validator.AuthenticateAsync(header, activity, CancellationToken.None), "Expired");
    }

    [Fact]
    public async Task AnonymousMode_WithoutAppId_AcceptsWithoutAToken()
    {
        var validator = new ChannelTokenValidator(new BotProtocolOptions(), _authority.Keys);
        var hitsBefore = _authority.Server.MetadataHits;

        var result = await validator.AuthenticateAsync(null, ChannelAuthority.Activity(), CancellationToken.None);

        Assert.True(result.Succeeded);
        Assert.True(result.IsAnonymous);
        Assert.False(result.Identity!.IsAuthenticated);
        Assert.Equal(hitsBefore, _authority.Server.MetadataHits);
    }
}

public sealed class ServiceUrlTrustTests(SharedChannelAuthority shared) : IClassFixture<SharedChannelAuthority>
{
    private readonly ChannelAuthority _authority = shared.Authority;

    [Fact]
    public async Task AuthenticatedActivity_MakesItsServiceUrlTrusted()
    {
        var trusted = new CustomerWorkflow.Bot.Protocol.Connector.TrustedServiceUrls();
        var validator = new ChannelTokenValidator(_authority.Options, _authority.Keys, trusted: trusted);

        var result = await validator.AuthenticateAsync("Bearer " + ChannelAuthority.Token(), ChannelAuthority.Activity(), CancellationToken.None);

        Assert.True(result.Succeeded, result.FailureReason);
        Assert.True(trusted.IsTrusted(ChannelAuthority.ServiceUrl));
        Assert.True(trusted.IsTrusted(ChannelAuthority.ServiceUrl.TrimEnd('/')));
    }

    [Fact]
    public async Task RefusedActivity_LeavesItsServiceUrlUntrusted()
    {
        var trusted = new CustomerWorkflow.Bot.Protocol.Connector.TrustedServiceUrls();
        var validator = new ChannelTokenValidator(_authority.Options, _authority.Keys, trusted: trusted);

        var result = await validator.AuthenticateAsync(
            "Bearer " + ChannelAuthority.Token(key: TestKeys.Other),
            ChannelAuthority.Activity(serviceUrl: "https://attacker.example/"),
            CancellationToken.None);

        Assert.False(result.Succeeded);
        Assert.False(trusted.IsTrusted("https://attacker.example/"));
    }

    [Fact]
    public async Task AnonymousActivity_TrustsNothing()
    {
        var trusted = new CustomerWorkflow.Bot.Protocol.Connector.TrustedServiceUrls();
        var validator = new ChannelTokenValidator(new BotProtocolOptions(), _authority.Keys, trusted: trusted);

        Assert.True((await validator.AuthenticateAsync(null, ChannelAuthority.Activity(), CancellationToken.None)).Succeeded);
        Assert.False(trusted.IsTrusted(ChannelAuthority.ServiceUrl));
    }
}
