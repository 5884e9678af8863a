using System.Collections.Immutable;
using CustomerWorkflow.Core.Fields;

namespace CustomerWorkflow.Core.Customers;

/// <summary>
/// A customer's master data: its id (like <c>US-001</c>) and a canonical value per catalog field
/// (an empty string for a field that is not set).
/// </summary>
public sealed record Customer
{
    public Customer(string id, IReadOnlyDictionary<string, string> values)
    {
        Id = id;
        Values = values.ToImmutableDictionary(StringComparer.OrdinalIgnoreCase);
    }

    public string Id { get; }

    public ImmutableDictionary<string, string> Values { get; private init; }

    public string Name => this[FieldCatalog.Name];

    /// <summary>The canonical value of a field, or an empty string.</summary>
    public string this[string field] => Values.TryGetValue(field, out var v) ? v : string.Empty;

    /// <summary>A copy with one field changed.</summary>
    public Customer With(string field, string value) => this with { Values = Values.SetItem(FieldCatalog.Get(field).Name, value) };

    /// <summary>Customer ids are compared case-insensitively and shown upper case.</summary>
    public static string NormalizeId(string id) => id.Trim().ToUpperInvariant();

    /// <summary>Whether the text looks like a customer id: letters, digits and dashes, 1 to 40 characters.</summary>
    public static bool IsValidId(string id) =>
        id.Length is >= 1 and <= 40 && id.All(c => char.IsAsciiLetterOrDigit(c) || c == '-');
}
