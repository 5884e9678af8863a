using System.Text.Json;
using CustomerWorkflow.Bot.Commands;
using CustomerWorkflow.Bot.Protocol;
using CustomerWorkflow.Bot.Protocol.Connector;
using CustomerWorkflow.Bot.Protocol.Hosting;
using CustomerWorkflow.Bot.Protocol.Schema;
using CustomerWorkflow.Core.People;
using CustomerWorkflow.Core.Proposals;

namespace CustomerWorkflow.Bot.Conversation;

/// <summary>How the bot reaches a person later: the conversation reference, and whether it came with a verified token.</summary>
internal sealed record StoredAddress(ConversationReference Reference, bool Authenticated)
{
    public string ToJson() => JsonSerializer.Serialize(this, ProtocolJson.Options);

    public static StoredAddress? FromJson(string? json)
    {
        if (string.IsNullOrEmpty(json))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<StoredAddress>(json, ProtocolJson.Options);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

/// <summary>
/// Sends notices to people proactively: through their stored 1:1 conversation, or by opening one (Teams needs the
/// person's channel id and the tenant) when none is stored. People the bot has never met cannot be reached yet.
/// </summary>
internal sealed partial class Notifier(
    BotAdapter adapter,
    UserDirectory directory,
    TrustedServiceUrls trusted,
    BotProtocolOptions options,
    IDeliveryStore delivery,
    TimeProvider time,
    ILogger<Notifier> logger)
{
    /// <summary>Sends each notice; returns the names of the people who could not be reached.</summary>
    public async Task<IReadOnlyList<string>> SendAsync(IReadOnlyList<Notice> notices, ITurnContext? turn, CancellationToken cancellationToken)
    {
        var unreachable = new List<string>();
        foreach (var notice in notices)
        {
            var person = await directory.GetAsync(notice.UserId, cancellationToken).ConfigureAwait(false);
            var address = person is null ? null : await AddressOfAsync(person, turn, cancellationToken).ConfigureAwait(false);
            var reference = address?.Reference;
            if (reference is null)
            {
                unreachable.Add(person?.Name ?? notice.UserId);
                await RecordAsync(notice, false, "not reached: they have not opened the bot yet", cancellationToken).ConfigureAwait(false);
                continue;
            }

            try
            {
                string? activityId = null;
                await Retry.RunAsync(() => adapter.ContinueConversationAsync(reference, async (context, ct) =>
                    activityId = (await context.SendActivityAsync(Message(notice), ct).ConfigureAwait(false)).Id, cancellationToken), cancellationToken).ConfigureAwait(false);
                if (notice.ProposalId is { } proposalId && notice.Card is not null && activityId is not null)
                {
                    await delivery.AddSentCardAsync(new SentCard(proposalId, notice.UserId, address!.ToJson(), activityId, time.GetUtcNow()), cancellationToken).ConfigureAwait(false);
                }
            }
            catch (Exception exception) when (Retry.IsChannelFailure(exception))
            {
                LogSendFailed(logger, exception, notice.UserId);
                unreachable.Add(person!.Name);
                await RecordAsync(notice, false, $"not delivered: {exception.GetType().Name}", cancellationToken).ConfigureAwait(false);
            }
        }

        return unreachable;
    }

    /// <summary>A notice about a proposal that could not be delivered is kept with the proposal's history.</summary>
    private Task RecordAsync(Notice notice, bool delivered, string detail, CancellationToken cancellationToken) =>
        notice.ProposalId is { } proposalId && ProposalId.CustomerIdOf(proposalId) is { } customerId
            ? delivery.AddNoticeAsync(new NoticeRecord(proposalId, customerId, time.GetUtcNow(), notice.UserId, delivered, detail), cancellationToken)
            : Task.CompletedTask;

    public static Activity Message(Notice notice)
    {
        var activity = new Activity { Type = ActivityTypes.Message, Text = notice.Text };
        if (notice.Card is { } card)
        {
            activity.Attachments = [ApprovalCards.Attachment(card)];
        }

        return activity;
    }

    private async Task<StoredAddress?> AddressOfAsync(UserProfile person, ITurnContext? turn, CancellationToken cancellationToken)
    {
        if (StoredAddress.FromJson(person.Address) is { } stored)
        {
            if (stored.Authenticated && !options.IsAnonymous)
            {
                // It was stored from an activity whose token named this serviceUrl, so the bot's token may go there.
                trusted.Trust(stored.Reference.ServiceUrl);
            }

            return stored;
        }

        // No 1:1 chat stored: open one, in the channel and tenant of the turn that triggered the notice.
        if (turn?.Activity is not { ServiceUrl: { } serviceUrl, ChannelId: { } channelId } activity || string.IsNullOrEmpty(person.ChannelUserId))
        {
            return null;
        }

        var tenant = activity.GetTenantId();
        var user = new ChannelAccount { Id = person.ChannelUserId, Name = person.Name, AadObjectId = person.Id };
        var parameters = new ConversationParameters
        {
            IsGroup = false,
            Bot = activity.Recipient,
            Members = [user],
            TenantId = tenant,
            ChannelData = tenant is null ? null : JsonSerializer.SerializeToElement(new { tenant = new { id = tenant } }),
        };
        try
        {
            var created = await adapter.Connector.CreateConversationAsync(serviceUrl, parameters, cancellationToken).ConfigureAwait(false);
            if (string.IsNullOrEmpty(created?.Id))
            {
                return null;
            }

            var reference = new ConversationReference(
                created.ServiceUrl ?? serviceUrl,
                channelId,
                new ConversationAccount { Id = created.Id, ConversationType = "personal", TenantId = tenant },
                activity.Recipient,
                user,
                tenant);
            var address = new StoredAddress(reference, turn.IsAuthenticated());
            await directory.MeetAsync(person with { Address = address.ToJson() }, cancellationToken).ConfigureAwait(false);
            return address;
        }
        catch (Exception exception) when (Retry.IsChannelFailure(exception))
        {
            LogCreateFailed(logger, exception, person.Id);
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not send a notice to {UserId}")]
    private static partial void LogSendFailed(ILogger logger, Exception exception, string userId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not open a 1:1 conversation with {UserId}")]
    private static partial void LogCreateFailed(ILogger logger, Exception exception, string userId);
}
