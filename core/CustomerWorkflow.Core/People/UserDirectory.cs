using CustomerWorkflow.Core.Storage;

namespace CustomerWorkflow.Core.People;

/// <summary>
/// The people the product knows and their roles. The first admins come from configuration (ids, UPNs or emails) and
/// stay admins whatever is stored; everyone else gets roles from an admin.
/// </summary>
public sealed partial class UserDirectory(IUserStore store, IEnumerable<string>? configuredAdmins = null)
{
    private const int MaxAttempts = 8;
    private readonly HashSet<string> _admins = new(configuredAdmins?.Select(a => a.Trim()).Where(a => a.Length > 0) ?? [], StringComparer.OrdinalIgnoreCase);

    /// <summary>True when configuration makes this person an admin.</summary>
    public bool IsConfiguredAdmin(UserProfile user) =>
        _admins.Contains(user.Id) || (user.Upn is not null && _admins.Contains(user.Upn)) || (user.Email is not null && _admins.Contains(user.Email));

    /// <summary>The roles a person holds now: the stored ones, plus admin from configuration.</summary>
    public Roles EffectiveRoles(UserProfile user) => user.Roles | (IsConfiguredAdmin(user) ? Roles.Admin : Roles.None);

    public Actor ActorFor(UserProfile user) => new(user.Id, user.Name, EffectiveRoles(user));

    /// <summary>
    /// Records what the channel says about a person who just wrote or installed the bot: name, UPN, email, channel id
    /// and address are refreshed; roles are kept. Writes only when something changed.
    /// </summary>
    public Task<UserProfile> MeetAsync(UserProfile seen, CancellationToken cancellationToken = default) =>
        MeetAsync(seen, null, cancellationToken);

    /// <inheritdoc cref="MeetAsync(UserProfile, CancellationToken)"/>
    /// <param name="seen">What the channel says about them.</param>
    /// <param name="stored">Their profile as the caller just read it by <paramref name="seen"/>'s id, to start from
    /// instead of reading it again (null: read it); a stale one only costs a retry, since the write checks its version.</param>
    /// <param name="cancellationToken">Cancels the reads and the write.</param>
    public async Task<UserProfile> MeetAsync(UserProfile seen, UserProfile? stored, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(seen);
        for (var attempt = 1; ; attempt++)
        {
            stored = attempt == 1 && stored is not null ? stored : await store.GetUserAsync(seen.Id, cancellationToken).ConfigureAwait(false);
            var merged = stored is null
                ? seen with { Version = 0 }
                : stored with
                {
                    Name = string.IsNullOrWhiteSpace(seen.Name) ? stored.Name : seen.Name,
                    Upn = seen.Upn ?? stored.Upn,
                    Email = seen.Email ?? stored.Email,
                    ChannelUserId = seen.ChannelUserId ?? stored.ChannelUserId,
                    Address = seen.Address ?? stored.Address,
                };
            if (stored is not null && merged == stored)
            {
                return stored;
            }

            try
            {
                var version = await store.SaveUserAsync(merged, stored?.Version ?? 0, cancellationToken).ConfigureAwait(false);
                return merged with { Version = version };
            }
            catch (ConcurrencyException) when (attempt < MaxAttempts)
            {
                // Someone else met them at the same moment: read again and merge onto theirs.
            }
        }
    }

    /// <summary>A person by id, UPN, email or channel id; else by name when exactly one person has it.</summary>
    public async Task<UserProfile?> ResolveAsync(string key, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(key))
        {
            return null;
        }

        var trimmed = key.Trim();
        if (await store.FindUserAsync(trimmed, cancellationToken).ConfigureAwait(false) is { } found)
        {
            return found;
        }

        var byName = await store.FindUsersByNameAsync(trimmed, 2, cancellationToken).ConfigureAwait(false);
        return byName.Count == 1 ? byName[0] : null;
    }

    public Task<UserProfile?> GetAsync(string id, CancellationToken cancellationToken = default) => store.GetUserAsync(id, cancellationToken);

    public Task<IReadOnlyList<UserProfile>> ListWithRolesAsync(CancellationToken cancellationToken = default) =>
        store.ListUsersWithRolesAsync(cancellationToken);

    /// <summary>
    /// Gives a person exactly <paramref name="roles"/>. Only admins may; an admin cannot take their own admin role
    /// away (another admin must), so the product never locks itself out.
    /// </summary>
    public async Task<UserProfile> SetRolesAsync(Actor actor, string userId, Roles roles, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (!actor.Has(Roles.Admin))
        {
            throw new WorkflowException(Refusal.NotAllowed, "Only admins can give roles.");
        }

        if (actor.Is(userId) && !roles.HasFlag(Roles.Admin))
        {
            throw new WorkflowException(Refusal.NotAllowed, "You can't take away your own admin role; ask another admin.");
        }

        return await UpdateAsync(userId, stored => stored with { Roles = roles }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Sets (or, with null, clears) a person's manager, whom manager and approver-chain steps ask. Only admins may; a
    /// manager chain may not run in a circle.
    /// </summary>
    public async Task<UserProfile> SetManagerAsync(Actor actor, string userId, string? managerId, CancellationToken cancellationToken = default)
    {
        RequireAdmin(actor, "set managers");
        if (managerId is not null)
        {
            if (string.Equals(managerId, userId, StringComparison.OrdinalIgnoreCase))
            {
                throw new WorkflowException(Refusal.InvalidValue, "Nobody can be their own manager.");
            }

            var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { userId };
            for (var next = managerId; next is not null; next = (await store.GetUserAsync(next, cancellationToken).ConfigureAwait(false))?.ManagerId)
            {
                if (!seen.Add(next))
                {
                    throw new WorkflowException(Refusal.InvalidValue, "That would make the managers a circle: someone would end up their own manager.");
                }
            }
        }

        return await UpdateAsync(userId, stored => stored with { ManagerId = managerId }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sets (or, with null, clears) the largest credit limit a person may approve. Only admins may.</summary>
    public async Task<UserProfile> SetApprovalLimitAsync(Actor actor, string userId, decimal? limit, CancellationToken cancellationToken = default)
    {
        RequireAdmin(actor, "set approval limits");
        if (limit is < 0)
        {
            throw new WorkflowException(Refusal.InvalidValue, "An approval limit is 0 or more.");
        }

        return await UpdateAsync(userId, stored => stored with { ApprovalLimit = limit }, cancellationToken).ConfigureAwait(false);
    }

    private static void RequireAdmin(Actor actor, string what)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (!actor.Has(Roles.Admin))
        {
            throw new WorkflowException(Refusal.NotAllowed, $"Only admins can {what}.");
        }
    }

    /// <summary>Reads the person, changes them and writes them back; a concurrent write is merged by doing it again.</summary>
    private async Task<UserProfile> UpdateAsync(string userId, Func<UserProfile, UserProfile> change, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var stored = await store.GetUserAsync(userId, cancellationToken).ConfigureAwait(false)
                ?? throw new WorkflowException(Refusal.UnknownUser, $"I don't know the user '{userId}'.");
            var updated = change(stored);
            if (updated == stored)
            {
                return stored;
            }

            try
            {
                var version = await store.SaveUserAsync(updated, stored.Version, cancellationToken).ConfigureAwait(false);
                return updated with { Version = version };
            }
            catch (ConcurrencyException) when (attempt < MaxAttempts)
            {
                // A concurrent meet or change: read again and apply this change on top.
            }
        }
    }
}
