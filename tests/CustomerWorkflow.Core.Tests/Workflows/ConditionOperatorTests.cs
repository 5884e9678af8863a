using CustomerWorkflow.Core.Fields;
using CustomerWorkflow.Core.Workflows;

namespace CustomerWorkflow.Core.Tests.Workflows;

/// <summary>Each condition operator, on original and proposed values, with the words it explains itself in.</summary>
public sealed class ConditionOperatorTests
{
    /// <summary>field, operator, value, side, original, proposed (null: the field is not changed), holds, explanation.</summary>
    public static TheoryData<string, string, string?, ConditionSide, string, string?, bool, string> Cases { get; } = new()
    {
        { FieldCatalog.CreditLimit, ConditionOperators.Changed, null, ConditionSide.Proposed, "1000.00", "25000.00", true, "CreditLimit changed 1000.00 → 25000.00" },
        { FieldCatalog.CreditLimit, ConditionOperators.Changed, null, ConditionSide.Proposed, "1000.00", null, false, "CreditLimit is not changed" },
        { FieldCatalog.BankAccount, ConditionOperators.Changed, null, ConditionSide.Proposed, "", "NL91ABNA0417164300", true, "BankAccount changed (empty) → NL91ABNA0417164300" },
        { FieldCatalog.CreditLimit, ConditionOperators.Increased, null, ConditionSide.Proposed, "1000.00", "25000.00", true, "CreditLimit increased 1000.00 → 25000.00" },
        { FieldCatalog.CreditLimit, ConditionOperators.Increased, null, ConditionSide.Proposed, "1000.00", "500.00", false, "CreditLimit did not increase (1000.00 → 500.00)" },
        { FieldCatalog.CreditLimit, ConditionOperators.Increased, null, ConditionSide.Proposed, "1000.00", null, false, "CreditLimit is not changed" },
        { FieldCatalog.CreditLimit, ConditionOperators.Decreased, null, ConditionSide.Proposed, "1000.00", "500.00", true, "CreditLimit decreased 1000.00 → 500.00" },
        { FieldCatalog.CreditLimit, ConditionOperators.Decreased, null, ConditionSide.Proposed, "1000.00", "1500.00", false, "CreditLimit did not decrease (1000.00 → 1500.00)" },
        { FieldCatalog.CreditLimit, ConditionOperators.GreaterThan, "10000.00", ConditionSide.Proposed, "1000.00", "25000.00", true, "CreditLimit 25000.00 > 10000.00" },
        { FieldCatalog.CreditLimit, ConditionOperators.GreaterThan, "10000", ConditionSide.Proposed, "1000.00", "10000.00", false, "CreditLimit 10000.00 is not > 10000.00" },
        { FieldCatalog.CreditLimit, ConditionOperators.GreaterThan, "500", ConditionSide.Original, "1000.00", "25.00", true, "original CreditLimit 1000.00 > 500.00" },
        { FieldCatalog.CreditLimit, ConditionOperators.GreaterThan, "5000", ConditionSide.Proposed, "8000.00", null, true, "CreditLimit 8000.00 > 5000.00" },
        { FieldCatalog.CreditLimit, ConditionOperators.LessThan, "10000.00", ConditionSide.Proposed, "50000.00", "2000.00", true, "CreditLimit 2000.00 < 10000.00" },
        { FieldCatalog.CreditLimit, ConditionOperators.LessThan, "10000.00", ConditionSide.Original, "50000.00", "2000.00", false, "original CreditLimit 50000.00 is not < 10000.00" },
        { FieldCatalog.CreditLimit, ConditionOperators.EqualTo, "25000", ConditionSide.Proposed, "1000.00", "25000.00", true, "CreditLimit is 25000.00" },
        { FieldCatalog.CustomerGroup, ConditionOperators.EqualTo, "key accounts", ConditionSide.Proposed, "Retail", "Key accounts", true, "CustomerGroup is Key accounts" },
        { FieldCatalog.CustomerGroup, ConditionOperators.EqualTo, "Key accounts", ConditionSide.Original, "Retail", "Key accounts", false, "original CustomerGroup is Retail, not Key accounts" },
        { FieldCatalog.Country, ConditionOperators.EqualTo, "NL", ConditionSide.Proposed, "NL", null, true, "Country is NL" },
        { FieldCatalog.Country, ConditionOperators.EqualTo, "NL", ConditionSide.Proposed, "NL", "BE", false, "Country is BE, not NL" },
        { FieldCatalog.Currency, ConditionOperators.EqualTo, "EUR", ConditionSide.Original, "EUR", "USD", true, "original Currency is EUR" },
        { FieldCatalog.Currency, ConditionOperators.EqualTo, "EUR", ConditionSide.Proposed, "EUR", "USD", false, "Currency is USD, not EUR" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void An_operator_says_whether_it_holds_and_why(string field, string op, string? value, ConditionSide side, string original, string? proposed, bool holds, string explanation)
    {
        var subject = new ConditionSubject(FieldCatalog.Get(field), original, proposed ?? original, proposed is not null);

        var result = WorkflowCatalog.BuiltIn.Operator(op).Evaluate(subject, side, value);

        Assert.Equal((holds, explanation), (result.Holds, result.Explanation));
    }

    /// <summary>field, operator, value: conditions that can't be evaluated, and the words that say why.</summary>
    public static TheoryData<string, string, string?, string> BadConditions { get; } = new()
    {
        { FieldCatalog.Country, ConditionOperators.Increased, null, "'increased' compares amounts, and Country is not one" },
        { FieldCatalog.CreditLimit, ConditionOperators.GreaterThan, null, "'CreditLimit greater than' needs a value to compare with" },
        { FieldCatalog.CreditLimit, ConditionOperators.GreaterThan, "lots", "'lots' is not an amount like 10000.00" },
        { FieldCatalog.CreditLimit, ConditionOperators.Changed, "5", "'changed' takes no value" },
        { FieldCatalog.CreditLimit, ConditionOperators.GreaterThan, "{limit}", "there is no parameter {limit}" },
        { "Colour", ConditionOperators.Changed, null, "there is no customer field 'Colour'" },
        { FieldCatalog.CreditLimit, "about", null, "there is no condition operator 'about'" },
    };

    [Theory]
    [MemberData(nameof(BadConditions))]
    public void A_condition_that_does_not_fit_its_field_is_explained(string field, string op, string? value, string problem)
    {
        var definition = new WorkflowDefinition { Code = "X" };

        var found = WorkflowCatalog.BuiltIn.CheckCondition(new WorkflowCondition(field, op, value), definition);

        Assert.NotNull(found);
        Assert.StartsWith(problem, found, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_operator_of_the_catalog_is_covered_above()
    {
        var tested = Cases.Select(c => (string)c[1]).ToHashSet(StringComparer.Ordinal);

        Assert.All(WorkflowCatalog.BuiltIn.Operators, o => Assert.Contains(o.Code, tested));
    }
}
