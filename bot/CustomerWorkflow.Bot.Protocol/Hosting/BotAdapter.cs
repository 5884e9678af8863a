using System.Buffers;
using System.Net;
using System.Text.Json;
using CustomerWorkflow.Bot.Protocol.Authentication;
using CustomerWorkflow.Bot.Protocol.Connector;
using CustomerWorkflow.Bot.Protocol.Schema;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace CustomerWorkflow.Bot.Protocol.Hosting;

/// <summary>
/// Answers <c>POST /api/messages</c> the way Azure Bot Service expects (BOT-PROTOCOL §1) and runs turns (the SDK's
/// <c>CloudAdapter</c>): 405 for other methods, 413 over the size limit, 400 for a body that is not an activity,
/// 401 when authentication fails (before anything else happens), 200 for every other activity, and for an invoke the
/// status and body its handler answered (501 when nobody did). Bad input never becomes a 500.
/// </summary>
public sealed partial class BotAdapter
{
    private readonly BotProtocolOptions _options;
    private readonly ChannelTokenValidator _validator;
    private readonly ConnectorClient _connector;
    private readonly IActivityDeduplicator _deduplicator;
    private readonly ILogger _logger;

    public BotAdapter(
        BotProtocolOptions options,
        ChannelTokenValidator validator,
        ConnectorClient connector,
        IActivityDeduplicator deduplicator,
        ILogger<BotAdapter>? logger = null)
    {
        _options = options;
        _validator = validator;
        _connector = connector;
        _deduplicator = deduplicator;
        _logger = logger ?? (ILogger)NullLogger.Instance;
    }

    /// <summary>
    /// A channel on this host that has no tokens to give (the built-in web chat when it is enabled beside an app id):
    /// when it says yes for a request without a valid token, the activity is taken as unauthenticated — nothing it names
    /// is trusted, so the bot's token never goes to its serviceUrl. Null: only tokens count.
    /// </summary>
    public Func<HttpContext, Activity, bool>? AcceptWithoutToken { get; set; }

    /// <summary>Runs when a turn throws: tell the user, log the rest. The default sends a short apology.</summary>
    public Func<ITurnContext, Exception, CancellationToken, Task>? OnTurnError { get; set; }

    /// <summary>The <see cref="ITurnContext.TurnState"/> key of a bool: true when the channel's token was verified.</summary>
    public const string AuthenticatedKey = "CustomerWorkflow.Bot.Protocol.Authenticated";

    public ConnectorClient Connector => _connector;

    public async Task ProcessAsync(HttpContext http, IBot bot)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(bot);
        var request = http.Request;
        var response = http.Response;
        var cancellationToken = http.RequestAborted;

        if (!HttpMethods.IsPost(request.Method))
        {
            response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            response.Headers.Allow = "POST";
            return;
        }

        if (request.ContentLength > _options.MaxActivityBytes)
        {
            response.StatusCode = StatusCodes.Status413PayloadTooLarge;
            return;
        }

        if (_options.IsAnonymous && !IsLocal(http.Connection.RemoteIpAddress))
        {
            // Development mode has no tokens to check, so it only ever listens to this machine (BOT-PROTOCOL §2.8).
            LogAnonymousRemote(_logger);
            response.StatusCode = StatusCodes.Status401Unauthorized;
            return;
        }

        var (activity, status) = await ReadActivityAsync(request, cancellationToken).ConfigureAwait(false);
        if (activity is null)
        {
            response.StatusCode = status;
            return;
        }

        var authentication = await _validator.AuthenticateAsync(request.Headers.Authorization, activity, cancellationToken).ConfigureAwait(false);
        if (!authentication.Succeeded && string.IsNullOrEmpty(request.Headers.Authorization) && AcceptWithoutToken?.Invoke(http, activity) == true)
        {
            authentication = BotAuthenticationResult.Anonymous();
        }

        if (!authentication.Succeeded)
        {
            response.StatusCode = StatusCodes.Status401Unauthorized;
            return;
        }

        if (authentication.IsAnonymous && !IsLoopbackUrl(activity.ServiceUrl))
        {
            // Unauthenticated input must not choose where the bot sends HTTP requests: in development only loopback.
            LogAnonymousServiceUrl(_logger);
            response.StatusCode = StatusCodes.Status401Unauthorized;
            return;
        }

        var invoke = await RunDeduplicatedAsync(activity, bot, !authentication.IsAnonymous, cancellationToken).ConfigureAwait(false);
        if (activity.Type != ActivityTypes.Invoke)
        {
            response.StatusCode = StatusCodes.Status200OK;
            return;
        }

        if (invoke is null)
        {
            response.StatusCode = StatusCodes.Status501NotImplemented;
            return;
        }

        response.StatusCode = invoke.Status;
        if (invoke.Body is not null)
        {
            await response.WriteAsJsonAsync(invoke.Body, invoke.Body.GetType(), ProtocolJson.Options, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Runs <paramref name="callback"/> in a turn on a stored conversation (a proactive message).</summary>
    public async Task ContinueConversationAsync(ConversationReference reference, Func<ITurnContext, CancellationToken, Task> callback, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(callback);
        var activity = new Activity
        {
            Type = ActivityTypes.Event,
            Name = "ContinueConversation",
            ServiceUrl = reference.ServiceUrl,
            ChannelId = reference.ChannelId,
            Conversation = reference.Conversation,
            From = reference.User,
            Recipient = reference.Bot,
        };
        var context = new TurnContext(activity, _connector);
        context.TurnState[AuthenticatedKey] = false;
        await callback(context, cancellationToken).ConfigureAwait(false);
    }

    private async Task<InvokeResponse?> RunDeduplicatedAsync(Activity activity, IBot bot, bool authenticated, CancellationToken cancellationToken)
    {
        var key = string.IsNullOrEmpty(activity.Id) ? null : $"{activity.ChannelId}|{activity.Conversation?.Id}|{activity.Id}";
        if (key is not null && !_deduplicator.TryBegin(key, out var first))
        {
            LogDuplicate(_logger, activity.Type);
            return await first.WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        var context = new TurnContext(activity, _connector);
        context.TurnState[AuthenticatedKey] = authenticated;
        try
        {
            await bot.OnTurnAsync(context, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogTurnFailed(_logger, exception, activity.Type);
            context.InvokeResponse = activity.Type == ActivityTypes.Invoke
                ? new InvokeResponse(500, AdaptiveCardInvokeResponse.Error(500, "InternalError", "Something went wrong; the action was not taken."))
                : null;
            await ReportTurnErrorAsync(context, exception, cancellationToken).ConfigureAwait(false);
            if (key is not null)
            {
                _deduplicator.Abandon(key);
            }

            return context.InvokeResponse;
        }
        catch
        {
            if (key is not null)
            {
                _deduplicator.Abandon(key);
            }

            throw;
        }

        if (key is not null)
        {
            _deduplicator.Complete(key, context.InvokeResponse);
        }

        return context.InvokeResponse;
    }

    private async Task ReportTurnErrorAsync(TurnContext context, Exception exception, CancellationToken cancellationToken)
    {
        try
        {
            if (OnTurnError is not null)
            {
                await OnTurnError(context, exception, cancellationToken).ConfigureAwait(false);
            }
            else if (context.Activity.Type == ActivityTypes.Message)
            {
                await context.SendActivityAsync("Sorry, something went wrong on my side. Nothing was changed; please try again.", cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception reportFailure) when (reportFailure is not OperationCanceledException)
        {
            LogTurnErrorReportFailed(_logger, reportFailure);
        }
    }

    private async Task<(Activity? Activity, int Status)> ReadActivityAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var limit = _options.MaxActivityBytes;
        var buffer = ArrayPool<byte>.Shared.Rent(request.ContentLength is { } length and > 0 ? (int)Math.Min(length, limit) + 1 : 16 * 1024);
        try
        {
            var read = 0;
            while (true)
            {
                if (read == buffer.Length)
                {
                    if (buffer.Length > limit)
                    {
                        return (null, StatusCodes.Status413PayloadTooLarge);
                    }

                    var larger = ArrayPool<byte>.Shared.Rent(Math.Min(buffer.Length * 2, limit + 1));
                    buffer.AsSpan(0, read).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }

                var n = await request.Body.ReadAsync(buffer.AsMemory(read), cancellationToken).ConfigureAwait(false);
                if (n == 0)
                {
                    break;
                }

                read += n;
                if (read > limit)
                {
                    return (null, StatusCodes.Status413PayloadTooLarge);
                }
            }

            Activity? activity;
            try
            {
                activity = JsonSerializer.Deserialize<Activity>(buffer.AsSpan(0, read), ProtocolJson.Options);
            }
            catch (JsonException)
            {
                return (null, StatusCodes.Status400BadRequest);
            }

            return activity is { Type.Length: > 0 } ? (activity, StatusCodes.Status200OK) : (null, StatusCodes.Status400BadRequest);
        }
        catch (BadHttpRequestException exception)
        {
            return (null, exception.StatusCode);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Null is an in-process server (tests); anything else must be this machine.</summary>
    private static bool IsLocal(IPAddress? address) => address is null || IPAddress.IsLoopback(address);

    private static bool IsLoopbackUrl(string? serviceUrl) =>
        Uri.TryCreate(serviceUrl, UriKind.Absolute, out var uri)
        && (uri.IsLoopback || (IPAddress.TryParse(uri.Host, out var ip) && IPAddress.IsLoopback(ip)));

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused a request from another machine: anonymous mode (no MicrosoftAppId) accepts only loopback")]
    private static partial void LogAnonymousRemote(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused an anonymous activity whose serviceUrl is not loopback")]
    private static partial void LogAnonymousServiceUrl(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Ignored a redelivered {Type} activity")]
    private static partial void LogDuplicate(ILogger logger, string? type);

    [LoggerMessage(Level = LogLevel.Error, Message = "A {Type} turn failed")]
    private static partial void LogTurnFailed(ILogger logger, Exception exception, string? type);

    [LoggerMessage(Level = LogLevel.Error, Message = "Telling the user about a failed turn failed too")]
    private static partial void LogTurnErrorReportFailed(ILogger logger, Exception exception);
}
