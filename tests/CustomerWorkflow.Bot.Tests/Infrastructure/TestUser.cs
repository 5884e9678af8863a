using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using CustomerWorkflow.Bot.Protocol.Schema;
using CustomerWorkflow.Testing;

namespace CustomerWorkflow.Bot.Tests.Infrastructure;

/// <summary>A person talking to the bot in their 1:1 chat: send text, click card actions, read what arrived.</summary>
public sealed class TestUser(BotTestHost host, string aadObjectId, string name, string upn)
{
    public string AadObjectId { get; } = aadObjectId;

    public string Name { get; } = name;

    public string Upn { get; } = upn;

    /// <summary>The Teams id, like 29:…</summary>
    public string ChannelId => "29:" + AadObjectId;

    public string ConversationId => FakeChannel.PersonalConversationId(ChannelId);

    /// <summary>Everything the bot sent into this user's chat, in order.</summary>
    public IReadOnlyList<Activity> Received =>
        host.Channel.Calls.Where(c => c.ConversationId == ConversationId && c.Activity is not null && c.Kind is "send" or "reply")
            .OrderBy(c => c.Sequence).Select(c => c.Activity!).ToList();

    /// <summary>Sends a message and waits for the bot's answer (the channel has it when the request returns).</summary>
    public Task<Turn> SendAsync(string text, Action<Activity>? shape = null)
    {
        var activity = host.NewActivity(this);
        activity.Text = text;
        shape?.Invoke(activity);
        return PostAsync(activity);
    }

    /// <summary>Delivers an activity as this user and collects what the bot sent while handling it.</summary>
    public async Task<Turn> PostAsync(Activity activity, string? authorization = null, bool noAuthorization = false)
    {
        var before = host.Channel.Sequence;
        using var response = await host.PostAsync(activity, authorization, noAuthorization);
        var body = await response.Content.ReadAsStringAsync();
        await host.WhenDeliveredAsync();
        return new Turn(this, response.StatusCode, body, host.Channel.CallsSince(before));
    }

    /// <summary>
    /// The Action.Execute titled <paramref name="title"/>: on the card, or on the card a ShowCard of that title opens
    /// (Reject opens a form whose button sends the reject).
    /// </summary>
    internal static JsonObject? FindExecute(JsonObject card, string title, string? field = null)
    {
        var all = Walk(card).ToList();
        return all.FirstOrDefault(a => (string?)a["type"] == "Action.Execute" && (string?)a["title"] == title && (field is null || (string?)a["data"]?["field"] == field))
            ?? all.Where(a => (string?)a["type"] == "Action.ShowCard" && (string?)a["title"] == title)
                .Select(a => Walk(a["card"]!.AsObject()).FirstOrDefault(inner => (string?)inner["type"] == "Action.Execute"))
                .FirstOrDefault(a => a is not null);

        static IEnumerable<JsonObject> Walk(JsonNode? node)
        {
            if (node is JsonObject o)
            {
                yield return o;
                foreach (var child in o.Where(p => p.Key != "card").SelectMany(p => Walk(p.Value)))
                {
                    yield return child;
                }
            }
            else if (node is JsonArray array)
            {
                foreach (var child in array.SelectMany(Walk))
                {
                    yield return child;
                }
            }
        }
    }

    /// <summary>Clicks an Action.Execute of a card this user received: an adaptiveCard/action invoke with its verb and data plus inputs.</summary>
    public Task<Turn> ClickAsync(Activity cardMessage, string title, IReadOnlyDictionary<string, string>? inputs = null, string? field = null) =>
        PostAsync(Click(cardMessage, title, inputs, field));

    /// <summary>The invoke a click of <paramref name="title"/> sends, not yet delivered (to deliver it more than once).</summary>
    public Activity Click(Activity cardMessage, string title, IReadOnlyDictionary<string, string>? inputs = null, string? field = null)
    {
        var card = BotTestHost.CardOf(cardMessage);
        var action = FindExecute(card, title, field)
            ?? throw new Xunit.Sdk.XunitException($"The card has no Action.Execute titled {title}.");
        var data = action["data"]!.DeepClone().AsObject();
        foreach (var (key, value) in inputs ?? new Dictionary<string, string>())
        {
            data[key] = value;
        }

        var activity = host.NewActivity(this, ActivityTypes.Invoke);
        activity.Name = InvokeNames.AdaptiveCardAction;
        activity.ReplyToId = "card-message";
        activity.Value = JsonSerializer.SerializeToElement(new JsonObject
        {
            ["action"] = new JsonObject { ["type"] = (string?)action["type"], ["id"] = title, ["verb"] = (string?)action["verb"], ["data"] = data },
            ["trigger"] = "manual",
        });
        return activity;
    }
}

/// <summary>What one delivered activity led to: the HTTP answer and every call the bot made to the channel meanwhile.</summary>
public sealed class Turn(TestUser user, HttpStatusCode status, string body, IReadOnlyList<ChannelCall> calls)
{
    public HttpStatusCode Status { get; } = status;

    public string Body { get; } = body;

    public IReadOnlyList<ChannelCall> Calls { get; } = calls;

    /// <summary>The messages the bot sent into the sender's own chat during this turn.</summary>
    public IReadOnlyList<Activity> Replies =>
        Calls.Where(c => c.ConversationId == user.ConversationId && c.Kind is "send" or "reply" && c.Activity?.Type == ActivityTypes.Message).Select(c => c.Activity!).ToList();

    /// <summary>The one reply; fails when there is none or more than one.</summary>
    public Activity Reply
    {
        get
        {
            Assert.Equal(HttpStatusCode.OK, Status);
            return Assert.Single(Replies);
        }
    }

    /// <summary>
    /// The single reply as a reader sees it — its text, then the texts of its card (TextBlocks, TextRuns, facts and
    /// input labels, decoded) — asserted to contain each fragment (case-insensitive).
    /// </summary>
    public string ReplyText(params string[] contains)
    {
        var reply = Reply;
        var text = string.Join(" ", new[] { reply.Text ?? string.Empty }.Concat((reply.Attachments ?? []).Select(a => CardTexts.Of(a.Content))));
        foreach (var fragment in contains)
        {
            Assert.Contains(fragment, text, StringComparison.OrdinalIgnoreCase);
        }

        return text;
    }

    /// <summary>Messages the bot sent to <paramref name="other"/> during this turn (proactive notices).</summary>
    public IReadOnlyList<Activity> SentTo(TestUser other) =>
        Calls.Where(c => c.ConversationId == other.ConversationId && c.Kind is "send" or "reply" && c.Activity is not null).Select(c => c.Activity!).ToList();

    public void AssertNoReplies()
    {
        Assert.DoesNotContain(Calls, c => c.Kind is "send" or "reply" or "update" or "delete" or "create");
    }

    /// <summary>The invoke response body as JSON.</summary>
    public JsonObject InvokeBody => JsonNode.Parse(Body)!.AsObject();
}

/// <summary>What a reader sees on a card: every text, title, value and label, decoded and joined by spaces.</summary>
public static class CardTexts
{
    private static readonly HashSet<string> _shown = new(StringComparer.Ordinal) { "text", "title", "value", "label" };

    public static string Of(JsonElement? card) => card is { } element ? Of(JsonNode.Parse(element.GetRawText())) : string.Empty;

    public static string Of(JsonNode? node) => node switch
    {
        // The runs of a RichTextBlock read as one line.
        JsonObject o when o["inlines"] is JsonArray runs => string.Concat(runs.Select(r => (string?)r?["text"] ?? string.Empty)),
        JsonObject o => string.Join(" ", o.Where(p => p.Value is not null).Select(p =>
            _shown.Contains(p.Key) && p.Value is JsonValue v && v.TryGetValue<string>(out var s) ? s : Of(p.Value)).Where(t => t.Length > 0)),
        JsonArray a => string.Join(" ", a.Select(Of).Where(t => t.Length > 0)),
        _ => string.Empty,
    };
}
