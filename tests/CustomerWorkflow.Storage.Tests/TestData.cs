using System.Collections.Immutable;
using CustomerWorkflow.Core;
using CustomerWorkflow.Core.Customers;
using CustomerWorkflow.Core.Fields;
using CustomerWorkflow.Core.Settings;

namespace CustomerWorkflow.Storage.Tests;

/// <summary>Builders for the data the contract tests store.</summary>
internal static class TestData
{
    public static readonly Actor Clerk = new("clerk-1", "Chloe Clerk", Roles.Clerk);
    public static readonly Actor Approver = new("approver-1", "Arun Approver", Roles.Approver);
    public static readonly Actor Approver2 = new("approver-2", "Bea Approver", Roles.Approver);
    public static readonly Actor Admin = new("admin-1", "Adam Admin", Roles.Admin);

    public static Customer Customer(string id, string name = "Contoso Retail", string creditLimit = "1000.00") => new(id, new Dictionary<string, string>
    {
        [FieldCatalog.Name] = name,
        [FieldCatalog.Country] = "NL",
        [FieldCatalog.Currency] = "EUR",
        [FieldCatalog.CreditLimit] = creditLimit,
        [FieldCatalog.PaymentTerms] = "Net30",
        [FieldCatalog.City] = "Utrecht",
    });

    /// <summary>Approvals on for CreditLimit and PaymentTerms; one step with two approvers under the given policy.</summary>
    public static WorkflowSettings Settings(CompletionPolicy? policy = null) => new()
    {
        ApprovalsEnabled = true,
        ApprovalFields = ImmutableSortedSet.Create(StringComparer.OrdinalIgnoreCase, FieldCatalog.CreditLimit, FieldCatalog.PaymentTerms),
        Steps = [new ApprovalStepDefinition("Finance", [Approver.Id, Approver2.Id], policy ?? CompletionPolicy.SingleApprover)],
    };
}
