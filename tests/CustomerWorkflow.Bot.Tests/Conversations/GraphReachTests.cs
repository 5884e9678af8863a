using System.Net;
using CustomerWorkflow.Bot.Teams;
using CustomerWorkflow.Bot.Tests.Infrastructure;
using CustomerWorkflow.Testing;

namespace CustomerWorkflow.Bot.Tests.Conversations;

/// <summary>
/// Approvers who never opened the bot, with Microsoft Graph configured: the bot installs itself for them through a
/// loopback Graph, and the approval card arrives in the 1:1 chat that gives them; or, when installing is refused, an
/// activity feed notice reaches them, or the clerk hears whom the bot could not reach and the history says why.
/// </summary>
public sealed class GraphReachTests : IAsyncLifetime
{
    private FakeGraph _graph = null!;

    public async Task InitializeAsync()
    {
        _graph = await FakeGraph.StartAsync();
        // The sample people, as the directory knows them (their object ids are the sample ids).
        _graph.AddUser("sample-approver", "Arun Approver");
        _graph.AddUser("sample-finance", "Farah Finance");
        _graph.AddUser("sample-clerk", "Chloe Clerk");
        // Graph refuses a notice of a type the app manifest does not declare; these are the declared ones.
        _graph.DeclaredActivityTypes = ActivityFeedTypes.TemplateParameters;
    }

    public async Task DisposeAsync() => await _graph.DisposeAsync();

    private Task<BotTestHost> StartAsync(bool activityFeed = false) => BotTestHost.StartAsync(authenticated: true, settings: new Dictionary<string, string?>
    {
        ["Graph:Enabled"] = "true",
        ["Graph:BaseUrl"] = _graph.BaseUrl.ToString(),
        ["Graph:ActivityFeed"] = activityFeed ? "true" : "false",
        ["Teams:CatalogAppId"] = _graph.CatalogAppId,
    });

    [Fact]
    public async Task An_approver_who_never_opened_the_bot_gets_it_installed_and_the_approval_card_in_that_chat()
    {
        await using var host = await StartAsync();
        var clerk = host.Clerk;
        Assert.Null((await host.Users.GetUserAsync("sample-approver"))?.Address);
        await clerk.SendAsync("set US-001 CreditLimit=300000");

        var submit = await clerk.SendAsync("submit US-001 \"bigger order volume\"");

        Assert.Equal(HttpStatusCode.OK, submit.Status);
        var reply = Assert.Single(submit.Replies);
        Assert.StartsWith("Submitted proposal US-001-P1", reply.Text, StringComparison.Ordinal);
        // Graph: install for the approver, find the installation, get its chat; always with the Graph token.
        var installation = Assert.Single(_graph.Installations, i => i.UserId == "sample-approver");
        Assert.Equal(
            [("POST", "/v1.0/users/sample-approver/teamwork/installedApps", 201),
             ("GET", "/v1.0/users/sample-approver/teamwork/installedApps", 200),
             ("GET", $"/v1.0/users/sample-approver/teamwork/installedApps/{installation.Id}/chat", 200)],
            _graph.Calls.Where(c => c.Path.StartsWith("/v1.0/users/sample-approver/", StringComparison.Ordinal)).Select(c => (c.Method, c.Path, c.Status)));
        Assert.All(_graph.Calls, c => Assert.Equal("Bearer graph-token", c.Authorization));
        // The channel: the card goes into that chat, with the bot's channel token.
        var sent = Assert.Single(submit.Calls, c => c.ConversationId == installation.ChatId);
        Assert.Equal(("send", "Bearer outbound-token"), (sent.Kind, sent.Authorization));
        Assert.Contains("Chloe Clerk asks for your approval", sent.Activity!.Text, StringComparison.Ordinal);
        Assert.Contains("bigger order volume", CardTexts.Of(BotTestHost.CardOf(sent.Activity)), StringComparison.Ordinal);
        Assert.Contains(installation.ChatId, (await host.Users.GetUserAsync("sample-approver"))?.Address, StringComparison.Ordinal);
        Assert.Single(submit.Calls, c => c.ConversationId == _graph.Installations.Single(i => i.UserId == "sample-finance").ChatId);

        // The approver acts on the card that reached them.
        var approve = await host.Approver.ClickAsync(sent.Activity, "Approve");
        Assert.Equal(HttpStatusCode.OK, approve.Status);
        (await clerk.SendAsync("customer US-001")).ReplyText("CreditLimit 🔒 300000.00", "No open proposal");
    }

    [Fact]
    public async Task The_next_notice_reuses_the_chat_without_asking_graph_again()
    {
        await using var host = await StartAsync();
        await host.Clerk.SendAsync("set US-001 CreditLimit=300000");
        await host.Clerk.SendAsync("submit US-001");
        var asked = _graph.Calls.Count;

        await host.Clerk.SendAsync("recall US-001");
        var again = await host.Clerk.SendAsync("submit US-001");

        Assert.Equal(asked, _graph.Calls.Count);
        var chat = _graph.Installations.Single(i => i.UserId == "sample-approver").ChatId;
        Assert.Single(again.Calls, c => c.ConversationId == chat && c.Kind == "send");
    }

    [Fact]
    public async Task An_approver_who_already_has_the_app_is_found_through_the_conflict()
    {
        var existing = _graph.Install("sample-approver");
        await using var host = await StartAsync();
        await host.Clerk.SendAsync("set US-001 CreditLimit=300000");

        var submit = await host.Clerk.SendAsync("submit US-001");

        Assert.Contains(_graph.Calls, c => c is { Method: "POST", Path: "/v1.0/users/sample-approver/teamwork/installedApps", Status: 409 });
        Assert.Single(submit.Calls, c => c.ConversationId == existing.ChatId && c.Kind == "send");
    }

    [Fact]
    public async Task When_installing_is_refused_an_activity_feed_notice_reaches_the_approver()
    {
        _graph.RefuseInstalls();
        await using var host = await StartAsync(activityFeed: true);
        await host.Clerk.SendAsync("set US-001 CreditLimit=300000");

        var submit = await host.Clerk.SendAsync("submit US-001");

        Assert.DoesNotContain(submit.Replies, r => r.Text!.Contains("couldn't notify", StringComparison.Ordinal));
        Assert.Equal(["sample-approver", "sample-finance"], _graph.ActivityNotices.Select(n => (string?)n["recipient"]).Order());
        var notice = _graph.ActivityNotices.First();
        Assert.Equal(("text", "approvalRequested"), ((string?)notice["topic"]!["source"], (string?)notice["activityType"]));
        Assert.Equal(["submitter=Chloe Clerk", "customer=US-001 Contoso Retail"], notice["templateParameters"]!.AsArray().Select(p => $"{p!["name"]}={p["value"]}"));
        Assert.Contains("asks for your approval", (string?)notice["previewText"]!["content"], StringComparison.Ordinal);
        (await host.Clerk.SendAsync("history US-001")).ReplyText("Chloe Clerk submitted");
        Assert.DoesNotContain("⚠", (await host.Clerk.SendAsync("history US-001")).ReplyText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_submitter_whose_chat_refuses_the_outcome_gets_it_in_the_activity_feed()
    {
        await using var host = await StartAsync(activityFeed: true);
        var clerk = host.Clerk;
        await host.Approver.SendAsync("hi");
        await clerk.SendAsync("set US-001 CreditLimit=300000");
        await clerk.SendAsync("submit US-001");
        // The clerk removed the app since: the channel refuses the bot in their chat.
        host.Channel.RefuseConversation(clerk.ConversationId);

        var approve = await host.Approver.SendAsync("approve US-001-P1");

        approve.ReplyText("Approved: proposal US-001-P1 is applied");
        Assert.Contains(approve.Calls, c => c.Kind == "refused" && c.ConversationId == clerk.ConversationId);
        var notice = Assert.Single(_graph.ActivityNotices);
        Assert.Equal(("sample-clerk", "proposalDecided"), ((string?)notice["recipient"], (string?)notice["activityType"]));
        Assert.Equal(["customer=US-001 Contoso Retail", "outcome=approved and applied"], notice["templateParameters"]!.AsArray().Select(p => $"{p!["name"]}={p["value"]}"));
    }

    [Fact]
    public async Task Someone_named_by_upn_is_found_in_graph_given_a_role_and_reached_when_delegated_to()
    {
        _graph.AddUser("0d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6", "Dana Deputy", "dana.deputy@contoso.com");
        await using var host = await StartAsync();
        var admin = host.User("sample-admin", "Adam Admin", BotTestHost.AdminUpn);
        (await admin.SendAsync("role nobody@contoso.com approver")).ReplyText("I haven't met 'nobody@contoso.com' yet");

        (await admin.SendAsync("role dana.deputy@contoso.com approver")).ReplyText("Dana Deputy was without a role and is now approver.");
        var dana = await host.Users.GetUserAsync("0d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6");
        Assert.Equal(("Dana Deputy", "dana.deputy@contoso.com", null), (dana?.Name, dana?.Upn, dana?.Address));
        await host.Approver.SendAsync("hi");
        await host.Clerk.SendAsync("set US-001 CreditLimit=300000");
        await host.Clerk.SendAsync("submit US-001");

        var delegated = await host.Approver.SendAsync("delegate US-001-P1 dana.deputy@contoso.com");

        Assert.Contains(delegated.Replies, r => r.Text == "Delegated your approval of US-001-P1 to Dana Deputy.");
        var chat = _graph.Installations.Single(i => i.UserId == "0d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6").ChatId;
        var card = Assert.Single(delegated.Calls, c => c.ConversationId == chat && c.Kind == "send");
        Assert.Contains("asks for your approval", card.Activity!.Text, StringComparison.Ordinal);
        Assert.Single(_graph.Calls, c => c.Path == "/v1.0/users/dana.deputy@contoso.com" && c.Status == 200);
    }

    [Fact]
    public async Task When_installing_is_refused_the_clerk_hears_who_was_not_reached_and_the_history_says_why()
    {
        _graph.RefuseInstalls();
        await using var host = await StartAsync();
        await host.Clerk.SendAsync("set US-001 CreditLimit=300000");

        var submit = await host.Clerk.SendAsync("submit US-001");

        Assert.Equal(HttpStatusCode.OK, submit.Status);
        Assert.Contains(submit.Replies, r => r.Text!.Contains("couldn't notify Arun Approver, Farah Finance", StringComparison.Ordinal));
        Assert.Equal(CustomerWorkflow.Core.Proposals.ProposalStatus.PendingApproval, (await host.Engine.GetProposalAsync("US-001-P1")).Status);
        (await host.Clerk.SendAsync("history US-001")).ReplyText("notice to Arun Approver not reached: installing the app through Microsoft Graph failed (403 Forbidden)");
        Assert.Empty(_graph.ActivityNotices);
    }
}
