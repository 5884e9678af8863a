using System.IdentityModel.Tokens.Jwt;
using System.Security.Claims;
using System.Text;
using System.Text.Json.Nodes;
using CustomerWorkflow.Bot.Protocol.Authentication;
using CustomerWorkflow.Testing;
using Microsoft.IdentityModel.Tokens;

namespace CustomerWorkflow.Bot.Protocol.Tests.Authentication;

/// <summary>
/// Entra ID access tokens for an API of the host (the import API), checked with the channel's stack against a loopback
/// authority: the tenant's issuers (v1 only when allowed), the API's audiences, RSA signatures only, the injected clock.
/// </summary>
#pragma warning disable CA1001 // The client and server are disposed in DisposeAsync, which xunit calls.
public sealed class EntraTokenValidatorTests : IAsyncLifetime
#pragma warning restore CA1001
{
    private const string Tenant = "contoso-tenant";
    private const string Kid = "entra";
    private static readonly DateTime Now = new(2026, 11, 2, 9, 30, 0, DateTimeKind.Utc);

    private MetadataServer _server = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _server = await MetadataServer.StartAsync();
        _server.PublishKey(TestKeys.Third, Kid);
        _http = new HttpClient(TestTls.CreateTrustingHandler());
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
    }

    private EntraTokenValidator Validator(bool acceptV1 = true, DateTime? now = null) =>
        new(new EntraTokenOptions(Tenant, ["api://import", "client-id-of-the-api"], acceptV1),
            new SigningKeyCache(_http, _server.MetadataUrl), new ManualTime(now ?? Now));

    private static string Token(string issuer = $"https://login.microsoftonline.com/{Tenant}/v2.0", string audience = "api://import", DateTime? expires = null, string algorithm = SecurityAlgorithms.RsaSha256) =>
        new JwtSecurityTokenHandler().CreateEncodedJwt(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            Subject = new ClaimsIdentity([new Claim("azp", "erp"), new Claim("roles", "Customers.Import"), new Claim("roles", "Other")]),
            NotBefore = Now.AddMinutes(-5),
            IssuedAt = Now.AddMinutes(-5),
            Expires = expires ?? Now.AddHours(1),
            SigningCredentials = new SigningCredentials(new RsaSecurityKey(TestKeys.Third) { KeyId = Kid }, algorithm),
        });

    [Fact]
    public async Task A_token_of_the_tenant_for_the_api_is_accepted_with_its_roles_and_app()
    {
        var result = await Validator().ValidateAsync("Bearer " + Token(audience: "client-id-of-the-api"), CancellationToken.None);

        Assert.True(result.Succeeded, result.Failure);
        Assert.True(result.HasRole("Customers.Import"));
        Assert.False(result.HasRole("customers.import"));
        Assert.Equal("erp", result.ClientId);
    }

    [Fact]
    public async Task A_v1_token_is_refused_when_only_v2_is_accepted()
    {
        var v1 = Token(issuer: $"https://sts.windows.net/{Tenant}/");

        Assert.True((await Validator().ValidateAsync("Bearer " + v1, CancellationToken.None)).Succeeded);
        Assert.Equal("the token is from another issuer", (await Validator(acceptV1: false).ValidateAsync("Bearer " + v1, CancellationToken.None)).Failure);
    }

    [Fact]
    public async Task Lifetime_is_read_from_the_injected_clock_with_five_minutes_of_skew()
    {
        var token = "Bearer " + Token(expires: Now.AddMinutes(10));

        Assert.True((await Validator(now: Now.AddMinutes(14)).ValidateAsync(token, CancellationToken.None)).Succeeded);
        Assert.Equal("the token has expired", (await Validator(now: Now.AddMinutes(16)).ValidateAsync(token, CancellationToken.None)).Failure);
    }

    [Fact]
    public async Task A_token_signed_with_a_shared_secret_is_refused_before_any_key_is_tried()
    {
        var header = new JsonObject { ["alg"] = "HS256", ["kid"] = Kid, ["typ"] = "JWT" };
        var payload = new JsonObject { ["iss"] = $"https://login.microsoftonline.com/{Tenant}/v2.0", ["aud"] = "api://import", ["azp"] = "erp", ["exp"] = 4102444800 };
        var unsigned = Base64UrlEncoder.Encode(header.ToJsonString()) + "." + Base64UrlEncoder.Encode(payload.ToJsonString());
        var token = unsigned + "." + Base64UrlEncoder.Encode(System.Security.Cryptography.HMACSHA256.HashData(Encoding.UTF8.GetBytes("guess"), Encoding.ASCII.GetBytes(unsigned)));

        var result = await Validator().ValidateAsync("Bearer " + token, CancellationToken.None);

        Assert.Equal("the token's algorithm is not RS256, RS384 or RS512", result.Failure);
        Assert.Equal(0, _server.KeysHits);
    }

    [Theory]
    [InlineData(null, "no Authorization header", true)]
    [InlineData("Basic abc", "the Authorization scheme is not Bearer", true)]
    [InlineData("Bearer a.b", "the bearer token is not a compact JWS", false)]
    public async Task A_missing_or_malformed_header_says_which(string? header, string failure, bool missing)
    {
        var result = await Validator().ValidateAsync(header, CancellationToken.None);

        Assert.Equal((failure, missing), (result.Failure, result.Missing));
    }
}
