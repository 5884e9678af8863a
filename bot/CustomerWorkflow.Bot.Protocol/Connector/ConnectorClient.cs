using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using CustomerWorkflow.Bot.Protocol.Schema;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace CustomerWorkflow.Bot.Protocol.Connector;

/// <summary>
/// The Bot Connector REST API v3, relative to an activity's serviceUrl (BOT-PROTOCOL §3). Ids are escaped; the
/// serviceUrl's own path (such as <c>/amer/</c>) is kept. Throttling and gateway answers are retried with backoff and
/// jitter, honouring Retry-After; refusals are not. The bot's token is attached only for trusted serviceUrls.
/// </summary>
public sealed partial class ConnectorClient
{
    private static readonly HttpStatusCode[] _retried =
    [
        HttpStatusCode.TooManyRequests,
        HttpStatusCode.PreconditionFailed,
        HttpStatusCode.BadGateway,
        HttpStatusCode.GatewayTimeout,
    ];

    private readonly HttpClient _http;
    private readonly IChannelTokenProvider _tokens;
    private readonly TrustedServiceUrls _trusted;
    private readonly ConnectorRetryOptions _retry;
    private readonly Func<TimeSpan, CancellationToken, Task> _delay;
    private readonly ILogger _logger;

    public ConnectorClient(
        HttpClient http,
        IChannelTokenProvider tokens,
        TrustedServiceUrls trusted,
        ConnectorRetryOptions? retry = null,
        Func<TimeSpan, CancellationToken, Task>? delay = null,
        ILogger<ConnectorClient>? logger = null)
    {
        _http = http;
        _tokens = tokens;
        _trusted = trusted;
        _retry = retry ?? new ConnectorRetryOptions();
        _delay = delay ?? Task.Delay;
        _logger = logger ?? (ILogger)NullLogger.Instance;
    }

    public Task<ResourceResponse> SendToConversationAsync(string serviceUrl, string conversationId, Activity activity, CancellationToken cancellationToken) =>
        SendAsync<ResourceResponse>(HttpMethod.Post, serviceUrl, $"v3/conversations/{Escape(conversationId)}/activities", activity, cancellationToken);

    public Task<ResourceResponse> ReplyToActivityAsync(string serviceUrl, string conversationId, string activityId, Activity activity, CancellationToken cancellationToken) =>
        SendAsync<ResourceResponse>(HttpMethod.Post, serviceUrl, ActivityPath(conversationId, activityId), activity, cancellationToken);

    public Task<ResourceResponse> UpdateActivityAsync(string serviceUrl, string conversationId, string activityId, Activity activity, CancellationToken cancellationToken) =>
        SendAsync<ResourceResponse>(HttpMethod.Put, serviceUrl, ActivityPath(conversationId, activityId), activity, cancellationToken);

    public Task DeleteActivityAsync(string serviceUrl, string conversationId, string activityId, CancellationToken cancellationToken) =>
        SendAsync<object>(HttpMethod.Delete, serviceUrl, ActivityPath(conversationId, activityId), null, cancellationToken);

    public Task<ConversationResourceResponse> CreateConversationAsync(string serviceUrl, ConversationParameters parameters, CancellationToken cancellationToken) =>
        SendAsync<ConversationResourceResponse>(HttpMethod.Post, serviceUrl, "v3/conversations", parameters, cancellationToken);

    public Task<TeamsChannelAccount> GetConversationMemberAsync(string serviceUrl, string conversationId, string memberId, CancellationToken cancellationToken) =>
        SendAsync<TeamsChannelAccount>(HttpMethod.Get, serviceUrl, $"v3/conversations/{Escape(conversationId)}/members/{Escape(memberId)}", null, cancellationToken);

    private static string ActivityPath(string conversationId, string activityId) =>
        $"v3/conversations/{Escape(conversationId)}/activities/{Escape(activityId)}";

    private static string Escape(string id) => Uri.EscapeDataString(id);

    private static Uri Resolve(string serviceUrl, string relative)
    {
        if (!Uri.TryCreate(serviceUrl, UriKind.Absolute, out var baseUri) || (baseUri.Scheme != Uri.UriSchemeHttps && baseUri.Scheme != Uri.UriSchemeHttp))
        {
            throw new ArgumentException("The serviceUrl must be an absolute http(s) URL.", nameof(serviceUrl));
        }

        // A base without a trailing slash would lose its last segment (…/amer) when resolved against.
        var withSlash = baseUri.AbsoluteUri.EndsWith('/') ? baseUri : new Uri(baseUri.AbsoluteUri + "/");
        return new Uri(withSlash, relative);
    }

    private async Task<T> SendAsync<T>(HttpMethod method, string serviceUrl, string relative, object? body, CancellationToken cancellationToken)
    {
        var uri = Resolve(serviceUrl, relative);
        // Serialised once, straight to UTF-8, and sent again as is on a retry.
        var bodyBytes = body is null ? null : JsonSerializer.SerializeToUtf8Bytes(body, body.GetType(), ProtocolJson.Options);
        var token = uri.Scheme == Uri.UriSchemeHttps && _trusted.IsTrusted(serviceUrl)
            ? await _tokens.GetTokenAsync(cancellationToken).ConfigureAwait(false)
            : null;

        for (var attempt = 1; ; attempt++)
        {
            using var request = new HttpRequestMessage(method, uri);
            if (bodyBytes is not null)
            {
                request.Content = new ByteArrayContent(bodyBytes);
                request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
            }

            if (token is not null)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            }

            using var response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            if (response.IsSuccessStatusCode)
            {
                if (response.Content.Headers.ContentLength == 0 || typeof(T) == typeof(object))
                {
                    return default!;
                }

                return (await response.Content.ReadFromJsonAsync<T>(ProtocolJson.Options, cancellationToken).ConfigureAwait(false))!;
            }

            if (attempt >= _retry.MaxAttempts || !_retried.Contains(response.StatusCode) || RetryDelay(response, attempt) is not { } delay)
            {
                throw new ConnectorException(response.StatusCode, $"The connector answered {(int)response.StatusCode} to {method}.");
            }

            LogRetrying(_logger, (int)response.StatusCode, attempt, delay);
            await _delay(delay, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Retry-After when the channel gives it (null when it asks for longer than we wait), else backoff with jitter.</summary>
    private TimeSpan? RetryDelay(HttpResponseMessage response, int attempt)
    {
        var retryAfter = response.Headers.RetryAfter switch
        {
            { Delta: { } delta } => delta,
            { Date: { } date } => date - DateTimeOffset.UtcNow,
            _ => (TimeSpan?)null,
        };
        if (retryAfter is { } requested)
        {
            var wait = requested < TimeSpan.Zero ? TimeSpan.Zero : requested;
            return wait <= _retry.MaxDelay ? wait : null;
        }

        var exponential = _retry.BaseDelay * Math.Pow(2, attempt - 1);
        var jitter = exponential * Random.Shared.NextDouble() / 2;
        var backoff = exponential + jitter;
        return backoff <= _retry.MaxDelay ? backoff : _retry.MaxDelay;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Connector answered {Status}; retry {Attempt} after {Delay}")]
    private static partial void LogRetrying(ILogger logger, int status, int attempt, TimeSpan delay);
}

public sealed class ConnectorRetryOptions
{
    /// <summary>Attempts in all, the first included.</summary>
    public int MaxAttempts { get; set; } = 4;

    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest wait between attempts; a Retry-After beyond it ends the retries.</summary>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(30);
}

public sealed class ConnectorException(HttpStatusCode statusCode, string message) : Exception(message)
{
    public HttpStatusCode StatusCode { get; } = statusCode;
}
