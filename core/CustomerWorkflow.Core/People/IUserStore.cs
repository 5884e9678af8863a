namespace CustomerWorkflow.Core.People;

/// <summary>The people port: point reads by any of a person's keys, and versioned writes.</summary>
public interface IUserStore
{
    Task<UserProfile?> GetUserAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>The person whose id, UPN, email or channel id is <paramref name="key"/> (case-insensitive), or null.</summary>
    Task<UserProfile?> FindUserAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>People whose name is <paramref name="name"/> (case-insensitive), at most <paramref name="max"/>.</summary>
    Task<IReadOnlyList<UserProfile>> FindUsersByNameAsync(string name, int max, CancellationToken cancellationToken = default);

    /// <summary>Everyone who holds at least one role, by name.</summary>
    Task<IReadOnlyList<UserProfile>> ListUsersWithRolesAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Saves a person; <paramref name="expectedVersion"/> 0 creates them. Throws
    /// <see cref="Storage.ConcurrencyException"/> when someone else wrote first. Returns the new version.
    /// </summary>
    Task<long> SaveUserAsync(UserProfile user, long expectedVersion, CancellationToken cancellationToken = default);
}

/// <summary>
/// Claims on idempotency keys (an inbound activity id, an import's idempotency key), shared by every instance on one
/// store, so a redelivery that reaches another instance is still recognised.
/// </summary>
public interface IIdempotencyStore
{
    /// <summary>True when the key was not claimed before (and now is); false for a repeat.</summary>
    Task<bool> TryClaimAsync(string key, DateTimeOffset at, CancellationToken cancellationToken = default);

    /// <summary>Gives a key back after the work it guarded failed without effect, so a retry may run.</summary>
    Task ReleaseClaimAsync(string key, CancellationToken cancellationToken = default);
}
