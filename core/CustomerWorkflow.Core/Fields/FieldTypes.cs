using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net.Mail;
using System.Text;

namespace CustomerWorkflow.Core.Fields;

/// <summary>Free text with a maximum length and no control characters.</summary>
public sealed class TextField(string name, int maxLength, bool required = false)
    : FieldDefinition(name, $"must be text of at most {maxLength} characters", required)
{
    protected override bool TryNormalizeValue(string trimmed, IFieldLists lists, [NotNullWhen(true)] out string? value)
    {
        value = trimmed.Length <= maxLength && !trimmed.Any(char.IsControl) ? trimmed : null;
        return value is not null;
    }
}

/// <summary>An amount ≥ 0 with at most two decimals; canonical form has exactly two ("125000.00").</summary>
public sealed class AmountField(string name)
    : FieldDefinition(name, "must be an amount of 0 or more with at most two decimals, like 125000.00", required: false)
{
    private const decimal Maximum = 999_999_999_999.99m;

    protected override bool TryNormalizeValue(string trimmed, IFieldLists lists, [NotNullWhen(true)] out string? value)
    {
        value = null;
        // Digits and one optional '.', nothing else: "12,5" is ambiguous across cultures, so it is refused.
        var dot = trimmed.IndexOf('.', StringComparison.Ordinal);
        var intPart = dot < 0 ? trimmed : trimmed[..dot];
        var fraction = dot < 0 ? string.Empty : trimmed[(dot + 1)..];
        if (intPart.Length == 0 || intPart.Length > 12 || fraction.Length > 2 || (dot >= 0 && fraction.Length == 0)
            || !intPart.All(char.IsAsciiDigit) || !fraction.All(char.IsAsciiDigit))
        {
            return false;
        }

        var amount = decimal.Parse(trimmed, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture);
        if (amount > Maximum)
        {
            return false;
        }

        value = amount.ToString("0.00", CultureInfo.InvariantCulture);
        return true;
    }
}

/// <summary>One of a fixed or configurable list, matched case-insensitively; canonical = the list's spelling.</summary>
public sealed class ChoiceField : FieldDefinition
{
    private readonly Func<IFieldLists, IReadOnlyList<string>> _choices;

    public ChoiceField(string name, string listName, Func<IFieldLists, IReadOnlyList<string>> choices)
        : base(name, $"must be one of the {listName}", required: false) => _choices = choices;

    public ChoiceField(string name, IReadOnlyList<string> fixedChoices)
        : base(name, $"must be one of: {string.Join(", ", fixedChoices)}", required: false) => _choices = _ => fixedChoices;

    public IReadOnlyList<string> Choices(IFieldLists lists) => _choices(lists);

    protected override bool TryNormalizeValue(string trimmed, IFieldLists lists, [NotNullWhen(true)] out string? value)
    {
        value = _choices(lists).FirstOrDefault(c => string.Equals(c, trimmed, StringComparison.OrdinalIgnoreCase));
        return value is not null;
    }
}

/// <summary>An e-mail address (no display name); canonical form keeps the local part and lowercases the domain.</summary>
public sealed class EmailField(string name)
    : FieldDefinition(name, "must be an e-mail address like name@example.com", required: false)
{
    protected override bool TryNormalizeValue(string trimmed, IFieldLists lists, [NotNullWhen(true)] out string? value)
    {
        value = null;
        if (trimmed.Length > 254 || trimmed.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || c is '<' or '>' or '"' or ','))
        {
            return false;
        }

        if (!MailAddress.TryCreate(trimmed, out var address) || !string.Equals(address.Address, trimmed, StringComparison.Ordinal))
        {
            return false;
        }

        var domain = address.Host;
        if (!domain.Contains('.', StringComparison.Ordinal) || domain.StartsWith('.') || domain.EndsWith('.') || domain.Contains("..", StringComparison.Ordinal))
        {
            return false;
        }

        value = $"{address.User}@{domain.ToLowerInvariant()}";
        return true;
    }
}

/// <summary>A phone number: optional leading +, 6 to 15 digits, spaces, dashes, dots and parentheses between.</summary>
public sealed class PhoneField(string name)
    : FieldDefinition(name, "must be a phone number of 6 to 15 digits, optionally starting with + (spaces, dashes and parentheses allowed)", required: false)
{
    protected override bool TryNormalizeValue(string trimmed, IFieldLists lists, [NotNullWhen(true)] out string? value)
    {
        value = null;
        var body = trimmed.StartsWith('+') ? trimmed[1..] : trimmed;
        if (!body.All(c => char.IsAsciiDigit(c) || c is ' ' or '-' or '(' or ')' or '.'))
        {
            return false;
        }

        var digits = body.Count(char.IsAsciiDigit);
        if (digits is < 6 or > 15)
        {
            return false;
        }

        // Collapse runs of spaces so "+31  20" and "+31 20" are the same value.
        value = string.Join(' ', trimmed.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        return true;
    }
}

/// <summary>A postal code: letters, digits, spaces and dashes, 2 to 10 characters; canonical upper case.</summary>
public sealed class PostalCodeField(string name)
    : FieldDefinition(name, "must be 2 to 10 letters, digits, spaces or dashes", required: false)
{
    protected override bool TryNormalizeValue(string trimmed, IFieldLists lists, [NotNullWhen(true)] out string? value)
    {
        value = trimmed.Length is >= 2 and <= 10 && trimmed.All(c => char.IsAsciiLetterOrDigit(c) || c is ' ' or '-')
            ? trimmed.ToUpperInvariant()
            : null;
        return value is not null;
    }
}

/// <summary>A code from an ISO list (countries, currencies), canonical upper case.</summary>
public sealed class IsoCodeField(string name, string standard, int length, IReadOnlySet<string> codes)
    : FieldDefinition(name, $"must be an {standard} code of {length} letters, like {codes.Order(StringComparer.Ordinal).First()}", required: true)
{
    protected override bool TryNormalizeValue(string trimmed, IFieldLists lists, [NotNullWhen(true)] out string? value)
    {
        var upper = trimmed.ToUpperInvariant();
        value = upper.Length == length && codes.Contains(upper) ? upper : null;
        return value is not null;
    }
}

/// <summary>A VAT number: a two-letter country prefix then 2 to 13 letters or digits; spaces, dots and dashes are dropped.</summary>
public sealed class VatNumberField(string name)
    : FieldDefinition(name, "must be a country prefix and 2 to 13 letters or digits, like NL123456789B01", required: false)
{
    protected override bool TryNormalizeValue(string trimmed, IFieldLists lists, [NotNullWhen(true)] out string? value)
    {
        value = null;
        var compact = new StringBuilder(trimmed.Length);
        foreach (var c in trimmed)
        {
            if (c is ' ' or '.' or '-')
            {
                continue;
            }

            if (!char.IsAsciiLetterOrDigit(c))
            {
                return false;
            }

            compact.Append(char.ToUpperInvariant(c));
        }

        var s = compact.ToString();
        // Greece uses EL as its VAT prefix; every other prefix is the ISO country code.
        if (s.Length is < 4 or > 15 || !char.IsAsciiLetter(s[0]) || !char.IsAsciiLetter(s[1])
            || !(IsoCodes.Countries.Contains(s[..2]) || s.StartsWith("EL", StringComparison.Ordinal)))
        {
            return false;
        }

        value = s;
        return true;
    }
}

/// <summary>An IBAN with a valid length for its country and a valid mod-97 checksum; canonical = electronic form.</summary>
public sealed class IbanField(string name)
    : FieldDefinition(name, "must be an IBAN with a valid checksum, like NL91ABNA0417164300", required: false)
{
    protected override bool TryNormalizeValue(string trimmed, IFieldLists lists, [NotNullWhen(true)] out string? value)
    {
        value = Iban.TryNormalize(trimmed);
        return value is not null;
    }
}
