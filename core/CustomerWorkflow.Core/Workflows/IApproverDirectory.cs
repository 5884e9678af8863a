using CustomerWorkflow.Core.People;

namespace CustomerWorkflow.Core.Workflows;

/// <summary>
/// Who is whose manager, who is in a group and how much each person may approve: what the approver types need from
/// the directory. The bot answers from Microsoft Graph when it is enabled, and from the people it stores otherwise.
/// </summary>
public interface IApproverDirectory
{
    /// <summary>The user id of the person's manager, or null when they have none.</summary>
    Task<string?> ManagerOfAsync(string userId, CancellationToken cancellationToken = default);

    /// <summary>The user ids of a directory group's members, or null when there is no such group.</summary>
    Task<IReadOnlyList<string>?> GroupMembersAsync(string groupId, CancellationToken cancellationToken = default);

    /// <summary>The largest credit limit the person may approve, or null when they have no approval limit.</summary>
    Task<decimal?> ApprovalLimitAsync(string userId, CancellationToken cancellationToken = default);
}

/// <summary>
/// The approver directory from the stored people: managers and approval limits an admin set (<c>workflow user</c>).
/// Groups need Microsoft Graph, so none is known here.
/// </summary>
public sealed class StoredApproverDirectory(IUserStore users) : IApproverDirectory
{
    public async Task<string?> ManagerOfAsync(string userId, CancellationToken cancellationToken = default) =>
        (await users.GetUserAsync(userId, cancellationToken).ConfigureAwait(false))?.ManagerId;

    public Task<IReadOnlyList<string>?> GroupMembersAsync(string groupId, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<string>?>(null);

    public async Task<decimal?> ApprovalLimitAsync(string userId, CancellationToken cancellationToken = default) =>
        (await users.GetUserAsync(userId, cancellationToken).ConfigureAwait(false))?.ApprovalLimit;
}
