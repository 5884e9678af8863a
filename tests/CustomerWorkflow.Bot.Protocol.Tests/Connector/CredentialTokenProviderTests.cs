using Azure.Core;
using Azure.Identity;
using CustomerWorkflow.Bot.Protocol.Connector;
using CustomerWorkflow.Testing;

namespace CustomerWorkflow.Bot.Protocol.Tests.Connector;

/// <summary>Managed identity and certificates as the way to the channel token: the right credential, scope and cache.</summary>
public sealed class CredentialTokenProviderTests
{
    private sealed class CountingCredential(ManualTime time) : TokenCredential
    {
        public List<TokenRequestContext> Requests { get; } = [];

        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            throw new NotSupportedException();

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken)
        {
            Requests.Add(requestContext);
            return ValueTask.FromResult(new AccessToken($"token-{Requests.Count}", time.GetUtcNow().AddHours(1)));
        }
    }

    private static BotProtocolOptions Options(string? type = null, string? certificate = null) => new()
    {
        MicrosoftAppId = "11111111-2222-3333-4444-555555555555",
        MicrosoftAppTenantId = "tenant-1",
        MicrosoftAppType = type,
        MicrosoftAppCertificatePath = certificate,
    };

    [Fact]
    public async Task The_token_is_asked_with_the_channel_scope_and_cached_until_near_expiry()
    {
        var time = new ManualTime(DateTimeOffset.Parse("2026-11-21T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var credential = new CountingCredential(time);
        using var provider = new CredentialTokenProvider(credential, Options(), time);

        Assert.Equal("token-1", await provider.GetTokenAsync(CancellationToken.None));
        time.Advance(TimeSpan.FromMinutes(50));
        Assert.Equal("token-1", await provider.GetTokenAsync(CancellationToken.None));
        time.Advance(TimeSpan.FromMinutes(6));
        Assert.Equal("token-2", await provider.GetTokenAsync(CancellationToken.None));

        Assert.Equal(["https://api.botframework.com/.default"], credential.Requests[0].Scopes);
        Assert.Equal("tenant-1", credential.Requests[0].TenantId);
    }

    [Fact]
    public async Task Another_audience_asks_its_own_scope_and_tenant_from_the_same_credential()
    {
        var time = new ManualTime(DateTimeOffset.Parse("2026-11-21T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var credential = new CountingCredential(time);
        var graph = new TokenAudience("https://graph.microsoft.com/.default", "https://login.microsoftonline.com/customer-tenant", "customer-tenant");
        using var provider = new CredentialTokenProvider(credential, Options(), time, graph);

        Assert.Equal("token-1", await provider.GetTokenAsync(CancellationToken.None));

        Assert.Equal(["https://graph.microsoft.com/.default"], credential.Requests[0].Scopes);
        Assert.Equal("customer-tenant", credential.Requests[0].TenantId);
    }

    [Fact]
    public void Configuration_chooses_managed_identity_a_certificate_or_the_client_secret()
    {
        Assert.IsType<ManagedIdentityCredential>(CredentialTokenProvider.FromOptions(Options("UserAssignedMSI")));
        Assert.IsType<ClientCertificateCredential>(CredentialTokenProvider.FromOptions(Options("SingleTenant", "/secrets/bot.pfx")));
        Assert.Null(CredentialTokenProvider.FromOptions(Options("SingleTenant")));
        Assert.Null(CredentialTokenProvider.FromOptions(new BotProtocolOptions()));
    }

    [Fact]
    public async Task A_failing_credential_is_a_channel_token_error_without_its_details()
    {
        var time = new ManualTime(DateTimeOffset.UtcNow);
        using var provider = new CredentialTokenProvider(new FailingCredential(), Options(), time);

        var error = await Assert.ThrowsAsync<ChannelTokenException>(() => provider.GetTokenAsync(CancellationToken.None));
        Assert.DoesNotContain("secret-detail", error.Message, StringComparison.Ordinal);
    }

    private sealed class FailingCredential : TokenCredential
    {
        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            throw new AuthenticationFailedException("secret-detail");

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            throw new AuthenticationFailedException("secret-detail");
    }
}
