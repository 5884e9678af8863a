using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using CustomerWorkflow.Bot.Protocol.Schema;
using CustomerWorkflow.Bot.Tests.Infrastructure;
using CustomerWorkflow.Core.Customers;
using CustomerWorkflow.Core.Proposals;
using CustomerWorkflow.Core.Samples;
using CustomerWorkflow.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace CustomerWorkflow.Bot.Tests.Storage;

/// <summary>
/// Two instances of the bot on one Cosmos DB container (two hosts, each with its own client, behind one channel):
/// approvals of one proposal racing on both land exactly once and the loser gets a plain answer, approvals of
/// different proposals spread over both all land, and one activity delivered to both is acted on once (a command
/// through the idempotency claim the hosts share in the store, a card click through the card's version).
/// </summary>
public sealed class CosmosTwoHostsTests(CosmosServerFixture cosmos) : IClassFixture<CosmosServerFixture>, IAsyncLifetime
{
    private const string NewCreditLimit = "424242";

    private readonly UnitWriteRace _race = new();
    private FakeChannel _channel = null!;
    private BotTestHost _a = null!;
    private BotTestHost _b = null!;

    private CosmosServer Server => cosmos.Server;

    public async Task InitializeAsync()
    {
        _channel = await FakeChannel.StartAsync();
        var database = "cw" + Guid.NewGuid().ToString("N")[..8];
        // A loads the sample data into the new container; B finds it there.
        _a = await StartHostAsync(database);
        _b = await StartHostAsync(database);
        (await _a.Clerk.SendAsync("hi")).ReplyText("help");
        (await _a.Approver.SendAsync("hi")).ReplyText("help");
        (await _b.Finance.SendAsync("hi")).ReplyText("help");
    }

    public async Task DisposeAsync()
    {
        // Null when the start failed part way.
        foreach (var host in new[] { _a, _b }.Where(h => h is not null))
        {
            await host.DisposeAsync();
        }

        if (_channel is not null)
        {
            await _channel.DisposeAsync();
        }
    }

    [Fact]
    public async Task Approvals_of_one_proposal_racing_on_both_hosts_land_exactly_once()
    {
        var proposals = await ProposeAsync(SampleData.Customers.Take(10));
        for (var i = 0; i < proposals.Count; i++)
        {
            var proposal = proposals[i];
            // Even rounds: Arun on A and Farah on B (either one completes the step); odd rounds: Arun's click reaches both.
            var (onA, onB) = i % 2 == 0 ? (_a.Approver, _b.Finance) : (_a.Approver, _b.Approver);
            var meeting = _race.Arm(proposal.CustomerId);

            var clicks = await Task.WhenAll(
                onA.ClickAsync(CardFor(onA, proposal.Id), "Approve"),
                onB.ClickAsync(CardFor(onB, proposal.Id), "Approve"));

            Assert.Equal(2, meeting.Arrived);
            Assert.All(clicks, click =>
            {
                Assert.Equal(HttpStatusCode.OK, click.Status);
                Assert.Equal("application/vnd.microsoft.card.adaptive", (string?)click.InvokeBody["type"]);
                Assert.Contains("Approved and applied by", CardText(click), StringComparison.Ordinal);
            });
            // The losing click is told what happened: someone else decided, or (the same person's click twice) they did.
            var loser = i % 2 == 0 ? $"You can't approve proposal {proposal.Id}: it is applied." : $"You approved proposal {proposal.Id} already; it is applied.";
            Assert.Single(clicks, click => CardText(click).Contains(loser, StringComparison.Ordinal));
            await AssertAppliedOnceAsync(proposal);
        }
    }

    [Fact]
    public async Task Approvals_of_different_proposals_sent_at_once_to_both_hosts_all_land()
    {
        var proposals = await ProposeAsync(SampleData.Customers.Take(20));

        var clicks = await Task.WhenAll(proposals.Select((proposal, i) =>
        {
            var approver = i % 2 == 0 ? _a.Approver : _b.Finance;
            return approver.ClickAsync(CardFor(approver, proposal.Id), "Approve");
        }));

        Assert.All(clicks, click =>
        {
            Assert.Equal(HttpStatusCode.OK, click.Status);
            Assert.Contains("Approved and applied by", CardText(click), StringComparison.Ordinal);
            Assert.DoesNotContain("can't", CardText(click), StringComparison.Ordinal);
        });
        foreach (var proposal in proposals)
        {
            await AssertAppliedOnceAsync(proposal);
        }
    }

    [Fact]
    public async Task One_command_delivered_to_both_hosts_is_acted_on_and_answered_once()
    {
        foreach (var proposal in await ProposeAsync(SampleData.Customers.Take(5)))
        {
            var approve = _a.NewActivity(_a.Approver);
            approve.Text = $"approve {proposal.Id} looks right";
            var before = _channel.Sequence;

            // The channel redelivers the activity (the same id) and the redelivery reaches the other instance: the
            // claim on its id in the shared store lets one of them act, and the other stays silent.
            var turns = await Task.WhenAll(_a.Approver.PostAsync(approve), _b.Approver.PostAsync(approve));

            Assert.All(turns, turn => Assert.Equal(HttpStatusCode.OK, turn.Status));
            var reply = Assert.Single(MessagesSince(before, _a.Approver));
            Assert.StartsWith($"Approved: proposal {proposal.Id} is applied", reply.Text, StringComparison.Ordinal);
            await AssertAppliedOnceAsync(proposal);
        }
    }

    [Fact]
    public async Task One_card_click_delivered_to_both_hosts_decides_once()
    {
        foreach (var proposal in await ProposeAsync(SampleData.Customers.Take(5)))
        {
            var click = _a.Approver.Click(CardFor(_a.Approver, proposal.Id), "Approve");

            // A click carries the card's version and takes no claim: one delivery's decision lands, and the engine refuses
            // the other as made on a proposal that is no longer pending.
            var turns = await Task.WhenAll(_a.Approver.PostAsync(click), _b.Approver.PostAsync(click));

            Assert.All(turns, turn =>
            {
                Assert.Equal(HttpStatusCode.OK, turn.Status);
                Assert.Contains("Approved and applied by Arun Approver", CardText(turn), StringComparison.Ordinal);
            });
            await AssertAppliedOnceAsync(proposal);
        }
    }

    private async Task<BotTestHost> StartHostAsync(string database) => await BotTestHost.StartAsync(
        settings: new Dictionary<string, string?>
        {
            ["Storage:Provider"] = "Cosmos",
            ["Storage:Cosmos:Endpoint"] = Server.Endpoint.ToString(),
            ["Storage:Cosmos:Key"] = CosmosServer.Key,
            ["Storage:Cosmos:Database"] = database,
            ["Storage:Cosmos:Container"] = "workflow",
        },
        // A client of the host's own that trusts the loopback server, disposed with the host.
        services: s => s.AddSingleton(_ => Server.CreateClient(_race.Wrap)),
        channel: _channel);

    /// <summary>
    /// For each customer at once, the clerk proposes a new credit limit and submits it, on A and B in turn; both
    /// approvers get each proposal's card. The proposals pending approval, in the customers' order.
    /// </summary>
    private async Task<IReadOnlyList<Proposal>> ProposeAsync(IEnumerable<Customer> customers) => await Task.WhenAll(customers.Select(async (customer, i) =>
    {
        var clerk = (i % 2 == 0 ? _a : _b).Clerk;
        // The turns run side by side in the clerk's one chat, so each is checked by its effect rather than by its reply.
        Assert.Equal(HttpStatusCode.OK, (await clerk.SendAsync($"set {customer.Id} CreditLimit={NewCreditLimit}")).Status);
        Assert.Equal(HttpStatusCode.OK, (await clerk.SendAsync($"submit {customer.Id}")).Status);
        var proposal = (await _a.Engine.GetCustomerAsync(customer.Id)).OpenProposal;
        Assert.Equal(ProposalStatus.PendingApproval, proposal?.Status);
        return proposal!;
    }));

    /// <summary>
    /// Both hosts see the proposal applied by one approval: one Approved and one Applied entry in its history, the
    /// customer holding the proposed value, and one notice of it to the clerk.
    /// </summary>
    private async Task AssertAppliedOnceAsync(Proposal proposal)
    {
        foreach (var host in new[] { _a, _b })
        {
            var history = (await host.Engine.GetHistoryAsync(proposal.CustomerId)).Where(h => h.ProposalId == proposal.Id).ToList();
            Assert.Single(history, h => h.Action == HistoryAction.Approved);
            Assert.Single(history, h => h.Action == HistoryAction.Applied);
            var customer = await host.Engine.GetCustomerAsync(proposal.CustomerId);
            Assert.Null(customer.OpenProposal);
            Assert.Equal(proposal.Lines.Single().ProposedValue, customer.Customer["CreditLimit"]);
            Assert.Equal(ProposalStatus.Applied, (await host.Engine.GetProposalAsync(proposal.Id)).Status);
        }

        Assert.Single(_a.Clerk.Received, m => m.Text?.Contains($"(proposal {proposal.Id}) were approved and applied", StringComparison.Ordinal) == true);
    }

    /// <summary>The approval card about <paramref name="proposalId"/> that <paramref name="approver"/> received.</summary>
    private static Activity CardFor(TestUser approver, string proposalId) => approver.Received.Last(m =>
        m.Attachments?.Any(a => a.ContentType == "application/vnd.microsoft.card.adaptive") == true
        && (string?)TestUser.FindExecute(BotTestHost.CardOf(m), "Approve")?["data"]?["proposalId"] == proposalId);

    private static string CardText(Turn click) => CardTexts.Of(click.InvokeBody["value"]);

    /// <summary>The messages the bot sent into <paramref name="user"/>'s chat since <paramref name="sequence"/>, from either host (card updates aside).</summary>
    private IEnumerable<Activity> MessagesSince(long sequence, TestUser user) =>
        _channel.CallsSince(sequence).Where(c => c.ConversationId == user.ConversationId && c.Kind is "send" or "reply" && c.Activity is { Type: ActivityTypes.Message }).Select(c => c.Activity!);

    /// <summary>
    /// Makes a race certain instead of likely: once a customer is armed, each host's conditional replace of its unit
    /// is held until the other host's has arrived too (or 10 s passed), so both hosts have decided on the same version
    /// and the store must choose one. Reads and every other write pass straight through. It knows the store's layout:
    /// a customer's unit is the document <c>unit</c> in the partition <c>c|&lt;customer id&gt;</c>.
    /// </summary>
    private sealed class UnitWriteRace
    {
        private readonly ConcurrentDictionary<string, Meeting> _armed = new(StringComparer.Ordinal);

        public Meeting Arm(string customerId) => _armed[$"c|{customerId}"] = new Meeting();

        public HttpMessageHandler Wrap(HttpMessageHandler inner) => new Hold(this) { InnerHandler = inner };

        public sealed class Meeting
        {
            private readonly TaskCompletionSource _all = new(TaskCreationOptions.RunContinuationsAsynchronously);
            private int _arrived;

            /// <summary>How many replaces of the unit arrived while armed.</summary>
            public int Arrived => Volatile.Read(ref _arrived);

            public async Task ArriveAsync(CancellationToken cancellationToken)
            {
                if (Interlocked.Increment(ref _arrived) == 2)
                {
                    _all.TrySetResult();
                }

                // Never stuck: after the wait the write goes on, and the test's count of arrivals tells.
                await Task.WhenAny(_all.Task, Task.Delay(TimeSpan.FromSeconds(10), cancellationToken));
            }
        }

        private sealed class Hold(UnitWriteRace race) : DelegatingHandler
        {
            protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
            {
                if (request.Method == HttpMethod.Put && request.RequestUri?.AbsolutePath.EndsWith("/docs/unit", StringComparison.Ordinal) == true
                    && request.Headers.TryGetValues("x-ms-documentdb-partitionkey", out var values)
                    && JsonSerializer.Deserialize<string[]>(values.First()) is [{ } partition]
                    && race._armed.TryGetValue(partition, out var meeting))
                {
                    await meeting.ArriveAsync(cancellationToken);
                }

                return await base.SendAsync(request, cancellationToken);
            }
        }
    }
}
