using System.Diagnostics;
using Activity = CustomerWorkflow.Bot.Protocol.Schema.Activity;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using CustomerWorkflow.Bot.Protocol;
using CustomerWorkflow.Bot.Protocol.Schema;
using CustomerWorkflow.Core.Samples;

namespace CustomerWorkflow.LoadTest;

/// <summary>What one worker saw in the measured window.</summary>
internal sealed class WorkerResult
{
    public List<long> Latencies { get; } = new(capacity: 1 << 16);

    public Dictionary<string, long> Errors { get; } = new(StringComparer.Ordinal);

    /// <summary>200s over the whole run, warm-up included (to compare with the connector's count).</summary>
    public long TotalOk { get; set; }

    public void Error(string what) => Errors[what] = Errors.GetValueOrDefault(what) + 1;
}

/// <summary>
/// Closed-loop load: <c>concurrency</c> workers, each sending one authenticated Teams activity, awaiting the answer,
/// and sending the next. Bodies are serialised once per customer, with only the activity id spliced in per request.
/// </summary>
/// <param name="bodies">When given, each turn takes the next of these pre-built bodies (the approve scenario), once each.</param>
internal sealed class LoadGenerator(Uri messagesUrl, string serviceUrl, IReadOnlyList<string> authorizations, IReadOnlyList<byte[]>? bodies = null)
{
    private const string IdPlaceholder = "@@ACTIVITY-ID@@";
    private static readonly byte[] _invokeOk = Encoding.ASCII.GetBytes("\"statusCode\":200");
    private readonly (byte[] Head, byte[] Tail, string Customer)[] _templates = BuildTemplates(serviceUrl);
    private long _sequence;
    private int _nextBody = -1;

    /// <summary>Runs the load; also measures this process's CPU time in the measured window (host, connector and generator together).</summary>
    public async Task<(WorkerResult[] Workers, TimeSpan Measured, TimeSpan Cpu, long Allocated, int Collections)> RunAsync(int concurrency, TimeSpan warmup, TimeSpan duration)
    {
        using var handler = new SocketsHttpHandler
        {
            UseProxy = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
            MaxConnectionsPerServer = concurrency,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
        };
        using var client = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(30) };
        var start = Stopwatch.GetTimestamp();
        var measureFrom = start + (long)(warmup.TotalSeconds * Stopwatch.Frequency);
        var measureTo = measureFrom + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var workers = Enumerable.Range(0, concurrency).Select(w => Task.Run(() => WorkAsync(client, w, measureFrom, measureTo))).ToArray();
        await Task.Delay(warmup);
        var cpuFrom = Process.GetCurrentProcess().TotalProcessorTime;
        var allocatedFrom = GC.GetTotalAllocatedBytes();
        var collectionsFrom = GC.CollectionCount(0);
        await Task.Delay(duration);
        var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuFrom;
        var allocated = GC.GetTotalAllocatedBytes() - allocatedFrom;
        var collections = GC.CollectionCount(0) - collectionsFrom;
        var results = await Task.WhenAll(workers);
        return (results, duration, cpu, allocated, collections);
    }

    private async Task<WorkerResult> WorkAsync(HttpClient client, int worker, long measureFrom, long measureTo)
    {
        var result = new WorkerResult();
        var turn = worker;
        while (true)
        {
            var sent = Stopwatch.GetTimestamp();
            if (sent >= measureTo)
            {
                return result;
            }

            HttpContent content;
            if (bodies is not null)
            {
                var index = Interlocked.Increment(ref _nextBody);
                if (index >= bodies.Count)
                {
                    result.Error("ran out of pending proposals");
                    return result;
                }

                content = new ByteArrayContent(bodies[index]);
                content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
                turn++;
            }
            else
            {
                var template = _templates[turn++ % _templates.Length];
                var id = "lt-" + Interlocked.Increment(ref _sequence).ToString(CultureInfo.InvariantCulture) + "-" + template.Customer;
                content = Body(template.Head, id, template.Tail);
            }

            using var request = new HttpRequestMessage(HttpMethod.Post, messagesUrl) { Content = content };
            request.Headers.TryAddWithoutValidation("Authorization", authorizations[turn % authorizations.Count]);
            string? error = null;
            try
            {
                using var response = await client.SendAsync(request, bodies is null ? HttpCompletionOption.ResponseHeadersRead : HttpCompletionOption.ResponseContentRead);
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    error = ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture);
                }
                else if (bodies is not null && (await response.Content.ReadAsByteArrayAsync()).AsSpan().IndexOf(_invokeOk) < 0)
                {
                    error = "invoke answered without statusCode 200";
                }
                else
                {
                    result.TotalOk++;
                }
            }
            catch (HttpRequestException exception)
            {
                error = exception.HttpRequestError.ToString();
            }
            catch (TaskCanceledException)
            {
                error = "timeout";
            }

            var done = Stopwatch.GetTimestamp();
            if (sent < measureFrom || done > measureTo)
            {
                continue;
            }

            if (error is null)
            {
                result.Latencies.Add(done - sent);
            }
            else
            {
                result.Error(error);
            }
        }
    }

    private static ByteArrayContent Body(byte[] head, string id, byte[] tail)
    {
        var bytes = new byte[head.Length + id.Length + tail.Length];
        head.CopyTo(bytes, 0);
        Encoding.ASCII.GetBytes(id, bytes.AsSpan(head.Length));
        tail.CopyTo(bytes, head.Length + id.Length);
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        return content;
    }

    /// <summary>A Teams message from the sample clerk in their 1:1 chat, <c>customer &lt;id&gt;</c>, for each sample customer.</summary>
    private static (byte[] Head, byte[] Tail, string Customer)[] BuildTemplates(string serviceUrl) =>
        SampleData.Customers.Select(customer =>
        {
            var activity = new Activity
            {
                Type = ActivityTypes.Message,
                Id = IdPlaceholder,
                ChannelId = "msteams",
                ServiceUrl = serviceUrl,
                Timestamp = DateTimeOffset.UtcNow,
                From = new ChannelAccount { Id = "29:sample-clerk", Name = "Chloe Clerk", AadObjectId = "sample-clerk" },
                Recipient = new ChannelAccount { Id = "28:customer-workflow-bot", Name = "Customer Workflow" },
                Conversation = new ConversationAccount { Id = "a:29:sample-clerk", ConversationType = "personal", TenantId = LoadTestHost.TenantId },
                ChannelData = JsonSerializer.SerializeToElement(new { tenant = new { id = LoadTestHost.TenantId } }),
                Locale = "en-US",
                Text = "customer " + customer.Id,
                TextFormat = "plain",
            };
            var json = JsonSerializer.Serialize(activity, ProtocolJson.Options);
            var at = json.IndexOf(IdPlaceholder, StringComparison.Ordinal);
            return (Encoding.UTF8.GetBytes(json[..at]), Encoding.UTF8.GetBytes(json[(at + IdPlaceholder.Length)..]), customer.Id);
        }).ToArray();
}
