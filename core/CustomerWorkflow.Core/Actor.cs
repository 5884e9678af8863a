namespace CustomerWorkflow.Core;

/// <summary>The roles a user can hold. A user may hold several.</summary>
[Flags]
public enum Roles
{
    None = 0,
    Clerk = 1,
    Approver = 2,
    Admin = 4,
}

public static class RolesText
{
    /// <summary>The roles as people, for refusals: "admins and clerks".</summary>
    public static string People(this Roles roles)
    {
        var names = new List<string>();
        if (roles.HasFlag(Roles.Admin))
        {
            names.Add("admins");
        }

        if (roles.HasFlag(Roles.Clerk))
        {
            names.Add("clerks");
        }

        if (roles.HasFlag(Roles.Approver))
        {
            names.Add("approvers");
        }

        return names.Count == 0 ? "people the configuration names" : string.Join(" and ", names);
    }
}

/// <summary>Who is doing something: every use case takes one explicitly.</summary>
/// <param name="Id">A stable user id (the bot uses the AAD object id); compared case-insensitively.</param>
public sealed record Actor(string Id, string DisplayName, Roles Roles)
{
    /// <summary>The system itself, for automatic steps.</summary>
    public static Actor System { get; } = new("system", "System", Roles.Admin);

    public bool Has(Roles role) => (Roles & role) == role;

    public bool Is(string? userId) => userId is not null && string.Equals(Id, userId, StringComparison.OrdinalIgnoreCase);
}
