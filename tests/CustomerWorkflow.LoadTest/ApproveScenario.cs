using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using CustomerWorkflow.Bot.Conversation;
using CustomerWorkflow.Bot.Protocol;
using CustomerWorkflow.Bot.Protocol.Schema;
using CustomerWorkflow.Core;
using CustomerWorkflow.Core.Customers;
using CustomerWorkflow.Core.Engine;
using CustomerWorkflow.Core.Proposals;
using CustomerWorkflow.Core.Samples;
using CustomerWorkflow.Core.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace CustomerWorkflow.LoadTest;

/// <summary>
/// The approve scenario (issue 4): distinct pending proposals, each approved once by an authenticated
/// <c>adaptiveCard/action</c> invoke from the sample approver, as a click on the card's Approve sends it. The invoke's
/// answer is the refreshed card; the submitter's notice and card updates happen after it, in the background.
/// </summary>
internal static class ApproveScenario
{
    public const string Approver = "sample-approver";

    /// <summary>Creates <paramref name="count"/> customers with a submitted proposal each, and the invoke body that approves each.</summary>
    public static async Task<(IReadOnlyList<byte[]> Bodies, IReadOnlyList<string> ProposalIds)> PrepareAsync(LoadTestHost host, int count)
    {
        var services = host.App.Services;
        var store = services.GetRequiredService<IWorkflowStore>();
        var engine = services.GetRequiredService<ProposalEngine>();
        var template = SampleData.Customers[0];
        var ids = Enumerable.Range(1, count).Select(i => "LT-" + i.ToString("D6", CultureInfo.InvariantCulture)).ToList();
        foreach (var batch in ids.Chunk(1000))
        {
            var writes = batch.Select(id => new RecordWrite(new Customer(id, template.Values.ToDictionary(v => v.Key, v => v.Key == "Name" ? "Load test " + id : v.Value)), null, 0, 0)).ToList();
            await store.CommitAsync(writes);
        }

        var clerk = new Actor("sample-clerk", "Chloe Clerk", Roles.Clerk);
        var versions = new ConcurrentDictionary<string, (string ProposalId, long Version)>(StringComparer.Ordinal);
        await Parallel.ForEachAsync(ids, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (id, ct) =>
        {
            await engine.SetFieldsAsync(clerk, id, [new("CreditLimit", "300000")], ct);
            var submitted = await engine.SubmitAsync(clerk, id, "load test", ct);
            versions[id] = (submitted.Proposal.Id, submitted.Proposal.Version);
        });

        // The preparation wrote ~3 commits per proposal; start the measurement from a checkpointed, empty WAL as a
        // database that has been running a while would be, instead of one holding the whole preparation.
        var database = services.GetRequiredService<CustomerWorkflow.Bot.Hosting.WorkflowHostOptions>().DatabasePath;
        using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={database}"))
        {
            connection.Open();
            using var checkpoint = connection.CreateCommand();
            checkpoint.CommandText = "PRAGMA wal_checkpoint(TRUNCATE);";
            checkpoint.ExecuteNonQuery();
        }

        var bodies = new List<byte[]>(count);
        var proposals = new List<string>(count);
        var n = 0;
        foreach (var id in ids)
        {
            var (proposalId, version) = versions[id];
            proposals.Add(proposalId);
            var activity = new Activity
            {
                Type = ActivityTypes.Invoke,
                Name = InvokeNames.AdaptiveCardAction,
                Id = "ap-" + (++n).ToString(CultureInfo.InvariantCulture),
                ChannelId = "msteams",
                ServiceUrl = host.Connector.ServiceUrl,
                Timestamp = DateTimeOffset.UtcNow,
                From = new ChannelAccount { Id = "29:" + Approver, Name = "Arun Approver", AadObjectId = Approver },
                Recipient = new ChannelAccount { Id = "28:customer-workflow-bot", Name = "Customer Workflow" },
                Conversation = new ConversationAccount { Id = "a:29:" + Approver, ConversationType = "personal", TenantId = LoadTestHost.TenantId },
                ChannelData = JsonSerializer.SerializeToElement(new { tenant = new { id = LoadTestHost.TenantId } }),
                Value = JsonSerializer.SerializeToElement(new
                {
                    action = new { type = "Action.Execute", id = "approve", verb = "approve", data = new { verb = "approve", proposalId, version } },
                    trigger = "manual",
                }),
            };
            bodies.Add(JsonSerializer.SerializeToUtf8Bytes(activity, ProtocolJson.Options));
        }

        return (bodies, proposals);
    }

    /// <summary>The clerk writes once, so the bot has their 1:1 chat and each approval's notice goes out proactively.</summary>
    public static async Task MeetTheClerkAsync(LoadTestHost host, string authorization)
    {
        var activity = new Activity
        {
            Type = ActivityTypes.Message,
            Id = "meet-clerk",
            ChannelId = "msteams",
            ServiceUrl = host.Connector.ServiceUrl,
            From = new ChannelAccount { Id = "29:sample-clerk", Name = "Chloe Clerk", AadObjectId = "sample-clerk" },
            Recipient = new ChannelAccount { Id = "28:customer-workflow-bot", Name = "Customer Workflow" },
            Conversation = new ConversationAccount { Id = "a:29:sample-clerk", ConversationType = "personal", TenantId = LoadTestHost.TenantId },
            Text = "help",
        };
        using var client = new HttpClient();
        using var content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(activity, ProtocolJson.Options));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, host.MessagesUrl) { Content = content };
        request.Headers.TryAddWithoutValidation("Authorization", authorization);
        using var response = await client.SendAsync(request);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>After the run: how many of the proposals are applied (each approval must land exactly once).</summary>
    public static async Task<(int Applied, int Pending)> CountAsync(LoadTestHost host, IReadOnlyList<string> proposalIds)
    {
        await host.App.Services.GetRequiredService<DeliveryQueue>().WhenIdleAsync().WaitAsync(TimeSpan.FromMinutes(2));
        var engine = host.App.Services.GetRequiredService<ProposalEngine>();
        var applied = 0;
        var pending = 0;
        foreach (var id in proposalIds)
        {
            var status = (await engine.GetProposalAsync(id)).Status;
            applied += status == ProposalStatus.Applied ? 1 : 0;
            pending += status == ProposalStatus.PendingApproval ? 1 : 0;
        }

        return (applied, pending);
    }

    public static string Describe(int applied, int pending, long ok, long notices) =>
        new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"applied {applied:N0} (= 200s {ok:N0}: {(applied == ok ? "yes" : "NO")}), still pending {pending:N0}, notices at connector {notices:N0}")
            .ToString();
}
