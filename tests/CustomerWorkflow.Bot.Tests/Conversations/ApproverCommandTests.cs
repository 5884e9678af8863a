using System.Text.Json;
using CustomerWorkflow.Bot.Protocol.Schema;
using CustomerWorkflow.Bot.Tests.Infrastructure;
using CustomerWorkflow.Core.Proposals;

namespace CustomerWorkflow.Bot.Tests.Conversations;

/// <summary>The approver's commands and card buttons: each decision acts once, in turn, and tells the submitter.</summary>
public sealed class ApproverCommandTests : IAsyncLifetime
{
    private BotTestHost _host = null!;

    private TestUser Clerk => _host.Clerk;

    private TestUser Approver => _host.Approver;

    public async Task InitializeAsync()
    {
        _host = await BotTestHost.StartAsync();
        await Clerk.SendAsync("hi");
        await Approver.SendAsync("hi");
        await _host.Finance.SendAsync("hi");
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private async Task SubmitAsync(string id = "US-001", string field = "CreditLimit=300000")
    {
        await Clerk.SendAsync($"set {id} {field}");
        (await Clerk.SendAsync($"submit {id}")).ReplyText("pending approval");
    }

    private async Task<ProposalStatus> StatusAsync(string id = "US-001-P1") => (await _host.Engine.GetProposalAsync(id)).Status;

    [Fact]
    public async Task Inbox_shows_waiting_proposals_as_cards_with_original_beside_proposed()
    {
        (await Approver.SendAsync("inbox")).ReplyText("Nothing waits for your approval.");
        await SubmitAsync();

        var inbox = await Approver.SendAsync("inbox");
        Assert.Equal(2, inbox.Replies.Count);
        var card = BotTestHost.CardOf(inbox.Replies[1]).ToJsonString(new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        Assert.Contains("\"text\":\"250000.00\"", card, StringComparison.Ordinal);
        Assert.Contains("\"text\":\"300000.00\"", card, StringComparison.Ordinal);
        Assert.Contains("It is your turn to decide.", card, StringComparison.Ordinal);
        Assert.Contains("\"verb\":\"approve\"", card, StringComparison.Ordinal);
        Assert.Contains("\"proposalId\":\"US-001-P1\"", card, StringComparison.Ordinal);
        Assert.Contains("Action.Submit", card, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reject_needs_a_reason_and_tells_the_submitter()
    {
        await SubmitAsync();
        (await Approver.SendAsync("reject US-001-P1")).ReplyText("Please give a reason for the rejection.");
        Assert.Equal(ProposalStatus.PendingApproval, await StatusAsync());

        var reject = await Approver.SendAsync("reject us-001-p1 \"limit too high\"");
        reject.ReplyText("Rejected proposal US-001-P1", "limit too high");
        Assert.Contains("Arun Approver rejected your changes to US-001", Assert.Single(reject.SentTo(Clerk)).Text, StringComparison.Ordinal);
        Assert.Equal(ProposalStatus.Rejected, await StatusAsync());
        Assert.Equal("250000.00", (await _host.Engine.GetCustomerAsync("US-001")).Customer["CreditLimit"]);
    }

    [Fact]
    public async Task Request_change_sends_it_back_and_the_clerk_resubmits()
    {
        await SubmitAsync();
        (await Approver.SendAsync("request-change US-001-P1")).ReplyText("Please say what should change.");

        var back = await Approver.SendAsync("request-change US-001-P1 make it 280000");
        back.ReplyText("Sent proposal US-001-P1 back to Chloe Clerk", "make it 280000");
        Assert.Contains("asks you to change proposal US-001-P1", Assert.Single(back.SentTo(Clerk)).Text, StringComparison.Ordinal);

        (await Clerk.SendAsync("set US-001 CreditLimit=280000")).ReplyText("change requested");
        var resubmit = await Clerk.SendAsync("submit US-001 lowered");
        resubmit.ReplyText("changes pending approval");
        Assert.Single(resubmit.SentTo(Approver));
        (await Approver.SendAsync("approve US-001-P1")).ReplyText("applied", "CreditLimit 280000.00");
    }

    [Fact]
    public async Task Approve_refuses_out_of_turn_own_proposals_and_unknown_ids()
    {
        (await Approver.SendAsync("approve US-001-P9")).ReplyText("There is no proposal 'US-001-P9'");
        (await Approver.SendAsync("approve nonsense")).ReplyText("Proposal ids look like US-001-P1");
        await SubmitAsync();

        var admin = _host.User("sample-admin", "Adam Admin", BotTestHost.AdminUpn);
        (await admin.SendAsync("approve US-001-P1")).ReplyText("US-001-P1");
        Assert.Equal(ProposalStatus.PendingApproval, await StatusAsync());

        // Segregation of duties: an approver who submits cannot approve their own proposal.
        await admin.SendAsync("role arun.approver@example.com approver clerk");
        await Approver.SendAsync("set NL-001 CreditLimit=1");
        await Approver.SendAsync("submit NL-001");
        (await Approver.SendAsync("approve NL-001-P1")).ReplyText("NL-001-P1");
        Assert.Equal(ProposalStatus.PendingApproval, await StatusAsync("NL-001-P1"));
    }

    [Fact]
    public async Task Delegate_by_mention_hands_the_approval_over_and_notifies_the_delegate()
    {
        await SubmitAsync();
        var dana = _host.User("aad-dana", "Dana Delegate");
        await dana.SendAsync("hi");
        await _host.User("sample-admin", "Adam Admin", BotTestHost.AdminUpn).SendAsync("role dana.delegate@example.com approver");

        (await Approver.SendAsync("delegate US-001-P1 nobody@nowhere.example")).ReplyText("I haven't met 'nobody@nowhere.example' yet");
        var turn = await Approver.SendAsync("delegate US-001-P1 <at>Dana Delegate</at>", a => a.Entities =
        [
            new Entity
            {
                Type = "mention",
                Properties = new Dictionary<string, JsonElement>
                {
                    ["mentioned"] = JsonSerializer.SerializeToElement(new { id = dana.ChannelId, name = dana.Name }),
                    ["text"] = JsonSerializer.SerializeToElement("<at>Dana Delegate</at>"),
                },
            },
        ]);

        turn.ReplyText("Delegated your approval of US-001-P1 to Dana Delegate.");
        Assert.Contains("asks for your approval", Assert.Single(turn.SentTo(dana)).Text, StringComparison.Ordinal);
        (await Approver.SendAsync("approve US-001-P1")).ReplyText("US-001-P1");
        (await dana.SendAsync("approve US-001-P1")).ReplyText("applied");
    }

    [Fact]
    public async Task A_card_click_approves_once_and_an_old_card_cannot_act_again()
    {
        await SubmitAsync();
        var card = (await Approver.SendAsync("inbox")).Replies[1];

        var click = await Approver.ClickAsync(card, "Approve", new Dictionary<string, string> { ["comment"] = "fine by me" });

        Assert.Equal(System.Net.HttpStatusCode.OK, click.Status);
        var body = click.InvokeBody;
        Assert.Equal(200, (int)body["statusCode"]!);
        Assert.Equal("application/vnd.microsoft.card.adaptive", (string?)body["type"]);
        Assert.Contains("applied", body["value"]!.ToJsonString(), StringComparison.Ordinal);
        Assert.Single(click.SentTo(Clerk));
        Assert.Equal(ProposalStatus.Applied, await StatusAsync());

        var again = await _host.Finance.ClickAsync(card, "Approve");
        Assert.Contains("US-001-P1", again.InvokeBody["value"]!.ToJsonString(), StringComparison.Ordinal);
        Assert.Empty(again.SentTo(Clerk));
        var history = await _host.Engine.GetHistoryAsync("US-001");
        Assert.Single(history, h => h.Action == HistoryAction.Approved);
    }

    [Fact]
    public async Task A_reject_click_without_a_reason_is_refused_and_changes_nothing()
    {
        await SubmitAsync();
        var card = (await Approver.SendAsync("inbox")).Replies[1];

        var click = await Approver.ClickAsync(card, "Reject");

        Assert.Contains("Please give a reason", click.InvokeBody["value"]!.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal(ProposalStatus.PendingApproval, await StatusAsync());
    }

    [Fact]
    public async Task The_Action_Submit_fallback_arrives_as_a_message_and_acts_the_same()
    {
        await SubmitAsync();
        var turn = await Approver.SendAsync(string.Empty, a => a.Value = JsonSerializer.SerializeToElement(new { verb = "approve", proposalId = "US-001-P1", version = 99 }));
        turn.ReplyText("has changed since this was shown to you");

        var version = (await _host.Engine.GetProposalAsync("US-001-P1")).Version;
        var ok = await Approver.SendAsync(string.Empty, a => a.Value = JsonSerializer.SerializeToElement(new { verb = "approve", proposalId = "US-001-P1", version }));
        ok.ReplyText("applied");
    }

    [Fact]
    public async Task A_card_action_with_an_unknown_verb_is_a_400_with_an_error_body()
    {
        var activity = _host.NewActivity(Approver, ActivityTypes.Invoke);
        activity.Name = InvokeNames.AdaptiveCardAction;
        activity.Value = JsonSerializer.SerializeToElement(new { action = new { type = "Action.Execute", verb = "explode", data = new { proposalId = "US-001-P1" } }, trigger = "manual" });

        var turn = await Approver.PostAsync(activity);

        Assert.Equal(System.Net.HttpStatusCode.OK, turn.Status);
        Assert.Equal(400, (int)turn.InvokeBody["statusCode"]!);
        Assert.Equal("application/vnd.microsoft.error", (string?)turn.InvokeBody["type"]);
    }
}
