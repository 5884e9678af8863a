using System.Text.Json;

namespace CustomerWorkflow.Bot.Protocol.Schema;

/// <summary>Teams helpers over an <see cref="Activity"/> (BOT-PROTOCOL §4).</summary>
public static class TeamsActivityExtensions
{
    /// <summary>
    /// The activity's text without the mentions of the recipient (the bot): each mention entity whose
    /// <c>mentioned.id</c> is the recipient's id has its <c>text</c> removed, case-insensitively; the result is trimmed.
    /// </summary>
    public static string RemoveRecipientMention(this Activity activity)
    {
        var text = activity.Text ?? string.Empty;
        var recipientId = activity.Recipient?.Id;
        if (string.IsNullOrEmpty(recipientId) || activity.Entities is null)
        {
            return text.Trim();
        }

        foreach (var entity in activity.Entities)
        {
            if (!string.Equals(entity.Type, "mention", StringComparison.OrdinalIgnoreCase) || entity.Properties is null)
            {
                continue;
            }

            if (!entity.Properties.TryGetValue("mentioned", out var mentioned)
                || mentioned.ValueKind != JsonValueKind.Object
                || !mentioned.TryGetProperty("id", out var id)
                || id.ValueKind != JsonValueKind.String
                || !string.Equals(id.GetString(), recipientId, StringComparison.Ordinal))
            {
                continue;
            }

            if (entity.Properties.TryGetValue("text", out var mentionText)
                && mentionText.ValueKind == JsonValueKind.String
                && mentionText.GetString() is { Length: > 0 } toRemove)
            {
                text = text.Replace(toRemove, string.Empty, StringComparison.OrdinalIgnoreCase);
            }
        }

        return text.Trim();
    }

    /// <summary>The tenant of the activity: <c>conversation.tenantId</c>, else <c>channelData.tenant.id</c>.</summary>
    public static string? GetTenantId(this Activity activity)
    {
        if (!string.IsNullOrEmpty(activity.Conversation?.TenantId))
        {
            return activity.Conversation.TenantId;
        }

        if (activity.ChannelData is { ValueKind: JsonValueKind.Object } channelData
            && channelData.TryGetProperty("tenant", out var tenant)
            && tenant.ValueKind == JsonValueKind.Object
            && tenant.TryGetProperty("id", out var id)
            && id.ValueKind == JsonValueKind.String)
        {
            return id.GetString();
        }

        return null;
    }

    /// <summary>The reference to reach this activity's conversation later; the bot is the recipient, the user the sender.</summary>
    public static ConversationReference GetConversationReference(this Activity activity)
    {
        if (string.IsNullOrEmpty(activity.ServiceUrl) || string.IsNullOrEmpty(activity.ChannelId) || activity.Conversation is null)
        {
            throw new InvalidOperationException("The activity has no serviceUrl, channelId or conversation to refer to.");
        }

        return new ConversationReference(
            activity.ServiceUrl,
            activity.ChannelId,
            activity.Conversation,
            activity.Recipient,
            activity.From,
            activity.GetTenantId());
    }
}
