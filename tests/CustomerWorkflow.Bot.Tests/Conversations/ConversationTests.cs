using System.Text.Json;
using CustomerWorkflow.Bot.Protocol.Schema;
using CustomerWorkflow.Bot.Tests.Infrastructure;

namespace CustomerWorkflow.Bot.Tests.Conversations;

/// <summary>Installs, channels and group chats, the directory, and reaching people who never opened a 1:1 chat.</summary>
public sealed class ConversationTests : IAsyncLifetime
{
    private BotTestHost _host = null!;

    public async Task InitializeAsync() => _host = await BotTestHost.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private static Entity Mention(string id, string name) => new()
    {
        Type = "mention",
        Properties = new Dictionary<string, JsonElement>
        {
            ["mentioned"] = JsonSerializer.SerializeToElement(new { id, name }),
            ["text"] = JsonSerializer.SerializeToElement($"<at>{name}</at>"),
        },
    };

    [Fact]
    public async Task Installing_the_bot_stores_the_conversation_and_welcomes_with_the_role()
    {
        var clerk = _host.Clerk;
        var install = _host.NewActivity(clerk, ActivityTypes.InstallationUpdate);
        install.Action = "add";

        var turn = await clerk.PostAsync(install);

        turn.ReplyText("Hi Chloe Clerk", "You are clerk");
        var stored = await _host.Users.GetUserAsync("sample-clerk");
        Assert.NotNull(stored?.Address);
        Assert.Contains(clerk.ConversationId, stored.Address, StringComparison.Ordinal);
        Assert.Equal(clerk.ChannelId, stored.ChannelUserId);
    }

    [Fact]
    public async Task The_bot_added_to_a_chat_welcomes_and_a_new_person_is_looked_up_through_the_connector()
    {
        var newcomer = _host.User("aad-nina", "Nina Newcomer", "nina@contoso.example");
        var added = _host.NewActivity(newcomer, ActivityTypes.ConversationUpdate);
        added.MembersAdded = [new ChannelAccount { Id = BotTestHost.BotId }];

        var turn = await newcomer.PostAsync(added);

        turn.ReplyText("Hi Nina Newcomer", "You don't have a role yet", "role nina@contoso.example clerk");
        Assert.Contains(turn.Calls, c => c.Kind == "member");
        var stored = await _host.Users.GetUserAsync("aad-nina");
        Assert.Equal("nina@contoso.example", stored?.Upn);
    }

    [Fact]
    public async Task In_a_channel_the_bots_mention_is_ignored_and_the_answer_stays_in_the_channel()
    {
        var clerk = _host.Clerk;
        var message = _host.NewActivity(clerk);
        message.Conversation = new ConversationAccount { Id = "19:team-channel@thread.tacv2", ConversationType = "channel", IsGroup = true, TenantId = BotTestHost.TenantId };
        message.Text = "<at>Customer Workflow</at> customer US-001";
        message.Entities = [Mention(BotTestHost.BotId, "Customer Workflow")];

        var turn = await clerk.PostAsync(message);

        var reply = Assert.Single(turn.Calls, c => c.Kind == "reply");
        Assert.Equal("19:team-channel@thread.tacv2", reply.ConversationId);
        Assert.Contains("Contoso Retail", reply.Activity!.Text, StringComparison.Ordinal);
        Assert.Null((await _host.Users.GetUserAsync("sample-clerk"))?.Address);
    }

    [Fact]
    public async Task An_approver_met_only_in_a_channel_gets_a_new_1_to_1_chat_for_the_notice()
    {
        var approver = _host.Approver;
        var inChannel = _host.NewActivity(approver);
        inChannel.Conversation = new ConversationAccount { Id = "19:general@thread.tacv2", ConversationType = "channel", IsGroup = true, TenantId = BotTestHost.TenantId };
        inChannel.Text = "<at>Customer Workflow</at> inbox";
        inChannel.Entities = [Mention(BotTestHost.BotId, "Customer Workflow")];
        await approver.PostAsync(inChannel);
        await _host.Finance.SendAsync("hi");

        await _host.Clerk.SendAsync("set US-001 CreditLimit=1");
        var submit = await _host.Clerk.SendAsync("submit US-001");

        var created = Assert.Single(submit.Calls, c => c.Kind == "create");
        Assert.Equal(approver.ConversationId, created.ConversationId);
        Assert.Contains("asks for your approval", Assert.Single(submit.SentTo(approver)).Text, StringComparison.Ordinal);
        Assert.Contains(approver.ConversationId, (await _host.Users.GetUserAsync("sample-approver"))?.Address, StringComparison.Ordinal);

        // The next notice reuses the stored chat instead of opening another.
        await _host.Clerk.SendAsync("recall US-001");
        var again = await _host.Clerk.SendAsync("submit US-001");
        Assert.DoesNotContain(again.Calls, c => c.Kind == "create");
        Assert.Single(again.SentTo(approver));
    }

    [Fact]
    public async Task People_are_resolved_by_upn_email_object_id_channel_id_or_unique_name()
    {
        var admin = _host.User("sample-admin", "Adam Admin", BotTestHost.AdminUpn);
        foreach (var key in new[] { "chloe.clerk@example.com", "sample-clerk", "\"Chloe Clerk\"", "CHLOE.CLERK@EXAMPLE.COM" })
        {
            (await admin.SendAsync($"role {key}")).ReplyText("Chloe Clerk is clerk.");
        }

        await _host.Clerk.SendAsync("hi");
        (await admin.SendAsync($"role {_host.Clerk.ChannelId}")).ReplyText("Chloe Clerk is clerk.");
    }

    [Fact]
    public async Task Typing_and_reactions_are_ignored()
    {
        var clerk = _host.Clerk;
        var typing = await clerk.PostAsync(_host.NewActivity(clerk, ActivityTypes.Typing));
        var reaction = await clerk.PostAsync(_host.NewActivity(clerk, ActivityTypes.MessageReaction));

        Assert.Equal(System.Net.HttpStatusCode.OK, typing.Status);
        typing.AssertNoReplies();
        reaction.AssertNoReplies();
    }
}
