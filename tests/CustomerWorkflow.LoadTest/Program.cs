using System.Diagnostics;
using System.Globalization;
using CustomerWorkflow.LoadTest;
using CustomerWorkflow.Testing;

// Load test of issue 3: `customer <id>` turns over authenticated POST /api/messages, replies to a loopback connector.
// Usage: load-test [--scenario read|approve] [--concurrency 32] [--duration 20] [--warmup 20] [--set Key=Value]…
var concurrency = 32;
var duration = 20.0;
var warmup = 20.0;
var tokenCount = 1;
var scenario = "read";
var proposals = 100_000;
var extra = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
for (var i = 0; i < args.Length; i++)
{
    string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
    switch (args[i])
    {
        case "--concurrency" or "-c":
            concurrency = int.Parse(Next(), CultureInfo.InvariantCulture);
            break;
        case "--duration" or "-d":
            duration = double.Parse(Next(), CultureInfo.InvariantCulture);
            break;
        case "--warmup" or "-w":
            warmup = double.Parse(Next(), CultureInfo.InvariantCulture);
            break;
        case "--scenario":
            scenario = Next();
            break;
        case "--proposals":
            proposals = int.Parse(Next(), CultureInfo.InvariantCulture);
            break;
        case "--tokens":
            tokenCount = int.Parse(Next(), CultureInfo.InvariantCulture);
            break;
        case "--set":
            var pair = Next();
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            extra[pair[..eq]] = pair[(eq + 1)..];
            break;
        default:
            Console.Error.WriteLine("usage: load-test [--scenario read|approve] [--proposals 100000] [--concurrency 32] [--duration 20] [--warmup 20] [--tokens 1] [--set Key=Value]…");
            return 2;
    }
}

if (concurrency < 1 || duration <= 0 || warmup < 0 || tokenCount < 1 || scenario is not ("read" or "approve") || proposals < 1)
{
    Console.Error.WriteLine("concurrency must be at least 1, duration positive, warm-up not negative.");
    return 2;
}

await using var host = await LoadTestHost.StartAsync(extra);
// By default one channel token for the whole run, as the channel reuses its token until it nears expiry (it is valid
// an hour). --tokens N rotates N distinct ones; more than the validator remembers makes every turn validate in full.
var now = DateTime.UtcNow;
var authorizations = Enumerable.Range(0, tokenCount)
    .Select(i => "Bearer " + ChannelAuthority.Token(serviceUrl: host.Connector.ServiceUrl, expires: now.AddMinutes(50).AddSeconds(i)))
    .ToArray();
IReadOnlyList<string> proposalIds = [];
IReadOnlyList<byte[]>? bodies = null;
if (scenario == "approve")
{
    Console.WriteLine($"Preparing {proposals:N0} customers with a pending proposal each…");
    (bodies, proposalIds) = await ApproveScenario.PrepareAsync(host, proposals);
    await ApproveScenario.MeetTheClerkAsync(host, authorizations[0]);
}

var generator = new LoadGenerator(host.MessagesUrl, host.Connector.ServiceUrl, authorizations, bodies);

Console.WriteLine($"Bot host {host.MessagesUrl} (authenticated, SQLite, sample data); connector {host.Connector.ServiceUrl}");
Console.WriteLine($"Load average before the run: {LoadAverage()} (other work on the machine skews the figures)");
Console.WriteLine($"Scenario {scenario}: {(scenario == "approve" ? "adaptiveCard/action approve invokes on distinct pending proposals (durable SQLite commits)" : "`customer <id>` messages")}");
Console.WriteLine($"{Environment.ProcessorCount} cores, server GC {System.Runtime.GCSettings.IsServerGC}; {concurrency} concurrent, warm-up {warmup:0.#} s, measured {duration:0.#} s, {tokenCount} channel token(s)");
var (workers, measured, cpu, allocated, collections) = await generator.RunAsync(concurrency, TimeSpan.FromSeconds(warmup), TimeSpan.FromSeconds(duration));

var latencies = workers.SelectMany(w => w.Latencies).Order().ToArray();
var errors = workers.SelectMany(w => w.Errors).GroupBy(e => e.Key).ToDictionary(g => g.Key, g => g.Sum(e => e.Value));
var ok = latencies.Length;
var totalOk = workers.Sum(w => w.TotalOk);
// Let the connector finish counting: every 200 was answered after its reply was, so this is only about reading the counter.
await Task.Delay(200);

double Ms(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;
double Percentile(double p) => latencies.Length == 0 ? double.NaN : Ms(latencies[Math.Min(latencies.Length - 1, (int)Math.Ceiling(p * latencies.Length) - 1)]);

var table = new List<(string Name, string Value)>
{
    ("turns/s", (ok / measured.TotalSeconds).ToString("N0", CultureInfo.InvariantCulture)),
    ("turns (measured)", ok.ToString("N0", CultureInfo.InvariantCulture)),
    ("p50 ms", Percentile(0.50).ToString("0.00", CultureInfo.InvariantCulture)),
    ("p90 ms", Percentile(0.90).ToString("0.00", CultureInfo.InvariantCulture)),
    ("p99 ms", Percentile(0.99).ToString("0.00", CultureInfo.InvariantCulture)),
    ("max ms", (latencies.Length == 0 ? double.NaN : Ms(latencies[^1])).ToString("0.00", CultureInfo.InvariantCulture)),
    ("CPU ms per turn", (ok == 0 ? double.NaN : cpu.TotalMilliseconds / ok).ToString("0.000", CultureInfo.InvariantCulture) + $" (whole process, {cpu.TotalSeconds / measured.TotalSeconds:0.00} cores busy)"),
    ("allocated per turn", (ok == 0 ? double.NaN : allocated / 1024.0 / ok).ToString("0.0", CultureInfo.InvariantCulture) + $" KB (whole process; {collections} gen0 GCs)"),
    ("errors", errors.Count == 0 ? "none" : string.Join(", ", errors.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => $"{e.Key}: {e.Value}"))),
    ("200s (whole run)", totalOk.ToString("N0", CultureInfo.InvariantCulture)),
    ("replies at connector", host.Connector.Replies.ToString("N0", CultureInfo.InvariantCulture)),
    ("replies checked / bad", $"{host.Connector.Checked:N0} / {host.Connector.BadReplies:N0}"),
    ("other connector calls", host.Connector.Other.ToString("N0", CultureInfo.InvariantCulture)),
};
var width = table.Max(r => r.Name.Length);
Console.WriteLine();
foreach (var (name, value) in table)
{
    Console.WriteLine($"  {name.PadRight(width)}  {value}");
}

var delivered = scenario == "approve" || host.Connector.Replies == totalOk;
if (scenario == "approve")
{
    var (applied, pending) = await ApproveScenario.CountAsync(host, proposalIds);
    Console.WriteLine($"  {"approvals".PadRight(width)}  {ApproveScenario.Describe(applied, pending, totalOk, host.Connector.Sends)}");
    delivered = applied == totalOk;
}

if (!delivered)
{
    Console.WriteLine($"\nMISMATCH: {totalOk} turns answered 200 but the connector received {host.Connector.Replies} replies.");
}

static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

return delivered && host.Connector.BadReplies == 0 && ok > 0 ? 0 : 1;
