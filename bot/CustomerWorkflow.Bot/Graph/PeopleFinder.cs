using CustomerWorkflow.Bot.Protocol.Connector;
using CustomerWorkflow.Core.People;

namespace CustomerWorkflow.Bot.Graph;

/// <summary>
/// Finds the person a command names: in the directory first; with Graph on, an object id or UPN the bot has not met is
/// looked up in Microsoft Graph and added to the directory (with no roles). So an admin can give a role to, or name as
/// approver, someone who never opened the bot, and their notices reach them through the app install. A Graph failure
/// reads as "not found": the command then says who it does not know, as without Graph.
/// </summary>
internal sealed partial class PeopleFinder(UserDirectory directory, GraphOptions options, IServiceScopeFactory scopes, ILogger<PeopleFinder> logger)
{
    public async Task<UserProfile?> ResolveAsync(string key, CancellationToken cancellationToken)
    {
        if (await directory.ResolveAsync(key, cancellationToken).ConfigureAwait(false) is { } known)
        {
            return known;
        }

        var trimmed = key?.Trim() ?? string.Empty;
        if (!options.Enabled || !IsDirectoryKey(trimmed))
        {
            return null;
        }

        GraphUser? found;
        try
        {
            // A scope per lookup, so the typed Graph HttpClient comes fresh from the factory (this finder is a singleton).
            await using var scope = scopes.CreateAsyncScope();
            found = await scope.ServiceProvider.GetRequiredService<GraphClient>().GetUserAsync(trimmed, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is GraphException or HttpRequestException or ChannelTokenException
            || (exception is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            LogLookupFailed(logger, exception);
            return null;
        }

        if (found is null)
        {
            return null;
        }

        // Found by UPN, they may be known already under their object id.
        return await directory.GetAsync(found.Id, cancellationToken).ConfigureAwait(false)
            ?? await directory.MeetAsync(new UserProfile(found.Id, found.DisplayName ?? found.UserPrincipalName ?? found.Id, found.UserPrincipalName, found.Mail), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>An object id or a UPN: never a name, a Teams id (29:…) or anything with spaces, which Graph cannot be asked for.</summary>
    private static bool IsDirectoryKey(string key) =>
        key.Length is > 0 and <= 256
        && (Guid.TryParse(key, out _) || (key.Contains('@', StringComparison.Ordinal) && !key.Any(c => char.IsWhiteSpace(c) || char.IsControl(c))));

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not look a person up in Microsoft Graph")]
    private static partial void LogLookupFailed(ILogger logger, Exception exception);
}
