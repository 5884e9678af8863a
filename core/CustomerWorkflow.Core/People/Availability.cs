using System.Globalization;
using CustomerWorkflow.Core.Proposals;

namespace CustomerWorkflow.Core.People;

/// <summary>A person's out-of-office as their mailbox says (automatic replies), for routing to their substitute.</summary>
public interface IOutOfOfficeSource
{
    /// <summary>Their out-of-office when it is on now; null when it is off, or cannot be told (which reads as present).</summary>
    Task<OutOfOffice?> GetOutOfOfficeAsync(string userId, CancellationToken cancellationToken = default);
}

/// <param name="Until">When the automatic replies end, when they say.</param>
public sealed record OutOfOffice(DateTimeOffset? Until);

/// <summary>Why someone is away: set by hand (<see cref="UserProfile.AwayUntil"/>) or their out-of-office.</summary>
public sealed record Absence(DateTimeOffset? Until, bool ByHand)
{
    /// <summary>How the history says it, after the person's name.</summary>
    public string Reason => (Until, ByHand) switch
    {
        ({ } until, true) => $"is away until {Stamp(until)}",
        ({ } until, false) => $"is out of office until {Stamp(until)}",
        (null, true) => "is away",
        _ => "is out of office",
    };

    internal static string Stamp(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);
}

/// <summary>
/// Who is away, and who takes over for them: the workflow users' substitutes. Someone is away while the
/// <see cref="UserProfile.AwayUntil"/> they set is ahead, or while their out-of-office is on (with Microsoft Graph). Only
/// people who named a substitute are looked at, so nobody else costs a lookup. A substitute who is away too hands on to
/// their own substitute (up to <see cref="MaxHops"/>); when the chain ends with nobody present, the approver keeps their place.
/// </summary>
public sealed class Availability(IUserStore users, TimeProvider time, IOutOfOfficeSource? outOfOffice = null)
{
    public const int MaxHops = 5;

    /// <summary>Why the person is away now, or null when they are present.</summary>
    public async Task<Absence?> AbsenceAsync(UserProfile user, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (user.AwayUntil is { } until && until > time.GetUtcNow())
        {
            return new Absence(until, ByHand: true);
        }

        return outOfOffice is not null && await outOfOffice.GetOutOfOfficeAsync(user.Id, cancellationToken).ConfigureAwait(false) is { } away
            ? new Absence(away.Until, ByHand: false)
            : null;
    }

    /// <summary>The route to the person's substitute when they are away and someone in their chain is present; else null.</summary>
    public async Task<Substitution?> SubstituteForAsync(string userId, CancellationToken cancellationToken = default)
    {
        var user = await users.GetUserAsync(userId, cancellationToken).ConfigureAwait(false);
        if (user?.SubstituteId is null || await AbsenceAsync(user, cancellationToken).ConfigureAwait(false) is not { } absence)
        {
            return null;
        }

        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { user.Id };
        var next = user.SubstituteId;
        for (var hop = 0; hop < MaxHops && next is not null && seen.Add(next); hop++)
        {
            var candidate = await users.GetUserAsync(next, cancellationToken).ConfigureAwait(false);
            if (candidate is null)
            {
                return null;
            }

            if (await AbsenceAsync(candidate, cancellationToken).ConfigureAwait(false) is null)
            {
                return new Substitution(user.Id, candidate.Id, absence.Reason, user.Name, candidate.Name);
            }

            next = candidate.SubstituteId;
        }

        return null;
    }
}
