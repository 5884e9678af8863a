namespace CustomerWorkflow.Bot.Protocol.Schema;

/// <summary>What a bot keeps to write to a conversation later (proactive messages).</summary>
public sealed record ConversationReference(
    string ServiceUrl,
    string ChannelId,
    ConversationAccount Conversation,
    ChannelAccount? Bot,
    ChannelAccount? User,
    string? TenantId);
