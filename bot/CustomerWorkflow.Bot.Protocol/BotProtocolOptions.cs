using Microsoft.Extensions.Configuration;

namespace CustomerWorkflow.Bot.Protocol;

/// <summary>
/// The bot's identity and authorities, under the Bot Framework SDK's flat configuration keys so existing
/// App Service settings and appsettings files carry over. Every endpoint is configuration, so sovereign clouds and
/// test authorities work (BOT-PROTOCOL §2.9).
/// </summary>
public sealed class BotProtocolOptions
{
    public const string DefaultOpenIdMetadataUrl = "https://login.botframework.com/v1/.well-known/openidconfiguration";
    public const string DefaultTokenIssuer = "https://api.botframework.com";
    public const string DefaultOAuthScope = "https://api.botframework.com";
    public const string LoginAuthority = "https://login.microsoftonline.com/";
    public const string MultiTenantLoginTenant = "botframework.com";

    /// <summary><c>MultiTenant</c>, <c>SingleTenant</c> or <c>UserAssignedMSI</c>.</summary>
    public string? MicrosoftAppType { get; set; }

    public string? MicrosoftAppId { get; set; }

    public string? MicrosoftAppPassword { get; set; }

    public string? MicrosoftAppTenantId { get; set; }

    /// <summary>A PFX/PEM certificate file to get the channel token with instead of <see cref="MicrosoftAppPassword"/>.</summary>
    public string? MicrosoftAppCertificatePath { get; set; }

    public string ToBotFromChannelOpenIdMetadataUrl { get; set; } = DefaultOpenIdMetadataUrl;

    public string ToBotFromChannelTokenIssuer { get; set; } = DefaultTokenIssuer;

    /// <summary>When unset: the login authority with the app's tenant, or <c>botframework.com</c> for a multi-tenant bot.</summary>
    public string? ToChannelFromBotLoginUrl { get; set; }

    public string ToChannelFromBotOAuthScope { get; set; } = DefaultOAuthScope;

    /// <summary>False lets a certificate credential use a login authority Microsoft Entra does not know (a test or private cloud).</summary>
    public bool ValidateAuthority { get; set; } = true;

    /// <summary>The largest activity accepted on <c>/api/messages</c>, in bytes; larger bodies get 413.</summary>
    public int MaxActivityBytes { get; set; } = 256 * 1024;

    /// <summary>
    /// The hosts a serviceUrl may have before the bot's token is sent there (defence in depth, BOT-PROTOCOL §3); a
    /// leading <c>*.</c> matches any subdomain. The defaults are the public and government channel hosts.
    /// </summary>
    public IList<string> AllowedServiceUrlHosts { get; } = new List<string>
    {
        "smba.trafficmanager.net",
        "*.botframework.com",
        "*.botframework.us",
        "*.botframework.azure.us",
        "*.teams.microsoft.com",
        "*.teams.microsoft.us",
        "*.trafficmanager.net",
    };

    /// <summary>No app id configured: development without tokens in either direction (BOT-PROTOCOL §2.8).</summary>
    public bool IsAnonymous => string.IsNullOrWhiteSpace(MicrosoftAppId);

    /// <summary>The login URL the outbound token comes from, without a trailing slash.</summary>
    public string EffectiveLoginUrl
    {
        get
        {
            if (!string.IsNullOrWhiteSpace(ToChannelFromBotLoginUrl))
            {
                return ToChannelFromBotLoginUrl.TrimEnd('/');
            }

            var multiTenant = string.IsNullOrWhiteSpace(MicrosoftAppTenantId)
                || string.Equals(MicrosoftAppType, "MultiTenant", StringComparison.OrdinalIgnoreCase);
            var tenant = multiTenant ? MultiTenantLoginTenant : MicrosoftAppTenantId;
            return LoginAuthority + tenant;
        }
    }

    /// <summary>Binds the flat keys at the root of <paramref name="configuration"/> (the SDK's layout).</summary>
    public static BotProtocolOptions From(IConfiguration configuration)
    {
        var options = new BotProtocolOptions();
        configuration.Bind(options);
        return options;
    }
}
