using CustomerWorkflow.Core.Storage;

namespace CustomerWorkflow.Core.People;

/// <summary>The workflow users' own settings: their substitute, when they are away, and how they are notified.</summary>
public sealed partial class UserDirectory
{
    /// <summary>
    /// Names <paramref name="substituteId"/> as the one who takes over <paramref name="userId"/>'s approvals while they are
    /// away, and (with <paramref name="awayUntil"/>) marks them away until then; null for both clears them. People set
    /// their own; admins anyone's.
    /// </summary>
    public async Task<UserProfile> SetSubstituteAsync(Actor actor, string userId, string? substituteId, DateTimeOffset? awayUntil, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        RequireSelfOrAdmin(actor, userId, "substitutes");
        if (substituteId is not null)
        {
            if (string.Equals(substituteId, userId, StringComparison.OrdinalIgnoreCase))
            {
                throw new WorkflowException(Refusal.InvalidValue, "A substitute is someone else: they take over while the person is away.");
            }

            _ = await store.GetUserAsync(substituteId, cancellationToken).ConfigureAwait(false)
                ?? throw new WorkflowException(Refusal.UnknownUser, $"I don't know the user '{substituteId}'.");
        }

        if (awayUntil is { } until && until <= now)
        {
            throw new WorkflowException(Refusal.InvalidValue, "The date you are away until has passed already; give a later one.");
        }

        if (awayUntil is not null && substituteId is null)
        {
            throw new WorkflowException(Refusal.InvalidValue, "Say who takes over while you are away.");
        }

        return await UpdateAsync(userId, u => u with { SubstituteId = substituteId, AwayUntil = awayUntil }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>How <paramref name="userId"/> is told: at once, or in a daily digest. People set their own; admins anyone's.</summary>
    public Task<UserProfile> SetNotificationsAsync(Actor actor, string userId, NotificationPreference preference, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        RequireSelfOrAdmin(actor, userId, "notification settings");
        return UpdateAsync(userId, u => u with { Notify = preference }, cancellationToken);
    }

    private static void RequireSelfOrAdmin(Actor actor, string userId, string what)
    {
        if (!actor.Is(userId) && !actor.Has(Roles.Admin))
        {
            throw new WorkflowException(Refusal.NotAllowed, $"Only admins can change other people's {what}.");
        }
    }
}
