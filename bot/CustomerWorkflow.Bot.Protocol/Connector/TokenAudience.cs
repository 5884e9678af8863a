namespace CustomerWorkflow.Bot.Protocol.Connector;

/// <summary>
/// What an app token is for: its scope, the login URL (authority and tenant) that issues it, and the tenant to ask
/// Azure.Identity for. The channel token is one audience; Microsoft Graph, with the same app registration in the
/// customer's tenant, is another, so both share the credentials and the caching of the token providers.
/// </summary>
/// <param name="Scope">The scope asked for, such as <c>https://graph.microsoft.com/.default</c>.</param>
/// <param name="LoginUrl">The token endpoint's base, <c>{authority}/{tenant}</c>, without a trailing slash.</param>
/// <param name="TenantId">The tenant, when it is not the one in <paramref name="LoginUrl"/>'s path.</param>
public sealed record TokenAudience(string Scope, string LoginUrl, string? TenantId)
{
    /// <summary>The Bot Connector: <c>{ToChannelFromBotOAuthScope}/.default</c> from the bot's login URL (BOT-PROTOCOL §3).</summary>
    public static TokenAudience Channel(BotProtocolOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new(options.ToChannelFromBotOAuthScope.TrimEnd('/') + "/.default", options.EffectiveLoginUrl, options.MicrosoftAppTenantId);
    }

    /// <summary>
    /// The token provider the configuration asks for: an Azure.Identity credential (managed identity, certificate) or
    /// the client secret against the login URL. Null tokens in anonymous development mode.
    /// </summary>
    public IChannelTokenProvider CreateProvider(BotProtocolOptions options, HttpClient authority, TimeProvider time) =>
        CredentialTokenProvider.FromOptions(options, this) is { } credential
            ? new CredentialTokenProvider(credential, options, time, this)
            : new ClientCredentialsTokenProvider(authority, options, time, this);
}
