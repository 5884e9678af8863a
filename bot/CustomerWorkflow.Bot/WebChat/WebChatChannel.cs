using System.Globalization;
using System.Text.Json;
using CustomerWorkflow.Bot.Protocol.Schema;

namespace CustomerWorkflow.Bot.WebChat;

/// <summary>
/// The built-in web chat's side of the Connector API, in memory: what the bot sent into each conversation (sends,
/// replies, updates, deletes), the 1:1 conversations it opened, and the people the page says it has. The page reads
/// the conversation back by polling; every change bumps the conversation's version, so a PUT replaces a card in place.
/// </summary>
internal sealed class WebChatChannel
{
    public const string ChannelId = "webchat";

    private readonly Lock _gate = new();
    private readonly Dictionary<string, Conversation> _conversations = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TeamsChannelAccount> _members = new(StringComparer.Ordinal);
    private long _nextId;

    /// <summary>The conversation id of a person's 1:1 chat with the bot.</summary>
    public static string PersonalConversationId(string userId) => "webchat-" + userId;

    /// <summary>The channel user id of a person (what Teams calls 29:…).</summary>
    public static string ChannelUserId(string userId) => "wc:" + userId;

    public void AddMember(TeamsChannelAccount member)
    {
        ArgumentNullException.ThrowIfNull(member);
        lock (_gate)
        {
            _members[member.Id!] = member;
        }
    }

    public TeamsChannelAccount? Member(string id)
    {
        lock (_gate)
        {
            return _members.GetValueOrDefault(id);
        }
    }

    /// <summary>Adds an activity the bot sent; returns its id.</summary>
    public string Add(string conversationId, Activity activity)
    {
        ArgumentNullException.ThrowIfNull(activity);
        lock (_gate)
        {
            var id = "wc-" + (++_nextId).ToString(CultureInfo.InvariantCulture);
            activity.Id = id;
            activity.Timestamp ??= DateTimeOffset.UtcNow;
            var conversation = Get(conversationId);
            conversation.Version++;
            conversation.Items.Add(new Item(id, conversation.Version, Serialize(activity), false));
            return id;
        }
    }

    /// <summary>Replaces an activity (a card update); false when there is no such activity.</summary>
    public bool Update(string conversationId, string activityId, Activity activity)
    {
        ArgumentNullException.ThrowIfNull(activity);
        lock (_gate)
        {
            var conversation = Get(conversationId);
            var index = conversation.Items.FindIndex(i => i.Id == activityId);
            if (index < 0)
            {
                return false;
            }

            activity.Id = activityId;
            conversation.Version++;
            conversation.Items[index] = new Item(activityId, conversation.Version, Serialize(activity), false);
            return true;
        }
    }

    public bool Delete(string conversationId, string activityId)
    {
        lock (_gate)
        {
            var conversation = Get(conversationId);
            var index = conversation.Items.FindIndex(i => i.Id == activityId);
            if (index < 0)
            {
                return false;
            }

            conversation.Version++;
            conversation.Items[index] = conversation.Items[index] with { Version = conversation.Version, Deleted = true };
            return true;
        }
    }

    /// <summary>The activities changed after <paramref name="since"/> (new, updated or deleted), and the version now.</summary>
    public (long Version, IReadOnlyList<JsonElement> Activities, IReadOnlyList<string> Deleted) Changes(string conversationId, long since)
    {
        lock (_gate)
        {
            var conversation = Get(conversationId);
            var changed = conversation.Items.Where(i => i.Version > since).ToList();
            return (conversation.Version, [.. changed.Where(i => !i.Deleted).Select(i => i.Json)], [.. changed.Where(i => i.Deleted).Select(i => i.Id)]);
        }
    }

    private Conversation Get(string conversationId)
    {
        if (!_conversations.TryGetValue(conversationId, out var conversation))
        {
            conversation = new Conversation();
            _conversations[conversationId] = conversation;
        }

        return conversation;
    }

    private static JsonElement Serialize(Activity activity) => JsonSerializer.SerializeToElement(activity, ProtocolJson.Options);

    private sealed class Conversation
    {
        public long Version { get; set; }

        public List<Item> Items { get; } = [];
    }

    private sealed record Item(string Id, long Version, JsonElement Json, bool Deleted);
}
