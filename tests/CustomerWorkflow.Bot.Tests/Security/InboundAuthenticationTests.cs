using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using CustomerWorkflow.Bot.Tests.Infrastructure;
using CustomerWorkflow.Testing;
using Microsoft.IdentityModel.Tokens;

namespace CustomerWorkflow.Bot.Tests.Security;

/// <summary>
/// Channel → bot authentication through the real host (BOT-PROTOCOL §2): the loopback authority publishes a locally
/// generated RSA key over HTTPS and the host is pointed at it with the production keys. Every refusal is a 401 that
/// leaves no trace: no call to the channel, no state change, nobody added to the directory.
/// </summary>
public sealed class InboundAuthenticationTests
{
    private const string UnendorsedKeyId = "webchat-only";

    public static TheoryData<string> RefusedCredentials =>
    [
        "no header",
        "empty bearer",
        "wrong scheme",
        "not a JWT",
        "three garbage segments",
        "five segments (JWE)",
        "unknown key id",
        "forged signature",
        "alg none without kid",
        "alg none with kid",
        "HS256 signed with the public key",
        "wrong issuer",
        "wrong audience",
        "expired beyond the skew",
        "not yet valid beyond the skew",
        "no expiry",
        "key not endorsed for msteams",
        "serviceurl claim mismatch",
        "serviceurl claim missing",
    ];

    [Fact]
    public async Task A_good_token_is_accepted_and_the_reply_carries_the_bots_own_token()
    {
        await using var host = await BotTestHost.StartAsync(authenticated: true);
        var stranger = host.User("stranger-1", "Sam Stranger");

        var set = await host.Clerk.SendAsync("set US-001 City=Seattle");
        var hello = await stranger.SendAsync("hi");

        // The same requests the refusal cases send do have effects when the token is good.
        set.ReplyText("City Redmond → Seattle");
        Assert.Equal(HttpStatusCode.OK, hello.Status);
        Assert.NotEmpty(hello.Replies);
        Assert.Equal("Seattle", (await host.Engine.GetCustomerAsync("US-001")).Customer["City"]);
        Assert.NotNull(await host.Users.GetUserAsync(stranger.AadObjectId));
        Assert.All(host.Channel.Calls, call => Assert.Equal("Bearer outbound-token", call.Authorization));
    }

    [Fact]
    public async Task A_hand_made_RS256_token_is_accepted_so_the_alg_cases_differ_only_in_their_header()
    {
        await using var host = await BotTestHost.StartAsync(authenticated: true);
        var token = ChannelAuthority.HandMadeToken(
            new JsonObject { ["alg"] = SecurityAlgorithms.RsaSha256, ["typ"] = "JWT", ["kid"] = ChannelAuthority.KeyId },
            input => ChannelAuthority.SigningKey.SignData(input, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1),
            host.Channel.ServiceUrl);

        var activity = host.NewActivity(host.Clerk);
        activity.Text = "customer US-001";
        var turn = await host.Clerk.PostAsync(activity, "Bearer " + token);

        turn.ReplyText("Redmond");
    }

    [Theory]
    [MemberData(nameof(RefusedCredentials))]
    public async Task A_bad_credential_is_401_with_no_reply_and_no_state_change(string credential)
    {
        await using var host = await BotTestHost.StartAsync(authenticated: true);
        host.Authority!.Server.PublishKey(TestKeys.Third, UnendorsedKeyId, "webchat");
        var before = await NoEffect.CaptureAsync(host);

        var turns = await before.AttackAsync(Authorization(credential, host.Channel.ServiceUrl), noAuthorization: credential == "no header");

        Assert.All(turns, turn => Assert.Equal(HttpStatusCode.Unauthorized, turn.Status));
        Assert.All(turns, turn => Assert.Empty(turn.Calls));
        await before.AssertNothingChangedAsync();
        Assert.Empty(host.TokenServer!.Requests);
    }

    [Theory]
    [InlineData("expired 4 minutes ago", -30, -4)]
    [InlineData("valid from 4 minutes on", 4, 60)]
    public async Task A_token_outside_its_lifetime_by_less_than_the_skew_is_accepted(string why, int notBeforeMinutes, int expiresMinutes)
    {
        await using var host = await BotTestHost.StartAsync(authenticated: true);
        var now = DateTime.UtcNow;
        var token = ChannelAuthority.Token(serviceUrl: host.Channel.ServiceUrl, notBefore: now.AddMinutes(notBeforeMinutes), expires: now.AddMinutes(expiresMinutes));

        var activity = host.NewActivity(host.Clerk);
        activity.Text = "set US-001 City=Seattle";
        var turn = await host.Clerk.PostAsync(activity, "Bearer " + token);

        Assert.True(turn.Status == HttpStatusCode.OK, why);
        turn.ReplyText("City Redmond → Seattle");
    }

    /// <summary>The Authorization header for each refused case; the serviceurl claim is right unless the case is about it.</summary>
    private static string? Authorization(string credential, string serviceUrl)
    {
        var now = DateTime.UtcNow;
        var good = ChannelAuthority.Token(serviceUrl: serviceUrl);
        return credential switch
        {
            "no header" => null,
            "empty bearer" => "Bearer ",
            "wrong scheme" => "Basic " + good,
            "not a JWT" => "Bearer not-a-jwt",
            "three garbage segments" => "Bearer abc.def.ghi",
            "five segments (JWE)" => "Bearer " + good + ".AAAA.BBBB",
            "unknown key id" => "Bearer " + ChannelAuthority.Token(kid: "no-such-key", serviceUrl: serviceUrl),
            "forged signature" => "Bearer " + ChannelAuthority.Token(key: TestKeys.Other, serviceUrl: serviceUrl),
            "alg none without kid" => "Bearer " + ChannelAuthority.HandMadeToken(new JsonObject { ["alg"] = "none", ["typ"] = "JWT" }, _ => [], serviceUrl),
            "alg none with kid" => "Bearer " + ChannelAuthority.HandMadeToken(new JsonObject { ["alg"] = "none", ["typ"] = "JWT", ["kid"] = ChannelAuthority.KeyId }, _ => [], serviceUrl),
            "HS256 signed with the public key" => "Bearer " + ChannelAuthority.HandMadeToken(
                new JsonObject { ["alg"] = "HS256", ["typ"] = "JWT", ["kid"] = ChannelAuthority.KeyId },
                input => HMACSHA256.HashData(Encoding.ASCII.GetBytes(ChannelAuthority.SigningKey.ExportSubjectPublicKeyInfoPem()), input),
                serviceUrl),
            "wrong issuer" => "Bearer " + ChannelAuthority.Token(issuer: "https://evil.example", serviceUrl: serviceUrl),
            "wrong audience" => "Bearer " + ChannelAuthority.Token(audience: "some-other-bot", serviceUrl: serviceUrl),
            "expired beyond the skew" => "Bearer " + ChannelAuthority.Token(serviceUrl: serviceUrl, notBefore: now.AddMinutes(-60), expires: now.AddMinutes(-6)),
            "not yet valid beyond the skew" => "Bearer " + ChannelAuthority.Token(serviceUrl: serviceUrl, notBefore: now.AddMinutes(6), expires: now.AddMinutes(60)),
            "no expiry" => "Bearer " + ChannelAuthority.HandMadeToken(
                new JsonObject { ["alg"] = SecurityAlgorithms.RsaSha256, ["typ"] = "JWT", ["kid"] = ChannelAuthority.KeyId },
                input => ChannelAuthority.SigningKey.SignData(input, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1),
                serviceUrl,
                withExpiry: false),
            "key not endorsed for msteams" => "Bearer " + ChannelAuthority.Token(key: TestKeys.Third, kid: UnendorsedKeyId, serviceUrl: serviceUrl),
            "serviceurl claim mismatch" => "Bearer " + ChannelAuthority.Token(serviceUrl: "https://evil.example/amer/"),
            "serviceurl claim missing" => "Bearer " + ChannelAuthority.Token(serviceUrl: null),
            _ => throw new ArgumentOutOfRangeException(nameof(credential), credential, "No such case."),
        };
    }
}
