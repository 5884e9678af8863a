using System.Diagnostics.CodeAnalysis;

namespace CustomerWorkflow.Core.Fields;

/// <summary>The lists some fields are validated against; admins configure them in the settings.</summary>
public interface IFieldLists
{
    IReadOnlyList<string> PaymentTerms { get; }

    IReadOnlyList<string> CustomerGroups { get; }
}

/// <summary>
/// One customer field: its catalog name, the rule a value must follow, and how a valid value is written
/// canonically (so equal values compare equal, whatever the user typed).
/// </summary>
public abstract class FieldDefinition
{
    protected FieldDefinition(string name, string rule, bool required)
    {
        Name = name;
        Rule = rule;
        Required = required;
    }

    /// <summary>The catalog name, e.g. <c>CreditLimit</c>.</summary>
    public string Name { get; }

    /// <summary>The rule in words, used in refusals: "must be …".</summary>
    public string Rule { get; }

    /// <summary>Whether the field may be empty.</summary>
    public bool Required { get; }

    /// <summary>Checks a value and gives its canonical form, or a message naming the field and the rule.</summary>
    public bool TryNormalize(string? raw, IFieldLists lists, [NotNullWhen(true)] out string? value, [NotNullWhen(false)] out string? error)
    {
        var trimmed = (raw ?? string.Empty).Trim();
        if (trimmed.Length == 0)
        {
            value = Required ? null : string.Empty;
            error = Required ? $"{Name} can't be empty: it {Rule}." : null;
            return !Required;
        }

        if (TryNormalizeValue(trimmed, lists, out value))
        {
            error = null;
            return true;
        }

        value = null;
        error = $"'{Shorten(trimmed)}' is not a valid {Name}: it {Rule}.";
        return false;
    }

    /// <summary>The canonical value or a refusal as an exception.</summary>
    public string Normalize(string? raw, IFieldLists lists) =>
        TryNormalize(raw, lists, out var value, out var error) ? value : throw new WorkflowException(Refusal.InvalidValue, error);

    /// <summary>Checks a non-empty, trimmed value.</summary>
    protected abstract bool TryNormalizeValue(string trimmed, IFieldLists lists, [NotNullWhen(true)] out string? value);

    private static string Shorten(string s) => s.Length <= 60 ? s : string.Concat(s.AsSpan(0, 57), "...");
}
