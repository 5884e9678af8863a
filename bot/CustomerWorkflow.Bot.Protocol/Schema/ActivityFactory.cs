namespace CustomerWorkflow.Bot.Protocol.Schema;

public static class ActivityFactory
{
    /// <summary>
    /// A message answering <paramref name="incoming"/>: from the bot to the sender, in the same conversation, replying
    /// to it. No id, timestamp or serviceUrl: the channel sets those (BOT-PROTOCOL §3).
    /// </summary>
    public static Activity CreateReply(this Activity incoming, string? text = null) => new()
    {
        Type = ActivityTypes.Message,
        From = incoming.Recipient,
        Recipient = incoming.From,
        Conversation = incoming.Conversation,
        ReplyToId = incoming.Id,
        Text = text,
        Locale = incoming.Locale,
    };
}
