using CustomerWorkflow.Core;

namespace CustomerWorkflow.Core.Tests.TestData;

/// <summary>The people in the tests: clerks who propose, approvers who decide, an admin who sets things up.</summary>
internal static class Users
{
    public static Actor Clerk { get; } = new("clerk", "Cleo Clerk", Roles.Clerk);

    public static Actor OtherClerk { get; } = new("clerk-2", "Carl Clerk", Roles.Clerk);

    public static Actor Ann { get; } = Approver("ann");

    public static Actor Bob { get; } = Approver("bob");

    public static Actor Cat { get; } = Approver("cat");

    public static Actor Dan { get; } = Approver("dan");

    public static Actor Eve { get; } = Approver("eve");

    /// <summary>Not an approver of any step unless something hands them a place.</summary>
    public static Actor Zed { get; } = Approver("zed");

    public static Actor Admin { get; } = new("admin", "Ada Admin", Roles.Admin | Roles.Clerk);

    /// <summary>An approver with this id (tests of policies use a1, a2, …).</summary>
    public static Actor Approver(string id) => new(id, $"Approver {id}", Roles.Approver);
}
