using CustomerWorkflow.Bot.Protocol.Connector;
using CustomerWorkflow.Core.People;
using CustomerWorkflow.Core.Workflows;

namespace CustomerWorkflow.Bot.Graph;

/// <summary>
/// The approver directory of the bot: a manager an admin set (<c>workflow user</c>) wins; otherwise, with Graph on, the
/// manager and group members come from Microsoft Graph, and the people Graph names are added to the directory (with no
/// roles) so their notices can reach them. Approval limits are always the stored ones. Without Graph (development,
/// tests) everything comes from the stored people. A Graph failure reads as "not known", so the submit says who is missing.
/// </summary>
internal sealed partial class DirectoryApprovers(
    IUserStore users,
    UserDirectory directory,
    GraphOptions options,
    IServiceScopeFactory scopes,
    ILogger<DirectoryApprovers> logger) : IApproverDirectory
{
    private readonly StoredApproverDirectory _stored = new(users);

    public async Task<string?> ManagerOfAsync(string userId, CancellationToken cancellationToken = default)
    {
        if (await _stored.ManagerOfAsync(userId, cancellationToken).ConfigureAwait(false) is { } set)
        {
            return set;
        }

        if (!options.Enabled)
        {
            return null;
        }

        var manager = await AskGraphAsync(graph => graph.GetManagerAsync(userId, cancellationToken), cancellationToken).ConfigureAwait(false);
        return manager is null ? null : await MeetAsync(manager, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<string>?> GroupMembersAsync(string groupId, CancellationToken cancellationToken = default)
    {
        if (!options.Enabled)
        {
            return null;
        }

        var members = await AskGraphAsync(graph => graph.GetGroupMembersAsync(groupId, cancellationToken), cancellationToken).ConfigureAwait(false);
        if (members is null)
        {
            return null;
        }

        var ids = new List<string>(members.Count);
        foreach (var member in members)
        {
            ids.Add(await MeetAsync(member, cancellationToken).ConfigureAwait(false));
        }

        return ids;
    }

    public Task<decimal?> ApprovalLimitAsync(string userId, CancellationToken cancellationToken = default) =>
        _stored.ApprovalLimitAsync(userId, cancellationToken);

    private async Task<string> MeetAsync(GraphUser user, CancellationToken cancellationToken)
    {
        if (await directory.GetAsync(user.Id, cancellationToken).ConfigureAwait(false) is null)
        {
            await directory.MeetAsync(new UserProfile(user.Id, user.DisplayName ?? user.UserPrincipalName ?? user.Id, user.UserPrincipalName, user.Mail), cancellationToken).ConfigureAwait(false);
        }

        return user.Id;
    }

    private async Task<T?> AskGraphAsync<T>(Func<GraphClient, Task<T?>> ask, CancellationToken cancellationToken) where T : class
    {
        try
        {
            // A scope per lookup, so the typed Graph HttpClient comes fresh from the factory (this is a singleton).
            await using var scope = scopes.CreateAsyncScope();
            return await ask(scope.ServiceProvider.GetRequiredService<GraphClient>()).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is GraphException or HttpRequestException or ChannelTokenException
            || (exception is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            LogLookupFailed(logger, exception);
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not read a manager or group from Microsoft Graph")]
    private static partial void LogLookupFailed(ILogger logger, Exception exception);
}
