using Azure.Core;
using Azure.Identity;

namespace CustomerWorkflow.Bot.Protocol.Connector;

/// <summary>
/// The channel token from an Azure.Identity credential instead of a client secret: a managed identity
/// (<c>MicrosoftAppType</c> = <c>UserAssignedMSI</c>) or a certificate (<c>MicrosoftAppCertificatePath</c>). The scope
/// is <c>{ToChannelFromBotOAuthScope}/.default</c>, or another <see cref="TokenAudience"/>'s (Microsoft Graph); the
/// token is cached until shortly before it expires.
/// </summary>
public sealed class CredentialTokenProvider : IChannelTokenProvider, IDisposable
{
    private readonly TokenCredential _credential;
    private readonly TokenRequestContext _request;
    private readonly RenewingToken _token;

    /// <param name="credential">The credential that signs in.</param>
    /// <param name="options">The bot's identity.</param>
    /// <param name="time">The clock the cached token's expiry is measured with.</param>
    /// <param name="audience">What the token is for; the channel when not given.</param>
    public CredentialTokenProvider(TokenCredential credential, BotProtocolOptions options, TimeProvider? time = null, TokenAudience? audience = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        audience ??= TokenAudience.Channel(options);
        _credential = credential;
        _token = new RenewingToken(time ?? TimeProvider.System);
        _request = new TokenRequestContext([audience.Scope], tenantId: audience.TenantId);
    }

    public TokenCredential Credential => _credential;

    /// <summary>The credential the configuration asks for, or null when it asks for a client secret.</summary>
    /// <param name="options">The bot's identity.</param>
    /// <param name="audience">Whose login URL and tenant a certificate signs in to; the channel's when not given.</param>
    public static TokenCredential? FromOptions(BotProtocolOptions options, TokenAudience? audience = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        audience ??= TokenAudience.Channel(options);
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
            var login = new Uri(audience.LoginUrl);
            return new ClientCertificateCredential(
                audience.TenantId ?? login.AbsolutePath.Trim('/'),
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

    public async Task<string?> GetTokenAsync(CancellationToken cancellationToken) =>
        await _token.GetAsync(async ct =>
        {
            try
            {
                var access = await _credential.GetTokenAsync(_request, ct).ConfigureAwait(false);
                return (access.Token, access.ExpiresOn);
            }
            catch (AuthenticationFailedException exception)
            {
                throw new ChannelTokenException($"The credential could not get a token for {_request.Scopes[0]}: {exception.GetType().Name}.");
            }
        }, cancellationToken).ConfigureAwait(false);

    public void Dispose() => _token.Dispose();
}
