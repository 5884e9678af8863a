using System.Globalization;
using CustomerWorkflow.Core.Customers;
using CustomerWorkflow.Core.Fields;
using CustomerWorkflow.Core.Proposals;

namespace CustomerWorkflow.Core.Workflows;

/// <summary>A field as a proposal would leave it: its original value, the value after the proposal, and whether it changes.</summary>
public sealed record ConditionSubject(FieldDefinition Field, string Original, string Proposed, bool Changed)
{
    /// <summary>The field on <paramref name="customer"/> with <paramref name="proposal"/>'s line for it, if any.</summary>
    public static ConditionSubject Of(FieldDefinition field, Proposal proposal, Customer customer)
    {
        ArgumentNullException.ThrowIfNull(field);
        ArgumentNullException.ThrowIfNull(proposal);
        ArgumentNullException.ThrowIfNull(customer);
        var line = proposal.LineFor(field.Name);
        var original = line?.OriginalValue ?? customer[field.Name];
        return new ConditionSubject(field, original, line?.ProposedValue ?? original, line is not null);
    }

    public string Value(ConditionSide side) => side == ConditionSide.Original ? Original : Proposed;

    /// <summary>How the value reads in an explanation: "CreditLimit" or "original CreditLimit".</summary>
    public string Name(ConditionSide side) => side == ConditionSide.Original ? "original " + Field.Name : Field.Name;

    public static decimal? Number(string? text) =>
        decimal.TryParse(text, NumberStyles.AllowDecimalPoint | NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) ? n : null;

    public static string Show(string value) => value.Length == 0 ? "(empty)" : value;
}

/// <summary>Whether a condition holds, and the words that say why (shown in the history and by <c>workflow show</c>).</summary>
public sealed record ConditionResult(bool Holds, string Explanation);

/// <summary>
/// A condition operator of the fixed catalog (changed, increased, equals, greater than, …). Adding one is one class
/// implementing this interface, registered like the events and responses.
/// </summary>
public interface IConditionOperator
{
    /// <summary>The code conditions name it by (<c>greater-than</c>), lower case.</summary>
    string Code { get; }

    /// <summary>How it reads between the field and the value ("greater than", "increased").</summary>
    string Title { get; }

    /// <summary>Whether a condition with this operator compares with a value.</summary>
    bool NeedsValue { get; }

    /// <summary>Whether it applies to amounts only (CreditLimit).</summary>
    bool NumericOnly { get; }

    /// <summary>Evaluates it; <paramref name="value"/> has its parameter reference resolved already.</summary>
    ConditionResult Evaluate(ConditionSubject subject, ConditionSide side, string? value);
}

/// <summary>The codes of the built-in operators.</summary>
public static class ConditionOperators
{
    public const string Changed = "changed";
    public const string Increased = "increased";
    public const string Decreased = "decreased";
    public const string EqualTo = "equals";
    public const string GreaterThan = "greater-than";
    public const string LessThan = "less-than";
}

/// <summary>The field is among the proposed changes.</summary>
public sealed class ChangedOperator : IConditionOperator
{
    public string Code => ConditionOperators.Changed;

    public string Title => "changed";

    public bool NeedsValue => false;

    public bool NumericOnly => false;

    public ConditionResult Evaluate(ConditionSubject subject, ConditionSide side, string? value) => subject.Changed
        ? new(true, $"{subject.Field.Name} changed {ConditionSubject.Show(subject.Original)} → {ConditionSubject.Show(subject.Proposed)}")
        : new(false, $"{subject.Field.Name} is not changed");
}

/// <summary>An amount is changed to a larger one.</summary>
public sealed class IncreasedOperator : IConditionOperator
{
    public string Code => ConditionOperators.Increased;

    public string Title => "increased";

    public bool NeedsValue => false;

    public bool NumericOnly => true;

    public ConditionResult Evaluate(ConditionSubject subject, ConditionSide side, string? value) =>
        Trend.Of(subject, "increased", "did not increase", (before, after) => after > before);
}

/// <summary>An amount is changed to a smaller one.</summary>
public sealed class DecreasedOperator : IConditionOperator
{
    public string Code => ConditionOperators.Decreased;

    public string Title => "decreased";

    public bool NeedsValue => false;

    public bool NumericOnly => true;

    public ConditionResult Evaluate(ConditionSubject subject, ConditionSide side, string? value) =>
        Trend.Of(subject, "decreased", "did not decrease", (before, after) => after < before);
}

/// <summary>The value is the given one (amounts compared as numbers, text case-insensitively).</summary>
public sealed class EqualsOperator : IConditionOperator
{
    public string Code => ConditionOperators.EqualTo;

    public string Title => "equals";

    public bool NeedsValue => true;

    public bool NumericOnly => false;

    public ConditionResult Evaluate(ConditionSubject subject, ConditionSide side, string? value)
    {
        var actual = subject.Value(side);
        var wanted = (value ?? string.Empty).Trim();
        var holds = subject.Field is AmountField && ConditionSubject.Number(actual) is { } a && ConditionSubject.Number(wanted) is { } b
            ? a == b
            : string.Equals(actual.Trim(), wanted, StringComparison.OrdinalIgnoreCase);
        return holds
            ? new(true, $"{subject.Name(side)} is {ConditionSubject.Show(actual)}")
            : new(false, $"{subject.Name(side)} is {ConditionSubject.Show(actual)}, not {ConditionSubject.Show(wanted)}");
    }
}

/// <summary>An amount is above the given one.</summary>
public sealed class GreaterThanOperator : IConditionOperator
{
    public string Code => ConditionOperators.GreaterThan;

    public string Title => "greater than";

    public bool NeedsValue => true;

    public bool NumericOnly => true;

    public ConditionResult Evaluate(ConditionSubject subject, ConditionSide side, string? value) =>
        Trend.Compare(subject, side, value, ">", (actual, limit) => actual > limit);
}

/// <summary>An amount is below the given one.</summary>
public sealed class LessThanOperator : IConditionOperator
{
    public string Code => ConditionOperators.LessThan;

    public string Title => "less than";

    public bool NeedsValue => true;

    public bool NumericOnly => true;

    public ConditionResult Evaluate(ConditionSubject subject, ConditionSide side, string? value) =>
        Trend.Compare(subject, side, value, "<", (actual, limit) => actual < limit);
}

/// <summary>The arithmetic the amount operators share.</summary>
internal static class Trend
{
    public static ConditionResult Of(ConditionSubject subject, string did, string didNot, Func<decimal, decimal, bool> test)
    {
        var name = subject.Field.Name;
        if (!subject.Changed)
        {
            return new(false, $"{name} is not changed");
        }

        var before = ConditionSubject.Number(subject.Original) ?? 0m;
        var after = ConditionSubject.Number(subject.Proposed) ?? 0m;
        var change = $"{ConditionSubject.Show(subject.Original)} → {ConditionSubject.Show(subject.Proposed)}";
        return test(before, after) ? new(true, $"{name} {did} {change}") : new(false, $"{name} {didNot} ({change})");
    }

    public static ConditionResult Compare(ConditionSubject subject, ConditionSide side, string? value, string symbol, Func<decimal, decimal, bool> test)
    {
        var text = subject.Value(side);
        var actual = ConditionSubject.Number(text) ?? 0m;
        var limit = ConditionSubject.Number(value) ?? 0m;
        var shown = limit.ToString("0.00", CultureInfo.InvariantCulture);
        return test(actual, limit)
            ? new(true, $"{subject.Name(side)} {ConditionSubject.Show(text)} {symbol} {shown}")
            : new(false, $"{subject.Name(side)} {ConditionSubject.Show(text)} is not {symbol} {shown}");
    }
}
