namespace CustomerWorkflow.Core.People;

/// <summary>
/// A person the product has met. <see cref="Id"/> is the directory id (the AAD object id in Teams) that proposals
/// and approval steps name. <see cref="ChannelUserId"/> and <see cref="Address"/> belong to the chat adapter: the
/// channel's own id for the person and, opaque to the core, how to reach them later (a conversation reference).
/// </summary>
/// <param name="Version">The store's concurrency token; 0 for a person not yet saved.</param>
/// <param name="SubstituteId">Who takes over their approvals while they are away (by hand, or out of office in Outlook).</param>
/// <param name="AwayUntil">Away, set by hand, until this moment.</param>
/// <param name="Notify">How they are told about approvals waiting and decisions on their proposals.</param>
public sealed record UserProfile(
    string Id,
    string Name,
    string? Upn = null,
    string? Email = null,
    string? ChannelUserId = null,
    Roles Roles = Roles.None,
    string? Address = null,
    long Version = 0,
    string? SubstituteId = null,
    DateTimeOffset? AwayUntil = null,
    NotificationPreference Notify = NotificationPreference.AtOnce)
{
    /// <summary>The person's manager (a user id), for manager and approver-chain approval steps; set by an admin.</summary>
    public string? ManagerId { get; init; }

    /// <summary>The largest credit limit the person may approve (first-qualified approval steps); null for none.</summary>
    public decimal? ApprovalLimit { get; init; }

    /// <summary>True when <paramref name="key"/> is this person's id, UPN, email or channel id (case-insensitive).</summary>
    public bool IsKnownAs(string key) =>
        Same(Id, key) || Same(Upn, key) || Same(Email, key) || Same(ChannelUserId, key);

    private static bool Same(string? a, string b) => a is not null && string.Equals(a, b, StringComparison.OrdinalIgnoreCase);
}

/// <summary>How a person is told about approvals waiting for them and decisions on their proposals.</summary>
public enum NotificationPreference
{
    /// <summary>A message in Teams as it happens.</summary>
    AtOnce,

    /// <summary>One message a day listing them; reminders and escalations still come at once.</summary>
    DailyDigest,
}
