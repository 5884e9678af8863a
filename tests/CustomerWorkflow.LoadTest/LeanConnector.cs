using System.Buffers;
using System.Net;
using System.Text;
using System.Text.Json;
using CustomerWorkflow.Bot.Protocol;
using CustomerWorkflow.Bot.Protocol.Schema;
using CustomerWorkflow.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CustomerWorkflow.LoadTest;

/// <summary>
/// A Bot Connector on loopback over HTTPS (the test CA) that answers replies with 200 <c>{"id":…}</c> and only counts
/// them, so it costs the shared CPU as little as a connector can. Every <see cref="CheckEvery"/>th reply is read in
/// full and checked: it must carry the bot's token and answer about the customer the activity asked for.
/// </summary>
internal sealed class LeanConnector : IAsyncDisposable
{
    public const int CheckEvery = 64;

    private readonly WebApplication _app;
    private long _replies;
    private long _other;
    private long _checked;
    private long _badReplies;
    private long _sends;

    private LeanConnector(WebApplication app) => _app = app;

    /// <summary>The serviceUrl activities carry, with a regional path as Teams' have.</summary>
    public string ServiceUrl { get; private set; } = null!;

    public long Replies => Interlocked.Read(ref _replies);

    /// <summary>Calls other than replies (member lookups, sends): none are expected for a read command.</summary>
    public long Other => Interlocked.Read(ref _other);

    public long Checked => Interlocked.Read(ref _checked);

    public long BadReplies => Interlocked.Read(ref _badReplies);

    /// <summary>Proactive sends (<c>POST …/activities</c> without a reply id): the approve scenario's notices.</summary>
    public long Sends => Interlocked.Read(ref _sends);

    public static async Task<LeanConnector> StartAsync()
    {
        var app = LoopbackApp.Create();
        var connector = new LeanConnector(app);
        app.Run(connector.HandleAsync);
        await app.StartAsync();
        var port = LoopbackApp.Port(app);
        connector.ServiceUrl = $"https://localhost:{port}/amer/";
        return connector;
    }

    private async Task HandleAsync(HttpContext context)
    {
        // POST /amer/v3/conversations/{conversationId}/activities/{activityId} is a reply.
        var path = context.Request.Path.Value ?? string.Empty;
        const string prefix = "/amer/v3/conversations/";
        var marker = path.LastIndexOf("/activities/", StringComparison.Ordinal);
        if (HttpMethods.IsPost(context.Request.Method) && path.StartsWith(prefix, StringComparison.Ordinal) && path.EndsWith("/activities", StringComparison.Ordinal))
        {
            var sent = Interlocked.Increment(ref _sends);
            await DrainAsync(context.Request.Body, context.RequestAborted);
            context.Response.ContentType = "application/json; charset=utf-8";
            await context.Response.WriteAsync("{\"id\":\"s-" + sent.ToString(System.Globalization.CultureInfo.InvariantCulture) + "\"}", context.RequestAborted);
            return;
        }

        if (!HttpMethods.IsPost(context.Request.Method) || !path.StartsWith(prefix, StringComparison.Ordinal) || marker < 0)
        {
            Interlocked.Increment(ref _other);
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        var number = Interlocked.Increment(ref _replies);
        if (number % CheckEvery == 0)
        {
            Check(context, Uri.UnescapeDataString(path[(marker + "/activities/".Length)..]), await ReadAllAsync(context));
        }
        else
        {
            await DrainAsync(context.Request.Body, context.RequestAborted);
        }

        context.Response.ContentType = "application/json; charset=utf-8";
        await context.Response.WriteAsync("{\"id\":\"r-" + number.ToString(System.Globalization.CultureInfo.InvariantCulture) + "\"}", context.RequestAborted);
    }

    /// <summary>The activity id is <c>lt-{n}-{customer}</c>; its reply must be about that customer and carry the bot's token.</summary>
    private void Check(HttpContext context, string replyToId, byte[] body)
    {
        Interlocked.Increment(ref _checked);
        var customer = replyToId.StartsWith("lt-", StringComparison.Ordinal) && replyToId.IndexOf('-', 3) is > 0 and var dash ? replyToId[(dash + 1)..] : "?";
        Activity? reply = null;
        try
        {
            reply = JsonSerializer.Deserialize<Activity>(body, ProtocolJson.Options);
        }
        catch (JsonException)
        {
        }

        var good = reply is { Type: ActivityTypes.Message, Text: { } text }
            && reply.ReplyToId == replyToId
            && text.Contains(customer, StringComparison.Ordinal)
            && context.Request.Headers.Authorization.ToString() == "Bearer " + LoadTestHost.OutboundToken;
        if (!good)
        {
            Interlocked.Increment(ref _badReplies);
            if (Interlocked.Read(ref _badReplies) == 1)
            {
                Console.Error.WriteLine($"Unexpected reply to {replyToId}: {Encoding.UTF8.GetString(body)}");
            }
        }
    }

    private static async Task<byte[]> ReadAllAsync(HttpContext context)
    {
        using var memory = new MemoryStream();
        await context.Request.Body.CopyToAsync(memory, context.RequestAborted);
        return memory.ToArray();
    }

    private static async Task DrainAsync(Stream body, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(4096);
        try
        {
            while (await body.ReadAsync(buffer, cancellationToken) > 0)
            {
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
