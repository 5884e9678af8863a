using System.Net;
using System.Text.Json;
using CustomerWorkflow.Bot.Protocol.Schema;
using CustomerWorkflow.Bot.Tests.Infrastructure;
using CustomerWorkflow.Core.Proposals;

namespace CustomerWorkflow.Bot.Tests.Conversations;

/// <summary>
/// The approval card end to end: every button acts once through one use case, the clicker gets the refreshed card,
/// and every card sent about the proposal is updated for everyone afterwards.
/// </summary>
public sealed class CardFlowTests : IAsyncLifetime
{
    private BotTestHost _host = null!;

    private TestUser Clerk => _host.Clerk;

    private TestUser Arun => _host.Approver;

    private TestUser Farah => _host.Finance;

    public async Task InitializeAsync()
    {
        _host = await BotTestHost.StartAsync();
        await Clerk.SendAsync("hi");
        await Arun.SendAsync("hi");
        await Farah.SendAsync("hi");
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    /// <summary>Submits a proposal for US-001 and returns the approval card each approver received.</summary>
    private async Task<(Activity ToArun, Activity ToFarah)> SubmitAsync(string comment = "bigger orders")
    {
        await Clerk.SendAsync("set US-001 CreditLimit=300000 Email=\"finance@contoso.com\"");
        var submit = await Clerk.SendAsync($"submit US-001 \"{comment}\"");
        return (Assert.Single(submit.SentTo(Arun)), Assert.Single(submit.SentTo(Farah)));
    }

    private static string Json(JsonElement? element) => element?.GetRawText() ?? string.Empty;

    private static string Texts(System.Text.Json.Nodes.JsonNode? node) => CardTexts.Of(node);

    private static string Texts(JsonElement? element) => CardTexts.Of(element);

    private static string CardText(Turn click) => Texts(click.InvokeBody["value"]);

    private static string CardJson(Turn click) => click.InvokeBody["value"]!.ToJsonString();

    private Activity WithNewId(Activity activity)
    {
        var copy = JsonSerializer.Deserialize<Activity>(JsonSerializer.Serialize(activity, ProtocolJson.Options), ProtocolJson.Options)!;
        copy.Id = BotTestHost.NextActivityId();
        copy.From = new ChannelAccount { Id = Arun.ChannelId, Name = Arun.Name, AadObjectId = Arun.AadObjectId };
        copy.Conversation = new ConversationAccount { Id = Arun.ConversationId, ConversationType = "personal", TenantId = BotTestHost.TenantId };
        return copy;
    }

    private async Task<IReadOnlyList<HistoryEntry>> DecisionsAsync() =>
        [.. (await _host.Engine.GetHistoryAsync("US-001")).Where(h => h.Action is HistoryAction.Approved or HistoryAction.Rejected or HistoryAction.ChangeRequested or HistoryAction.Delegated)];

    [Fact]
    public async Task Approve_by_click_answers_the_decided_card_and_updates_every_sent_card()
    {
        var (toArun, toFarah) = await SubmitAsync();

        var click = await Arun.ClickAsync(toArun, "Approve");

        Assert.Equal(HttpStatusCode.OK, click.Status);
        Assert.Equal("application/vnd.microsoft.card.adaptive", (string?)click.InvokeBody["type"]);
        Assert.Contains("Approved and applied by Arun Approver", CardText(click), StringComparison.Ordinal);
        Assert.DoesNotContain("Action.Execute", CardJson(click), StringComparison.Ordinal);

        var updates = click.Calls.Where(c => c.Kind == "update").ToList();
        Assert.Equal(2, updates.Count);
        var farahsUpdate = Assert.Single(updates, u => u.ConversationId == Farah.ConversationId);
        Assert.Equal(toFarah.Id ?? farahsUpdate.ActivityId, farahsUpdate.ActivityId);
        Assert.Contains("Approved and applied", Texts(farahsUpdate.Activity!.Attachments![0].Content), StringComparison.Ordinal);
        Assert.DoesNotContain("Action.Execute", Json(farahsUpdate.Activity.Attachments[0].Content), StringComparison.Ordinal);

        var notice = Assert.Single(click.SentTo(Clerk));
        Assert.Contains("Your changes were approved and applied", Texts(notice.Attachments![0].Content), StringComparison.Ordinal);
        Assert.Equal(ProposalStatus.Applied, (await _host.Engine.GetProposalAsync("US-001-P1")).Status);
    }

    [Fact]
    public async Task Two_approvers_clicking_approve_at_the_same_instant_make_one_decision()
    {
        var (toArun, toFarah) = await SubmitAsync();

        var clicks = await Task.WhenAll(Arun.ClickAsync(toArun, "Approve"), Farah.ClickAsync(toFarah, "Approve"));

        Assert.All(clicks, c => Assert.Equal(HttpStatusCode.OK, c.Status));
        Assert.Single(await DecisionsAsync());
        Assert.Equal(ProposalStatus.Applied, (await _host.Engine.GetProposalAsync("US-001-P1")).Status);
        Assert.Single(clicks, c => CardText(c).Contains("has changed since this was shown to you", StringComparison.Ordinal)
            || CardText(c).Contains("can't approve", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_same_invoke_delivered_twice_makes_one_decision_and_answers_the_same_card()
    {
        var (toArun, _) = await SubmitAsync();
        _ = toArun;

        // Deliver the very same activity (same id) twice, as the channel does on a retry.
        var original = _host.NewActivity(Arun, ActivityTypes.Invoke);
        original.Name = InvokeNames.AdaptiveCardAction;
        original.Value = JsonSerializer.SerializeToElement(new
        {
            action = new { type = "Action.Execute", verb = "reject", data = new { verb = "reject", proposalId = "US-001-P1", reason = "not now" } },
            trigger = "manual",
        });
        var once = await Arun.PostAsync(original);
        var twice = await Arun.PostAsync(original);

        Assert.Equal(once.Body, twice.Body);
        Assert.Single(await DecisionsAsync());
        twice.AssertNoReplies();
    }

    [Fact]
    public async Task Reject_with_the_reason_typed_into_the_card_tells_the_submitter()
    {
        var (toArun, _) = await SubmitAsync();

        var click = await Arun.ClickAsync(toArun, "Reject", new Dictionary<string, string> { ["reason"] = "limit too high" });

        Assert.Contains("Rejected by Arun Approver", CardText(click), StringComparison.Ordinal);
        Assert.Contains("limit too high", CardText(click), StringComparison.Ordinal);
        Assert.Contains("limit too high", Assert.Single(click.SentTo(Clerk)).Text, StringComparison.Ordinal);
        Assert.Equal(ProposalStatus.Rejected, (await _host.Engine.GetProposalAsync("US-001-P1")).Status);
    }

    [Fact]
    public async Task Request_change_by_card_sends_it_back()
    {
        var (_, toFarah) = await SubmitAsync();

        var click = await Farah.ClickAsync(toFarah, "Request change", new Dictionary<string, string> { ["comment"] = "make it 280000" });

        Assert.Contains("Sent back for changes by Farah Finance", CardText(click), StringComparison.Ordinal);
        Assert.Equal(ProposalStatus.ChangeRequested, (await _host.Engine.GetProposalAsync("US-001-P1")).Status);
        Assert.Single(click.SentTo(Clerk));
    }

    [Fact]
    public async Task Delegate_by_card_hands_over_and_notifies_the_delegate()
    {
        var dana = _host.User("aad-dana", "Dana Delegate");
        await dana.SendAsync("hi");
        await _host.User("sample-admin", "Adam Admin", BotTestHost.AdminUpn).SendAsync("role dana.delegate@example.com approver");
        var (toArun, _) = await SubmitAsync();

        var unknown = await Arun.ClickAsync(toArun, "Delegate", new Dictionary<string, string> { ["delegateTo"] = "ghost@nowhere.example" });
        Assert.Contains("I haven't met 'ghost@nowhere.example' yet", CardText(unknown), StringComparison.Ordinal);

        var click = await Arun.ClickAsync(toArun, "Delegate", new Dictionary<string, string> { ["delegateTo"] = "dana.delegate@example.com" });

        Assert.Contains("Dana Delegate", CardText(click), StringComparison.Ordinal);
        var toDana = Assert.Single(click.SentTo(dana));
        Assert.Equal(HttpStatusCode.OK, (await dana.ClickAsync(toDana, "Approve")).Status);
        Assert.Equal(ProposalStatus.Applied, (await _host.Engine.GetProposalAsync("US-001-P1")).Status);
    }

    [Fact]
    public async Task A_click_on_an_old_card_changes_nothing_and_returns_the_current_card()
    {
        var (toArun, toFarah) = await SubmitAsync();
        await Farah.ClickAsync(toFarah, "Reject", new Dictionary<string, string> { ["reason"] = "no" });

        var late = await Arun.ClickAsync(toArun, "Approve");

        Assert.Contains("Rejected by Farah Finance", CardText(late), StringComparison.Ordinal);
        Assert.Single(await DecisionsAsync());
        Assert.Empty(late.SentTo(Clerk));
    }

    [Fact]
    public async Task The_submitters_own_click_is_refused_inside_the_card()
    {
        var admin = _host.User("sample-admin", "Adam Admin", BotTestHost.AdminUpn);
        await admin.SendAsync("workflow approvers 1 adam.admin@example.com arun.approver@example.com");
        await admin.SendAsync("set NL-001 CreditLimit=1");
        var submit = await admin.SendAsync("submit NL-001");
        var toArun = Assert.Single(submit.SentTo(Arun));

        // The admin is left out of the step (segregation of duties), so a forged click with their id is refused.
        var forged = await admin.ClickAsync(toArun, "Approve");

        Assert.Contains("NL-001-P1", CardText(forged), StringComparison.Ordinal);
        Assert.Equal(ProposalStatus.PendingApproval, (await _host.Engine.GetProposalAsync("NL-001-P1")).Status);
    }

    [Fact]
    public async Task The_Action_Submit_fallback_does_what_Action_Execute_does_and_replaces_the_card()
    {
        var (toArun, _) = await SubmitAsync();
        var version = (await _host.Engine.GetProposalAsync("US-001-P1")).Version;

        var turn = await Arun.SendAsync(string.Empty, a =>
        {
            a.ReplyToId = "card-activity-1";
            a.Value = JsonSerializer.SerializeToElement(new { verb = "approve", proposalId = "US-001-P1", version });
        });

        turn.ReplyText("applied");
        Assert.Contains(turn.Calls, c => c.Kind == "update" && c.ActivityId == "card-activity-1");
        Assert.Equal(ProposalStatus.Applied, (await _host.Engine.GetProposalAsync("US-001-P1")).Status);
        _ = toArun;
    }

    [Fact]
    public async Task User_text_with_markdown_and_a_DATE_function_shows_literally()
    {
        const string hostile = "**bold** [click](https://evil.example) {{DATE(2026-01-01T00:00:00Z, SHORT)}}";
        var (toArun, _) = await SubmitAsync(hostile);

        var card = System.Text.Json.Nodes.JsonNode.Parse(Json(toArun.Attachments![0].Content))!;
        var comment = card["body"]!.AsArray().Select(e => e!.AsObject())
            .Where(e => (string?)e["type"] == "RichTextBlock")
            .SelectMany(e => e["inlines"]!.AsArray())
            .Single(run => ((string?)run!["text"])!.Contains("**bold**", StringComparison.Ordinal))!;

        Assert.Equal("TextRun", (string?)comment["type"]);
        Assert.Equal("**bold** [click](https://evil.example) {\u200B{DATE(2026-01-01T00:00:00Z, SHORT)}}", (string?)comment["text"]);
        Assert.DoesNotContain("{{DATE", Texts(card), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_refresh_gives_each_viewer_their_own_view()
    {
        var (toArun, _) = await SubmitAsync();
        var refresh = _host.NewActivity(Clerk, ActivityTypes.Invoke);
        refresh.Name = InvokeNames.AdaptiveCardAction;
        refresh.Value = JsonSerializer.SerializeToElement(new
        {
            action = new { type = "Action.Execute", verb = "refresh", data = new { verb = "refresh", proposalId = "US-001-P1" } },
            trigger = "automatic",
        });

        var clerkView = await Clerk.PostAsync(refresh);

        Assert.Null(clerkView.InvokeBody["value"]!["actions"]);
        Assert.Contains("Step 1 of 1", CardText(clerkView), StringComparison.Ordinal);
        var arunView = await Arun.PostAsync(WithNewId(refresh));
        Assert.Equal(4, arunView.InvokeBody["value"]!["actions"]!.AsArray().Count);
        Assert.Contains("\"userIds\"", Json(toArun.Attachments![0].Content), StringComparison.Ordinal);
        Assert.Contains(Arun.ChannelId, Json(toArun.Attachments[0].Content), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_notice_that_cannot_be_delivered_is_logged_shown_in_history_and_the_decision_stands()
    {
        _host.Channel.RefuseConversation(Arun.ConversationId);
        await Clerk.SendAsync("set US-001 CreditLimit=300000");

        var submit = await Clerk.SendAsync("submit US-001");

        Assert.Contains(submit.Replies, r => r.Text!.Contains("I couldn't notify Arun Approver", StringComparison.Ordinal));
        Assert.Single(submit.SentTo(Farah));
        Assert.Equal(ProposalStatus.PendingApproval, (await _host.Engine.GetProposalAsync("US-001-P1")).Status);
        (await Clerk.SendAsync("history US-001")).ReplyText("⚠ notice to Arun Approver not delivered");
    }
}
