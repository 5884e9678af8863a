using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using CustomerWorkflow.Bot.Protocol.Connector;

namespace CustomerWorkflow.Bot.Graph;

/// <summary>
/// The Graph token: the bot's app registration asking for the Graph scope in the customer's tenant (see
/// <see cref="TokenAudience"/>). A type of its own, so the container never hands Graph the channel's token or back.
/// </summary>
internal sealed class GraphTokens(IChannelTokenProvider provider)
{
    public async Task<string> GetAsync(CancellationToken cancellationToken) =>
        await provider.GetTokenAsync(cancellationToken).ConfigureAwait(false)
            ?? throw new GraphException("Microsoft Graph needs the bot's identity; there is no token in development mode.");
}

/// <summary>
/// The few Microsoft Graph v1.0 calls the bot makes (BOT-PROTOCOL §6), as a typed HttpClient: people by id or UPN,
/// managers, group members across pages, automatic replies, installing the app for a person and finding their 1:1 chat
/// with it, and activity feed notices. Ids are escaped into paths; only the fields used are selected. Not found is
/// null; any other failure is a <see cref="GraphException"/>. Throttling (429) and unavailability (503, 504) are retried,
/// honouring Retry-After. Lookups are cached briefly. The token goes only to <see cref="GraphOptions.BaseUrl"/>.
/// </summary>
internal sealed partial class GraphClient(
    HttpClient http,
    GraphTokens tokens,
    GraphOptions options,
    GraphCache cache,
    TimeProvider time,
    ILogger<GraphClient> logger)
{
    public const string UserFields = "id,displayName,mail,userPrincipalName";

    /// <summary>Members per page: Graph's largest, so a big group takes few round trips.</summary>
    public const int MembersPageSize = 999;

    /// <summary>A group larger than this many pages is refused rather than followed for ever.</summary>
    public const int MaxPages = 100;

    private const int MaxKeyLength = 1024;

    private static readonly HttpStatusCode[] _retried = [HttpStatusCode.TooManyRequests, HttpStatusCode.ServiceUnavailable, HttpStatusCode.GatewayTimeout];

    public Uri BaseUrl => options.BaseUrl;

    /// <summary>A user by object id or UPN; null when the directory has no such user.</summary>
    public async Task<GraphUser?> GetUserAsync(string idOrUpn, CancellationToken cancellationToken)
    {
        var key = Key(idOrUpn, nameof(idOrUpn));
        if (cache.TryGet<GraphUser>(CacheKey("user", key), out var cached))
        {
            return cached;
        }

        var user = (await GetAsync<GraphWire.User>($"users/{Escape(key)}?$select={UserFields}", "user", cancellationToken).ConfigureAwait(false))?.ToUser();
        cache.Set(CacheKey("user", key), user, options.UserCacheDuration);
        if (user is not null)
        {
            cache.Set(CacheKey("user", user.Id), user, options.UserCacheDuration);
        }

        return user;
    }

    /// <summary>The user's manager (the <em>manager</em> approver type); null when they have none, or are unknown.</summary>
    public async Task<GraphUser?> GetManagerAsync(string userId, CancellationToken cancellationToken)
    {
        var key = Key(userId, nameof(userId));
        if (cache.TryGet<GraphUser>(CacheKey("manager", key), out var cached))
        {
            return cached;
        }

        var manager = (await GetAsync<GraphWire.User>($"users/{Escape(key)}/manager?$select={UserFields}", "manager", cancellationToken).ConfigureAwait(false))?.ToUser();
        cache.Set(CacheKey("manager", key), manager, options.UserCacheDuration);
        return manager;
    }

    /// <summary>
    /// The users among a group's direct members (group approvers), every page followed; null when there is no such
    /// group. Members that are not users (groups, devices, contacts) are left out.
    /// </summary>
    public async Task<IReadOnlyList<GraphUser>?> GetGroupMembersAsync(string groupId, CancellationToken cancellationToken)
    {
        var key = Key(groupId, nameof(groupId));
        if (cache.TryGet<IReadOnlyList<GraphUser>>(CacheKey("members", key), out var cached))
        {
            return cached;
        }

        var members = new List<GraphUser>();
        var next = Resolve($"groups/{Escape(key)}/members?$select={UserFields}&$top={MembersPageSize}");
        for (var page = 1; next is not null; page++)
        {
            if (page > MaxPages)
            {
                throw new GraphException($"The group has more than {MaxPages} pages of members.");
            }

            var answer = await GetAsync<GraphWire.Page<GraphWire.User>>(next, "group members", cancellationToken).ConfigureAwait(false);
            if (answer is null)
            {
                // A group that disappears between pages is as gone as one that was never there.
                cache.Set<IReadOnlyList<GraphUser>>(CacheKey("members", key), null, options.GroupCacheDuration);
                return null;
            }

            members.AddRange((answer.Value ?? []).Select(m => m.ToUser()).OfType<GraphUser>());
            next = answer.NextLink is { Length: > 0 } link ? NextPage(link) : null;
        }

        cache.Set<IReadOnlyList<GraphUser>>(CacheKey("members", key), members, options.GroupCacheDuration);
        return members;
    }

    /// <summary>The person's automatic replies; off when they have no mailbox Graph can read.</summary>
    public async Task<AutomaticReplies> GetAutomaticRepliesAsync(string userId, CancellationToken cancellationToken)
    {
        var key = Key(userId, nameof(userId));
        if (cache.TryGet<AutomaticReplies>(CacheKey("ooo", key), out var cached) && cached is not null)
        {
            return cached;
        }

        var setting = await GetAsync<GraphWire.AutomaticRepliesSetting>($"users/{Escape(key)}/mailboxSettings/automaticRepliesSetting", "automatic replies", cancellationToken).ConfigureAwait(false);
        var replies = setting?.ToReplies() ?? AutomaticReplies.Off;
        cache.Set(CacheKey("ooo", key), replies, options.OutOfOfficeCacheDuration);
        return replies;
    }

    /// <summary>True when the person's automatic replies say they are away now (route to their substitute).</summary>
    public async Task<bool> IsOutOfOfficeAsync(string userId, CancellationToken cancellationToken) =>
        (await GetAutomaticRepliesAsync(userId, cancellationToken).ConfigureAwait(false)).IsAwayAt(time.GetUtcNow());

    /// <summary>
    /// Installs the catalog app in the person's personal scope: true when it was installed now, false when it already
    /// was (409); throws when the person is unknown or the install is refused.
    /// </summary>
    public async Task<bool> InstallAppForUserAsync(string userId, string catalogAppId, CancellationToken cancellationToken)
    {
        var key = Key(userId, nameof(userId));
        var app = CatalogId(catalogAppId);
        var body = new Dictionary<string, string> { ["teamsApp@odata.bind"] = Resolve($"appCatalogs/teamsApps/{Escape(app)}").AbsoluteUri };
        using var response = await SendAsync(HttpMethod.Post, Resolve($"users/{Escape(key)}/teamwork/installedApps"), body, "install app", cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.Conflict)
        {
            return false;
        }

        await EnsureSuccessAsync(response, "install app", cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>The id of the catalog app's installation in the person's personal scope; null when it is not installed.</summary>
    public async Task<string?> FindInstallationAsync(string userId, string catalogAppId, CancellationToken cancellationToken)
    {
        var key = Key(userId, nameof(userId));
        var filter = Uri.EscapeDataString($"teamsApp/id eq '{CatalogId(catalogAppId)}'");
        var answer = await GetAsync<GraphWire.Page<GraphWire.Entity>>($"users/{Escape(key)}/teamwork/installedApps?$expand=teamsApp&$filter={filter}", "find installation", cancellationToken).ConfigureAwait(false);
        return answer?.Value?.Select(i => i.Id).FirstOrDefault(id => !string.IsNullOrEmpty(id));
    }

    /// <summary>The id of the 1:1 chat between the person and the installed app (a Bot Connector conversation id).</summary>
    public async Task<string> GetInstallationChatIdAsync(string userId, string installationId, CancellationToken cancellationToken)
    {
        var key = Key(userId, nameof(userId));
        var installation = Key(installationId, nameof(installationId));
        var chat = await GetAsync<GraphWire.Entity>($"users/{Escape(key)}/teamwork/installedApps/{Escape(installation)}/chat?$select=id", "installation chat", cancellationToken).ConfigureAwait(false);
        return chat?.Id is { Length: > 0 } id ? id : throw new GraphException("Graph gave no chat for the app's installation.", HttpStatusCode.NotFound);
    }

    /// <summary>Sends an activity feed notice to the person (TeamsActivity.Send).</summary>
    public async Task SendActivityNotificationAsync(string userId, ActivityNotice notice, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(notice);
        var key = Key(userId, nameof(userId));
        var body = new Dictionary<string, object>
        {
            ["topic"] = notice.Topic.WebUrl is null
                ? new Dictionary<string, string> { ["source"] = notice.Topic.Source, ["value"] = notice.Topic.Value }
                : new Dictionary<string, string> { ["source"] = notice.Topic.Source, ["value"] = notice.Topic.Value, ["webUrl"] = notice.Topic.WebUrl },
            ["activityType"] = notice.ActivityType,
            // Teams shows 150 characters of the preview.
            ["previewText"] = new Dictionary<string, string> { ["content"] = notice.PreviewText.Length > 150 ? notice.PreviewText[..149] + "…" : notice.PreviewText },
            ["templateParameters"] = notice.TemplateParameters.Select(p => new Dictionary<string, string> { ["name"] = p.Key, ["value"] = p.Value }).ToList(),
        };
        using var response = await SendAsync(HttpMethod.Post, Resolve($"users/{Escape(key)}/teamwork/sendActivityNotification"), body, "activity notice", cancellationToken).ConfigureAwait(false);
        await EnsureSuccessAsync(response, "activity notice", cancellationToken).ConfigureAwait(false);
    }

    private Task<T?> GetAsync<T>(string relative, string operation, CancellationToken cancellationToken) where T : class =>
        GetAsync<T>(Resolve(relative), operation, cancellationToken);

    /// <summary>The answer's JSON, or null for 404.</summary>
    private async Task<T?> GetAsync<T>(Uri uri, string operation, CancellationToken cancellationToken) where T : class
    {
        using var response = await SendAsync(HttpMethod.Get, uri, null, operation, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        await EnsureSuccessAsync(response, operation, cancellationToken).ConfigureAwait(false);
        try
        {
            return await response.Content.ReadFromJsonAsync<T>(GraphWire.Options, cancellationToken).ConfigureAwait(false)
                ?? throw new GraphException($"Graph answered {operation} with an empty body.", response.StatusCode);
        }
        catch (JsonException)
        {
            throw new GraphException($"Graph's answer to {operation} is not the JSON expected.", response.StatusCode);
        }
    }

    /// <summary>Sends with the Graph token, retrying throttled and unavailable answers; the caller reads the final answer.</summary>
    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, Uri uri, object? body, string operation, CancellationToken cancellationToken)
    {
        if (!IsUnderBaseUrl(uri))
        {
            throw new GraphException($"Refused to send the Graph token outside {GraphOptions.BaseUrlKey} ({operation}).");
        }

        var token = await tokens.GetAsync(cancellationToken).ConfigureAwait(false);
        var bytes = body is null ? null : JsonSerializer.SerializeToUtf8Bytes(body, body.GetType(), GraphWire.Options);
        for (var attempt = 1; ; attempt++)
        {
            using var request = new HttpRequestMessage(method, uri);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
            if (bytes is not null)
            {
                request.Content = new ByteArrayContent(bytes);
                request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
            }

            var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            if (!_retried.Contains(response.StatusCode) || attempt >= options.MaxAttempts || RetryDelay(response, attempt) is not { } delay)
            {
                return response;
            }

            response.Dispose();
            LogRetrying(logger, (int)response.StatusCode, operation, attempt, delay);
            await Task.Delay(delay, time, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Retry-After (seconds or a date; null when it asks for longer than we wait), else doubling backoff, capped.</summary>
    private TimeSpan? RetryDelay(HttpResponseMessage response, int attempt)
    {
        var retryAfter = response.Headers.RetryAfter switch
        {
            { Delta: { } delta } => delta,
            { Date: { } date } => date - time.GetUtcNow(),
            _ => (TimeSpan?)null,
        };
        if (retryAfter is { } requested)
        {
            var wait = requested < TimeSpan.Zero ? TimeSpan.Zero : requested;
            return wait <= options.MaxRetryDelay ? wait : null;
        }

        var backoff = options.BaseRetryDelay * Math.Pow(2, attempt - 1);
        return backoff <= options.MaxRetryDelay ? backoff : options.MaxRetryDelay;
    }

    private static async Task EnsureSuccessAsync(HttpResponseMessage response, string operation, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        string? code = null;
        try
        {
            code = (await response.Content.ReadFromJsonAsync<GraphWire.Error>(GraphWire.Options, cancellationToken).ConfigureAwait(false))?.Body?.Code;
        }
        catch (Exception exception) when (exception is JsonException or NotSupportedException)
        {
            // Not Graph's error shape; the status says enough.
        }

        // Graph's codes are short identifiers; anything else is not echoed.
        if (code is not null && (code.Length > 64 || !code.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-')))
        {
            code = null;
        }

        throw new GraphException($"Graph answered {(int)response.StatusCode} to {operation}.", response.StatusCode, code);
    }

    private Uri Resolve(string relative) => new(options.BaseUrl, relative);

    /// <summary>An @odata.nextLink is absolute; it is followed only when it stays under the base URL the token is for.</summary>
    private Uri NextPage(string link) =>
        Uri.TryCreate(link, UriKind.Absolute, out var uri) && IsUnderBaseUrl(uri)
            ? uri
            : throw new GraphException($"Graph's next page link leaves {GraphOptions.BaseUrlKey}; not followed.");

    private bool IsUnderBaseUrl(Uri uri) =>
        GraphOptions.IsAllowed(uri)
        && Uri.Compare(uri, options.BaseUrl, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) == 0
        && uri.AbsolutePath.StartsWith(options.BaseUrl.AbsolutePath, StringComparison.OrdinalIgnoreCase);

    private static string Escape(string id) => Uri.EscapeDataString(id);

    private static string CacheKey(string kind, string key) => kind + "|" + key.ToUpperInvariant();

    private static string Key(string value, string name)
    {
        if (string.IsNullOrWhiteSpace(value) || value.Length > MaxKeyLength || value.Any(char.IsControl))
        {
            throw new ArgumentException("Expected a directory id or UPN.", name);
        }

        return value.Trim();
    }

    private static string CatalogId(string catalogAppId) =>
        Guid.TryParse(catalogAppId, out var id) ? id.ToString("D") : throw new ArgumentException("Expected the app's catalog id (a GUID).", nameof(catalogAppId));

    [LoggerMessage(Level = LogLevel.Information, Message = "Graph answered {Status} to {Operation}; retry {Attempt} after {Delay}")]
    private static partial void LogRetrying(ILogger logger, int status, string operation, int attempt, TimeSpan delay);
}
