using System.Text.Json;
using CustomerWorkflow.Bot.Protocol.Schema;

namespace CustomerWorkflow.Bot.Protocol.Tests.Schema;

public class ActivityTests
{
    private const string TeamsMessage = """
        {
          "type": "message",
          "id": "1700000000000",
          "timestamp": "2026-11-21T01:02:03.456Z",
          "serviceUrl": "https://smba.trafficmanager.net/amer/",
          "channelId": "msteams",
          "from": { "id": "29:user", "name": "Ana", "aadObjectId": "aad-1", "role": "user" },
          "recipient": { "id": "28:app-id", "name": "Approvals" },
          "conversation": { "id": "a:conv", "conversationType": "personal", "isGroup": false, "tenantId": "tenant-1" },
          "text": "<at>Approvals</at> approve 42",
          "textFormat": "plain",
          "locale": "en-US",
          "entities": [
            { "type": "mention", "text": "<at>Approvals</at>", "mentioned": { "id": "28:app-id", "name": "Approvals" } },
            { "type": "clientInfo", "locale": "en-US" }
          ],
          "channelData": { "tenant": { "id": "tenant-1" }, "futureField": [1, 2] },
          "value": { "action": { "type": "Action.Execute", "verb": "approve" } },
          "callerId": "ignored",
          "somethingNew": { "nested": true }
        }
        """;

    [Fact]
    public void Deserialize_TeamsMessage_ReadsTheCamelCaseFields()
    {
        var activity = JsonSerializer.Deserialize<Activity>(TeamsMessage, ProtocolJson.Options)!;

        Assert.Equal(ActivityTypes.Message, activity.Type);
        Assert.Equal("https://smba.trafficmanager.net/amer/", activity.ServiceUrl);
        Assert.Equal("msteams", activity.ChannelId);
        Assert.Equal("aad-1", activity.From!.AadObjectId);
        Assert.Equal("28:app-id", activity.Recipient!.Id);
        Assert.Equal("personal", activity.Conversation!.ConversationType);
        Assert.False(activity.Conversation.IsGroup);
        Assert.Equal(new DateTimeOffset(2026, 11, 21, 1, 2, 3, 456, TimeSpan.Zero), activity.Timestamp);
        Assert.Equal("approve", activity.Value!.Value.GetProperty("action").GetProperty("verb").GetString());
        Assert.Equal(2, activity.Entities!.Count);
    }

    [Fact]
    public void RoundTrip_KeepsUnknownFields()
    {
        var activity = JsonSerializer.Deserialize<Activity>(TeamsMessage, ProtocolJson.Options)!;

        var json = JsonSerializer.Serialize(activity, ProtocolJson.Options);
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;

        Assert.True(root.GetProperty("somethingNew").GetProperty("nested").GetBoolean());
        Assert.Equal("en-US", root.GetProperty("entities")[1].GetProperty("locale").GetString());
        Assert.Equal(2, root.GetProperty("channelData").GetProperty("futureField").GetArrayLength());
        Assert.Equal("28:app-id", root.GetProperty("entities")[0].GetProperty("mentioned").GetProperty("id").GetString());
    }

    [Fact]
    public void Serialize_WritesCamelCaseAndLeavesOutNulls()
    {
        var activity = new Activity { Type = ActivityTypes.Message, Text = "hi", ReplyToId = "7" };

        var json = JsonSerializer.Serialize(activity, ProtocolJson.Options);

        Assert.Equal("""{"type":"message","replyToId":"7","text":"hi"}""", json);
    }

    [Fact]
    public void InvokeResponse_SerializesStatusAndBody()
    {
        var json = JsonSerializer.Serialize(new InvokeResponse(200, new { statusCode = 200 }), ProtocolJson.Options);

        Assert.Equal("""{"status":200,"body":{"statusCode":200}}""", json);
    }

    [Theory]
    [InlineData("<at>Approvals</at> approve 42", "approve 42")]
    [InlineData("approve <AT>approvals</AT> 42 ", "approve  42")]
    [InlineData("  <at>Approvals</at>  ", "")]
    public void RemoveRecipientMention_RemovesTheBotsMentionCaseInsensitively(string text, string expected)
    {
        var activity = JsonSerializer.Deserialize<Activity>(TeamsMessage, ProtocolJson.Options)!;
        activity.Text = text;

        Assert.Equal(expected, activity.RemoveRecipientMention());
    }

    [Fact]
    public void RemoveRecipientMention_KeepsMentionsOfOthers()
    {
        var activity = JsonSerializer.Deserialize<Activity>("""
            {
              "type": "message",
              "recipient": { "id": "28:app-id" },
              "text": "<at>Approvals</at> delegate to <at>Bea</at>",
              "entities": [
                { "type": "mention", "text": "<at>Bea</at>", "mentioned": { "id": "29:bea" } },
                { "type": "mention", "text": "<at>Approvals</at>", "mentioned": { "id": "28:app-id" } }
              ]
            }
            """, ProtocolJson.Options)!;

        Assert.Equal("delegate to <at>Bea</at>", activity.RemoveRecipientMention());
    }

    [Fact]
    public void RemoveRecipientMention_WithoutEntities_TrimsOnly()
    {
        var activity = new Activity { Text = "  hello ", Recipient = new ChannelAccount { Id = "28:app-id" } };

        Assert.Equal("hello", activity.RemoveRecipientMention());
    }

    [Fact]
    public void GetTenantId_PrefersConversationTenant()
    {
        var activity = JsonSerializer.Deserialize<Activity>(TeamsMessage, ProtocolJson.Options)!;
        activity.Conversation!.TenantId = "from-conversation";

        Assert.Equal("from-conversation", activity.GetTenantId());
    }

    [Fact]
    public void GetTenantId_FallsBackToChannelDataTenant()
    {
        var activity = JsonSerializer.Deserialize<Activity>(TeamsMessage, ProtocolJson.Options)!;
        activity.Conversation!.TenantId = null;

        Assert.Equal("tenant-1", activity.GetTenantId());
    }

    [Fact]
    public void GetTenantId_WithoutEither_IsNull()
    {
        Assert.Null(new Activity { Conversation = new ConversationAccount { Id = "c" } }.GetTenantId());
    }

    [Fact]
    public void GetConversationReference_TakesBotFromRecipientAndUserFromSender()
    {
        var activity = JsonSerializer.Deserialize<Activity>(TeamsMessage, ProtocolJson.Options)!;

        var reference = activity.GetConversationReference();

        Assert.Equal("https://smba.trafficmanager.net/amer/", reference.ServiceUrl);
        Assert.Equal("msteams", reference.ChannelId);
        Assert.Equal("a:conv", reference.Conversation.Id);
        Assert.Equal("28:app-id", reference.Bot!.Id);
        Assert.Equal("29:user", reference.User!.Id);
        Assert.Equal("tenant-1", reference.TenantId);
    }

    [Fact]
    public void GetConversationReference_WithoutServiceUrl_Throws()
    {
        var activity = new Activity { ChannelId = "msteams", Conversation = new ConversationAccount { Id = "c" } };

        Assert.Throws<InvalidOperationException>(() => activity.GetConversationReference());
    }
}
