using System.IdentityModel.Tokens.Jwt;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using CustomerWorkflow.Bot.Protocol;
using CustomerWorkflow.Bot.Protocol.Authentication;
using CustomerWorkflow.Bot.Protocol.Schema;
using Microsoft.IdentityModel.Tokens;

namespace CustomerWorkflow.Testing;

/// <summary>
/// A loopback Bot Framework authority with one signing key (<c>k1</c>, endorsed for msteams), a validator configured
/// against it, and builders for tokens and activities. One per test, so the hit counters belong to that test.
/// </summary>
public sealed class ChannelAuthority : IAsyncDisposable
{
    public const string AppId = "4f1a2b3c-app-id";
    public const string Issuer = "https://api.botframework.com";
    public const string ServiceUrl = "https://smba.trafficmanager.net/amer/";
    public const string KeyId = "k1";

    private ChannelAuthority(MetadataServer server, HttpClient http, SigningKeyCacheOptions cacheOptions, TimeProvider? time)
    {
        Server = server;
        Http = http;
        Options = new BotProtocolOptions
        {
            MicrosoftAppId = AppId,
            ToBotFromChannelOpenIdMetadataUrl = server.MetadataUrl,
        };
        Keys = new SigningKeyCache(http, server.MetadataUrl, cacheOptions, time);
        Validator = new ChannelTokenValidator(Options, Keys, time);
        server.PublishKey(SigningKey, KeyId, "msteams", "skype");
    }

    public MetadataServer Server { get; }

    public HttpClient Http { get; }

    public static RSA SigningKey => TestKeys.Channel;

    public BotProtocolOptions Options { get; }

    public SigningKeyCache Keys { get; }

    public ChannelTokenValidator Validator { get; }

    public static async Task<ChannelAuthority> StartAsync(SigningKeyCacheOptions? cacheOptions = null, TimeProvider? time = null)
    {
        var server = await MetadataServer.StartAsync();
        return new ChannelAuthority(server, new HttpClient(TestTls.CreateTrustingHandler()), cacheOptions ?? new SigningKeyCacheOptions(), time);
    }

    public static Activity Activity(string channelId = "msteams", string serviceUrl = ServiceUrl) => new()
    {
        Type = ActivityTypes.Message,
        ChannelId = channelId,
        ServiceUrl = serviceUrl,
        Conversation = new ConversationAccount { Id = "a:conv" },
    };

    /// <summary>A token as the channel signs it, with each part overridable.</summary>
    public static string Token(
        RSA? key = null,
        string kid = KeyId,
        string algorithm = SecurityAlgorithms.RsaSha256,
        string issuer = Issuer,
        string audience = AppId,
        string? serviceUrl = ServiceUrl,
        DateTime? notBefore = null,
        DateTime? expires = null)
    {
        var now = DateTime.UtcNow;
        var claims = new List<Claim>();
        if (serviceUrl is not null)
        {
            claims.Add(new Claim("serviceurl", serviceUrl));
        }

        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            Subject = new ClaimsIdentity(claims),
            NotBefore = notBefore ?? now.AddMinutes(-1),
            Expires = expires ?? now.AddMinutes(59),
            IssuedAt = (notBefore ?? now.AddMinutes(-1)),
            SigningCredentials = new SigningCredentials(new RsaSecurityKey(key ?? SigningKey) { KeyId = kid }, algorithm),
        };
        return new JwtSecurityTokenHandler().CreateEncodedJwt(descriptor);
    }

    /// <summary>A token whose header and signature are written by hand (for <c>alg</c> attacks).</summary>
    public static string HandMadeToken(JsonObject header, Func<byte[], byte[]> sign, string serviceUrl = ServiceUrl, bool withExpiry = true)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var payload = new JsonObject
        {
            ["iss"] = Issuer,
            ["aud"] = AppId,
            ["serviceurl"] = serviceUrl,
            ["nbf"] = now - 60,
        };
        if (withExpiry)
        {
            payload["exp"] = now + 3600;
        }

        var signingInput = Base64UrlEncoder.Encode(header.ToJsonString()) + "." + Base64UrlEncoder.Encode(payload.ToJsonString());
        return signingInput + "." + Base64UrlEncoder.Encode(sign(Encoding.ASCII.GetBytes(signingInput)));
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Server.DisposeAsync();
    }
}
