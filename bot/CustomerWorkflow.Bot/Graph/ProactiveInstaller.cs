using CustomerWorkflow.Bot.Commands;
using CustomerWorkflow.Bot.Conversation;
using CustomerWorkflow.Bot.Protocol;
using CustomerWorkflow.Bot.Protocol.Connector;
using CustomerWorkflow.Bot.Protocol.Schema;
using CustomerWorkflow.Core.People;

namespace CustomerWorkflow.Bot.Graph;

/// <summary>What trying to open a chat through Graph came to: the address to send to, or why not.</summary>
/// <param name="Address">The 1:1 chat with the bot, when it could be had.</param>
/// <param name="InstallationId">The app's installation for the person, when there is one (an activity feed notice can point at it).</param>
/// <param name="Failure">Why there is no address, for the notice record.</param>
internal sealed record ChatOpening(StoredAddress? Address, string? InstallationId, string? Failure);

/// <summary>
/// Reaches people the bot has never met, through Microsoft Graph: installs the app in their personal scope (which gives
/// them a 1:1 chat with the bot), finds that chat and makes it an address to send the notice to now; Teams also tells
/// the bot about the install, which stores the address the usual way. The second way to reach them is an activity feed
/// notice. Graph failures come back as reasons, never as exceptions: a notice must not fail the action that caused it.
/// </summary>
internal sealed partial class ProactiveInstaller(
    GraphClient graph,
    GraphOptions options,
    BotProtocolOptions bot,
    TrustedServiceUrls trusted,
    ILogger<ProactiveInstaller> logger)
{
    public bool CanInstall => options.CanInstall && !bot.IsAnonymous;

    public bool CanNotifyInFeed => options.Enabled && options.ActivityFeed && !bot.IsAnonymous;

    /// <summary>
    /// Installs the app for <paramref name="person"/> (already installed is fine), and returns their 1:1 chat with the
    /// bot as an address, in the Teams serviceUrl of <see cref="GraphOptions.TeamsServiceUrl"/>, the triggering turn,
    /// or the global one, in that order.
    /// </summary>
    public async Task<ChatOpening> OpenChatAsync(UserProfile person, Activity? turn, bool turnAuthenticated, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(person);
        if (!CanInstall)
        {
            return new ChatOpening(null, null, "not reached: they have not opened the bot yet");
        }

        if (ServiceUrl(turn, turnAuthenticated) is not { } target)
        {
            return new ChatOpening(null, null, $"not reached: the host of {GraphOptions.ServiceUrlKey} is not in AllowedServiceUrlHosts");
        }

        string? installationId = null;
        try
        {
            var catalogAppId = options.CatalogAppId!;
            var installedNow = await graph.InstallAppForUserAsync(person.Id, catalogAppId, cancellationToken).ConfigureAwait(false);
            installationId = await graph.FindInstallationAsync(person.Id, catalogAppId, cancellationToken).ConfigureAwait(false)
                ?? throw new GraphException("Graph does not list the app it installed.");
            var chatId = await graph.GetInstallationChatIdAsync(person.Id, installationId, cancellationToken).ConfigureAwait(false);
            LogInstalled(logger, person.Id, installedNow);

            var tenant = turn?.GetTenantId() ?? options.Audience?.TenantId;
            var reference = new ConversationReference(
                target.ServiceUrl,
                "msteams",
                new ConversationAccount { Id = chatId, ConversationType = "personal", TenantId = tenant },
                string.Equals(turn?.ChannelId, "msteams", StringComparison.OrdinalIgnoreCase) && turn?.Recipient is { } recipient
                    ? recipient
                    : new ChannelAccount { Id = "28:" + bot.MicrosoftAppId },
                new ChannelAccount { Id = person.ChannelUserId, Name = person.Name, AadObjectId = person.Id },
                tenant);
            return new ChatOpening(new StoredAddress(reference, target.Trusted), installationId, null);
        }
        catch (Exception exception) when (IsGraphFailure(exception, cancellationToken))
        {
            LogInstallFailed(logger, exception, person.Id);
            return new ChatOpening(null, installationId, $"not reached: installing the app through Microsoft Graph failed ({Reason(exception)})");
        }
    }

    /// <summary>
    /// Sends the notice as a Teams activity feed entry of its <see cref="Notice.Feed"/> type: about the app's
    /// installation when there is one (selecting it opens the bot), else with a link to a chat with the bot. Returns
    /// null when sent, else why not.
    /// </summary>
    public async Task<string?> NotifyInFeedAsync(UserProfile person, Notice notice, string? installationId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(person);
        ArgumentNullException.ThrowIfNull(notice);
        if (!CanNotifyInFeed || notice.Feed is not { } feed)
        {
            return "no activity feed notice for this";
        }

        var topic = installationId is not null
            ? ActivityTopic.Installation(graph.BaseUrl, person.Id, installationId)
            : ActivityTopic.Text("Customer changes", new Uri("https://teams.microsoft.com/l/chat/0/0?users=" + Uri.EscapeDataString("28:" + bot.MicrosoftAppId)));
        try
        {
            await graph.SendActivityNotificationAsync(person.Id, new ActivityNotice(topic, feed.Type, notice.Text, feed.Parameters), cancellationToken).ConfigureAwait(false);
            return null;
        }
        catch (Exception exception) when (IsGraphFailure(exception, cancellationToken))
        {
            LogFeedFailed(logger, exception, person.Id);
            return $"activity feed notice failed ({Reason(exception)})";
        }
    }

    /// <summary>The serviceUrl to send into, and whether the bot's token may go there.</summary>
    private (string ServiceUrl, bool Trusted)? ServiceUrl(Activity? turn, bool turnAuthenticated)
    {
        if (options.TeamsServiceUrl is { } configured)
        {
            // Configuration is trusted as an authenticated activity is, within the same host allowlist.
            return trusted.Trust(configured.AbsoluteUri) ? (configured.AbsoluteUri, true) : null;
        }

        if (turn is { ServiceUrl: { Length: > 0 } serviceUrl } && string.Equals(turn.ChannelId, "msteams", StringComparison.OrdinalIgnoreCase))
        {
            return (serviceUrl, turnAuthenticated);
        }

        var global = GraphOptions.DefaultTeamsServiceUrl.AbsoluteUri;
        return trusted.Trust(global) ? (global, true) : null;
    }

    private static bool IsGraphFailure(Exception exception, CancellationToken cancellationToken) =>
        exception is GraphException or HttpRequestException or ChannelTokenException or ArgumentException
        || (exception is OperationCanceledException && !cancellationToken.IsCancellationRequested);

    private static string Reason(Exception exception) => exception switch
    {
        GraphException graph => graph.Reason,
        OperationCanceledException => "timed out",
        _ => exception.GetType().Name,
    };

    [LoggerMessage(Level = LogLevel.Information, Message = "Opened a 1:1 chat with {UserId} through Graph (installed now: {InstalledNow})")]
    private static partial void LogInstalled(ILogger logger, string userId, bool installedNow);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not install the app for {UserId} through Graph")]
    private static partial void LogInstallFailed(ILogger logger, Exception exception, string userId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not send an activity feed notice to {UserId}")]
    private static partial void LogFeedFailed(ILogger logger, Exception exception, string userId);
}
