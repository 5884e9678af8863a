using System.Globalization;
using CustomerWorkflow.Bot.Protocol;
using CustomerWorkflow.Bot.Protocol.Connector;

namespace CustomerWorkflow.Bot.Graph;

/// <summary>
/// How the bot uses Microsoft Graph (BOT-PROTOCOL §6). Off unless <c>Graph:Enabled</c> is true, since every call needs
/// an application permission an admin consented to; on, it needs the bot's identity (<c>MicrosoftAppId</c>), whose app
/// registration gets the Graph token in the customer's tenant.
/// </summary>
internal sealed class GraphOptions
{
    public const string EnabledKey = "Graph:Enabled";
    public const string BaseUrlKey = "Graph:BaseUrl";
    public const string ScopeKey = "Graph:Scope";
    public const string TenantIdKey = "Graph:TenantId";
    public const string LoginUrlKey = "Graph:LoginUrl";
    public const string ActivityFeedKey = "Graph:ActivityFeed";
    public const string CatalogAppIdKey = "Teams:CatalogAppId";
    public const string ServiceUrlKey = "Teams:ServiceUrl";

    public static readonly Uri DefaultBaseUrl = new("https://graph.microsoft.com/v1.0/");
    public const string DefaultScope = "https://graph.microsoft.com/.default";

    /// <summary>The regional-agnostic Teams serviceUrl for proactive messages when no turn gives one.</summary>
    public static readonly Uri DefaultTeamsServiceUrl = new("https://smba.trafficmanager.net/teams/");

    public bool Enabled { get; init; }

    /// <summary>Graph v1.0, ending in a slash; https (plain http only on loopback, for tests).</summary>
    public Uri BaseUrl { get; init; } = DefaultBaseUrl;

    public TokenAudience? Audience { get; init; }

    /// <summary>
    /// The app's id in the organisation's Teams app catalog (not the manifest id, unless the app is in the Teams
    /// Store). With it the bot installs itself for people it has never met, to reach them in a 1:1 chat.
    /// </summary>
    public string? CatalogAppId { get; init; }

    /// <summary>Where proactive messages go when the triggering turn gives no serviceUrl (configured, so trusted).</summary>
    public Uri? TeamsServiceUrl { get; init; }

    /// <summary>
    /// When a 1:1 chat cannot be had, send a Teams activity feed notice instead (TeamsActivity.Send), of a type the app
    /// manifest declares (<see cref="Teams.ActivityFeedTypes"/>).
    /// </summary>
    public bool ActivityFeed { get; init; }

    /// <summary>Attempts in all for a throttled or unavailable answer (429, 503, 504), the first included.</summary>
    public int MaxAttempts { get; init; } = 4;

    /// <summary>The wait without a Retry-After, doubled per attempt.</summary>
    public TimeSpan BaseRetryDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest wait between attempts; a Retry-After beyond it ends the retries.</summary>
    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>People and their managers change rarely; a notice round asks for the same ones many times.</summary>
    public TimeSpan UserCacheDuration { get; init; } = TimeSpan.FromMinutes(5);

    public TimeSpan GroupCacheDuration { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>Short: someone who switches their automatic replies off should get the next approval at once.</summary>
    public TimeSpan OutOfOfficeCacheDuration { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>Installing the app to open a 1:1 chat is possible.</summary>
    public bool CanInstall => Enabled && CatalogAppId is not null;

    /// <summary>
    /// Reads <c>Graph:*</c> and <c>Teams:CatalogAppId</c>/<c>Teams:ServiceUrl</c>; throws with the offending key when
    /// Graph is on and the settings cannot work, so the host stops at start instead of failing at the first notice.
    /// </summary>
    public static GraphOptions From(IConfiguration configuration, BotProtocolOptions bot)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(bot);
        if (!configuration.GetValue(EnabledKey, false))
        {
            return new GraphOptions();
        }

        if (bot.IsAnonymous)
        {
            throw new InvalidOperationException($"{EnabledKey} needs the bot's identity: set MicrosoftAppId (and its secret, certificate or managed identity).");
        }

        var baseUrl = Url(configuration[BaseUrlKey], BaseUrlKey) ?? DefaultBaseUrl;
        var multiTenant = string.IsNullOrWhiteSpace(bot.MicrosoftAppTenantId)
            || string.Equals(bot.MicrosoftAppType, "MultiTenant", StringComparison.OrdinalIgnoreCase);
        var tenant = Text(configuration[TenantIdKey]) ?? (multiTenant ? null : bot.MicrosoftAppTenantId)
            ?? throw new InvalidOperationException($"{TenantIdKey} is required for a multi-tenant bot: Graph tokens come from the customer's tenant.");
        // A single-tenant bot asks its own login URL (which may be a sovereign cloud's); otherwise the customer's tenant.
        var loginUrl = Url(configuration[LoginUrlKey], LoginUrlKey)?.AbsoluteUri.TrimEnd('/')
            ?? (multiTenant || Text(configuration[TenantIdKey]) is not null ? BotProtocolOptions.LoginAuthority + tenant : bot.EffectiveLoginUrl);

        var catalogAppId = Text(configuration[CatalogAppIdKey]);
        if (catalogAppId is not null && !Guid.TryParse(catalogAppId, out _))
        {
            throw new InvalidOperationException($"{CatalogAppIdKey} must be the app's id in the Teams app catalog (a GUID), not '{catalogAppId}'.");
        }

        return new GraphOptions
        {
            Enabled = true,
            BaseUrl = baseUrl.AbsoluteUri.EndsWith('/') ? baseUrl : new Uri(baseUrl.AbsoluteUri + "/"),
            Audience = new TokenAudience(Text(configuration[ScopeKey]) ?? DefaultScope, loginUrl, tenant),
            CatalogAppId = catalogAppId?.ToLowerInvariant(),
            TeamsServiceUrl = Url(configuration[ServiceUrlKey], ServiceUrlKey),
            ActivityFeed = configuration.GetValue(ActivityFeedKey, false),
        };
    }

    /// <summary>True for https, and for plain http on loopback only (a test server).</summary>
    public static bool IsAllowed(Uri uri) =>
        uri.Scheme == Uri.UriSchemeHttps || (uri.Scheme == Uri.UriSchemeHttp && uri.IsLoopback);

    private static Uri? Url(string? text, string key)
    {
        if (Text(text) is not { } value)
        {
            return null;
        }

        return Uri.TryCreate(value, UriKind.Absolute, out var uri) && IsAllowed(uri)
            ? uri
            : throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"{key} must be an https URL, not '{value}'."));
    }

    private static string? Text(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
