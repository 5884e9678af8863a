using Azure.Core;
using Azure.Identity;

namespace CustomerWorkflow.Bot.Protocol.Connector;

/// <summary>
/// The channel token from an Azure.Identity credential instead of a client secret: a managed identity
/// (<c>MicrosoftAppType</c> = <c>UserAssignedMSI</c>) or a certificate (<c>MicrosoftAppCertificatePath</c>). The scope
/// is <c>{ToChannelFromBotOAuthScope}/.default</c>; the token is cached until shortly before it expires.
/// </summary>
public sealed class CredentialTokenProvider : IChannelTokenProvider, IDisposable
{
    private readonly TokenCredential _credential;
    private readonly TokenRequestContext _request;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private (string Token, DateTimeOffset RenewAt)? _cached;

    public CredentialTokenProvider(TokenCredential credential, BotProtocolOptions options, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _credential = credential;
        _time = time ?? TimeProvider.System;
        _request = new TokenRequestContext([options.ToChannelFromBotOAuthScope.TrimEnd('/') + "/.default"], tenantId: options.MicrosoftAppTenantId);
    }

    public TokenCredential Credential => _credential;

    /// <summary>The credential the configuration asks for, or null when it asks for a client secret.</summary>
    public static TokenCredential? FromOptions(BotProtocolOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.IsAnonymous)
        {
            return null;
        }

        if (string.Equals(options.MicrosoftAppType, "UserAssignedMSI", StringComparison.OrdinalIgnoreCase))
        {
            return new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(options.MicrosoftAppId!));
        }

        if (!string.IsNullOrWhiteSpace(options.MicrosoftAppCertificatePath))
        {
            var login = new Uri(options.EffectiveLoginUrl);
            return new ClientCertificateCredential(
                options.MicrosoftAppTenantId ?? login.AbsolutePath.Trim('/'),
                options.MicrosoftAppId,
                options.MicrosoftAppCertificatePath,
                new ClientCertificateCredentialOptions
                {
                    AuthorityHost = new Uri(login.GetLeftPart(UriPartial.Authority)),
                    SendCertificateChain = true,
                    DisableInstanceDiscovery = !options.ValidateAuthority,
                });
        }

        return null;
    }

    public async Task<string?> GetTokenAsync(CancellationToken cancellationToken)
    {
        if (Fresh() is { } token)
        {
            return token;
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (Fresh() is { } fetchedMeanwhile)
            {
                return fetchedMeanwhile;
            }

            AccessToken access;
            try
            {
                access = await _credential.GetTokenAsync(_request, cancellationToken).ConfigureAwait(false);
            }
            catch (AuthenticationFailedException exception)
            {
                throw new ChannelTokenException($"The credential could not get a channel token: {exception.GetType().Name}.");
            }

            var lifetime = access.ExpiresOn - _time.GetUtcNow();
            var renewIn = lifetime > ClientCredentialsTokenProvider.RenewalMargin * 2 ? lifetime - ClientCredentialsTokenProvider.RenewalMargin : lifetime / 2;
            _cached = (access.Token, _time.GetUtcNow() + renewIn);
            return access.Token;
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();

    private string? Fresh() => _cached is { } cached && _time.GetUtcNow() < cached.RenewAt ? cached.Token : null;
}
