using System.Text.Json;
using CustomerWorkflow.Bot.Commands;
using CustomerWorkflow.Bot.Graph;
using CustomerWorkflow.Bot.Protocol;
using CustomerWorkflow.Bot.Protocol.Connector;
using CustomerWorkflow.Bot.Protocol.Hosting;
using CustomerWorkflow.Bot.Protocol.Schema;
using CustomerWorkflow.Core.People;
using CustomerWorkflow.Core.Proposals;
using CustomerWorkflow.Core.Scheduling;

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
/// person's channel id and the tenant) when none is stored. With Microsoft Graph configured, people the bot has never
/// met get the app installed and the notice in the 1:1 chat that gives them, or else an activity feed notice; without
/// it they cannot be reached yet. Nothing here fails the action that caused the notice: what could not be delivered is
/// recorded with the reason.
/// </summary>
internal sealed partial class Notifier(
    BotAdapter adapter,
    UserDirectory directory,
    TrustedServiceUrls trusted,
    BotProtocolOptions options,
    IDeliveryStore delivery,
    ProactiveInstaller installer,
    TimeProvider time,
    ILogger<Notifier> logger,
    DigestQueue? digests = null)
{
    private const string NeverMet = "not reached: they have not opened the bot yet";

    /// <summary>A notice whose user id starts so is a post in that Teams channel (its conversation id follows).</summary>
    public const string ChannelPrefix = "channel:";

    /// <summary>Sends each notice; returns the names of the people who could not be reached.</summary>
    public async Task<IReadOnlyList<string>> SendAsync(IReadOnlyList<Notice> notices, ITurnContext? turn, CancellationToken cancellationToken)
    {
        var unreachable = new List<string>();
        foreach (var notice in notices)
        {
            if (notice.UserId.StartsWith(ChannelPrefix, StringComparison.Ordinal))
            {
                await PostToChannelAsync(notice, turn, cancellationToken).ConfigureAwait(false);
                continue;
            }

            var person = await directory.GetAsync(notice.UserId, cancellationToken).ConfigureAwait(false);
            if (person is null)
            {
                unreachable.Add(notice.UserId);
                await RecordAsync(notice, false, NeverMet, cancellationToken).ConfigureAwait(false);
                continue;
            }

            if (await HeldForDigestAsync(person, notice, cancellationToken).ConfigureAwait(false))
            {
                continue;
            }

            var found = await AddressOfAsync(person, turn, cancellationToken).ConfigureAwait(false);
            if (found.Address is not { } address)
            {
                if (!await NotifiedInFeedAsync(person, notice, found.InstallationId, found.Failure ?? NeverMet, cancellationToken).ConfigureAwait(false))
                {
                    unreachable.Add(person.Name);
                    await RecordAsync(notice, false, found.Failure ?? NeverMet, cancellationToken).ConfigureAwait(false);
                }

                continue;
            }

            try
            {
                string? activityId = null;
                await Retry.RunAsync(() => adapter.ContinueConversationAsync(address.Reference, async (context, ct) =>
                    activityId = (await context.SendActivityAsync(Message(notice), ct).ConfigureAwait(false)).Id, cancellationToken), cancellationToken).ConfigureAwait(false);
                if (notice.ProposalId is { } proposalId && notice.Card is not null && activityId is not null)
                {
                    await delivery.AddSentCardAsync(new SentCard(proposalId, notice.UserId, address.ToJson(), activityId, time.GetUtcNow()), cancellationToken).ConfigureAwait(false);
                }
            }
            catch (Exception exception) when (Retry.IsChannelFailure(exception))
            {
                LogSendFailed(logger, exception, notice.UserId);
                var failure = $"not delivered: {exception.GetType().Name}";
                if (!await NotifiedInFeedAsync(person, notice, found.InstallationId, failure, cancellationToken).ConfigureAwait(false))
                {
                    unreachable.Add(person.Name);
                    await RecordAsync(notice, false, failure, cancellationToken).ConfigureAwait(false);
                }
            }
        }

        return unreachable;
    }

    /// <summary>
    /// A post in a Teams channel (a workflow's response): into the channel's conversation, through the connector of the
    /// turn that caused it (the bot must be installed in the team). What fails is recorded with the proposal's history.
    /// </summary>
    private async Task PostToChannelAsync(Notice notice, ITurnContext? turn, CancellationToken cancellationToken)
    {
        var channel = notice.UserId[ChannelPrefix.Length..];
        if (turn?.Activity is not { ServiceUrl: { } serviceUrl, ChannelId: { } channelId } activity)
        {
            await RecordAsync(notice, false, $"not posted to channel {channel}: no channel to post through", cancellationToken).ConfigureAwait(false);
            return;
        }

        var tenant = activity.GetTenantId();
        var reference = new ConversationReference(serviceUrl, channelId,
            new ConversationAccount { Id = channel, ConversationType = "channel", TenantId = tenant }, activity.Recipient, null, tenant);
        try
        {
            await Retry.RunAsync(() => adapter.ContinueConversationAsync(reference, async (context, ct) =>
                await context.SendActivityAsync(Message(notice with { Card = null }), ct).ConfigureAwait(false), cancellationToken), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (Retry.IsChannelFailure(exception))
        {
            LogPostFailed(logger, exception, channel);
            await RecordAsync(notice, false, $"not posted to channel {channel}: {exception.GetType().Name}", cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// A notice that may wait, to someone who chose the daily digest, is held for it instead of sent; recorded with the
    /// proposal's notices, so its history says where it went.
    /// </summary>
    private async Task<bool> HeldForDigestAsync(UserProfile person, Notice notice, CancellationToken cancellationToken)
    {
        if (digests is null || notice.Digest is not { } kind || person.Notify != NotificationPreference.DailyDigest
            || notice.ProposalId is not { } proposalId || ProposalId.CustomerIdOf(proposalId) is not { } customerId)
        {
            return false;
        }

        var at = await digests.HoldAsync(person.Id, kind, proposalId, customerId, notice.Text, cancellationToken).ConfigureAwait(false);
        await RecordAsync(notice, true, $"held for their daily digest of {Commands.Text.When(at)}", cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>The second way to reach someone: an activity feed notice, recorded as delivered that way when it went out.</summary>
    private async Task<bool> NotifiedInFeedAsync(UserProfile person, Notice notice, string? installationId, string chatFailure, CancellationToken cancellationToken)
    {
        if (!installer.CanNotifyInFeed || notice.Feed is null)
        {
            return false;
        }

        var failure = await installer.NotifyInFeedAsync(person, notice, installationId, cancellationToken).ConfigureAwait(false);
        if (failure is not null)
        {
            return false;
        }

        await RecordAsync(notice, true, $"sent as a Teams activity feed notice; the chat was {chatFailure}", cancellationToken).ConfigureAwait(false);
        return true;
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

    /// <summary>
    /// Where to reach the person: their stored 1:1 chat; else one the connector opens; else one that installing the app
    /// through Graph gives them (stored for next time). Without an address, says why.
    /// </summary>
    private async Task<ChatOpening> AddressOfAsync(UserProfile person, ITurnContext? turn, CancellationToken cancellationToken)
    {
        if (StoredAddress.FromJson(person.Address) is { } stored)
        {
            if (stored.Authenticated && !options.IsAnonymous)
            {
                // It was stored from an activity whose token named this serviceUrl, so the bot's token may go there.
                trusted.Trust(stored.Reference.ServiceUrl);
            }

            return new ChatOpening(stored, null, null);
        }

        if (await CreateConversationAsync(person, turn, cancellationToken).ConfigureAwait(false) is { } created)
        {
            return new ChatOpening(created, null, null);
        }

        if (!installer.CanInstall)
        {
            return new ChatOpening(null, null, NeverMet);
        }

        var opened = await installer.OpenChatAsync(person, turn?.Activity, turn?.IsAuthenticated() ?? false, cancellationToken).ConfigureAwait(false);
        if (opened.Address is { } address)
        {
            await directory.MeetAsync(person with { Address = address.ToJson() }, cancellationToken).ConfigureAwait(false);
        }

        return opened;
    }

    /// <summary>Opens a 1:1 chat through the connector, in the channel and tenant of the turn that triggered the notice.</summary>
    private async Task<StoredAddress?> CreateConversationAsync(UserProfile person, ITurnContext? turn, CancellationToken cancellationToken)
    {
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not post to channel {Channel}")]
    private static partial void LogPostFailed(ILogger logger, Exception exception, string channel);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not open a 1:1 conversation with {UserId}")]
    private static partial void LogCreateFailed(ILogger logger, Exception exception, string userId);
}
