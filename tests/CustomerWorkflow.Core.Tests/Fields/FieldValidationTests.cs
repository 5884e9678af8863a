using CustomerWorkflow.Core.Fields;
using CustomerWorkflow.Core.Settings;
using CustomerWorkflow.Core.Tests.TestData;

namespace CustomerWorkflow.Core.Tests.Fields;

/// <summary>Every catalog field: values it takes (and how it writes them), values it refuses, and what the refusal says.</summary>
public sealed class FieldValidationTests
{
    private static readonly WorkflowSettings Defaults = new();

    /// <summary>A word or two of each field's rule, as a user should read it in a refusal.</summary>
    private static readonly Dictionary<string, string> RuleWords = new(StringComparer.Ordinal)
    {
        [FieldCatalog.Name] = "at most 100 characters",
        [FieldCatalog.CreditLimit] = "0 or more with at most two decimals",
        [FieldCatalog.PaymentTerms] = "configured payment terms",
        [FieldCatalog.Email] = "e-mail address",
        [FieldCatalog.Phone] = "6 to 15 digits",
        [FieldCatalog.Street] = "at most 100 characters",
        [FieldCatalog.City] = "at most 60 characters",
        [FieldCatalog.PostalCode] = "2 to 10 letters, digits, spaces or dashes",
        [FieldCatalog.Country] = "ISO 3166 country code of 2 letters",
        [FieldCatalog.VatNumber] = "country prefix",
        [FieldCatalog.BankAccount] = "IBAN with a valid checksum",
        [FieldCatalog.CustomerGroup] = "configured customer groups",
        [FieldCatalog.Currency] = "ISO 4217 currency code of 3 letters",
        [FieldCatalog.Blocked] = "one of: No, Invoice, All",
    };

    public static TheoryData<string, string, string> GoodValues() => new()
    {
        { FieldCatalog.Name, "  Contoso Retail ", "Contoso Retail" },
        { FieldCatalog.Name, new string('x', 100), new string('x', 100) },
        { FieldCatalog.CreditLimit, "125000", "125000.00" },
        { FieldCatalog.CreditLimit, "0", "0.00" },
        { FieldCatalog.CreditLimit, "12.5", "12.50" },
        { FieldCatalog.CreditLimit, "12.34", "12.34" },
        { FieldCatalog.CreditLimit, "007", "7.00" },
        { FieldCatalog.CreditLimit, "999999999999.99", "999999999999.99" },
        { FieldCatalog.CreditLimit, "", "" },
        { FieldCatalog.PaymentTerms, "net30", "Net30" },
        { FieldCatalog.PaymentTerms, "COD", "COD" },
        { FieldCatalog.Email, "Name@Example.COM", "Name@example.com" },
        { FieldCatalog.Email, "ap.team+invoices@contoso.co.uk", "ap.team+invoices@contoso.co.uk" },
        { FieldCatalog.Phone, "+31  20 555 0101", "+31 20 555 0101" },
        { FieldCatalog.Phone, "(020) 555-0101", "(020) 555-0101" },
        { FieldCatalog.Phone, "123456", "123456" },
        { FieldCatalog.Street, "Keizersgracht 123", "Keizersgracht 123" },
        { FieldCatalog.City, "Den Haag", "Den Haag" },
        { FieldCatalog.PostalCode, "1015 cj", "1015 CJ" },
        { FieldCatalog.PostalCode, "00-026", "00-026" },
        { FieldCatalog.Country, "nl", "NL" },
        { FieldCatalog.Country, "US", "US" },
        { FieldCatalog.VatNumber, "nl 1234.567.89-B01", "NL123456789B01" },
        { FieldCatalog.VatNumber, "EL123456789", "EL123456789" },
        { FieldCatalog.VatNumber, "DE811569869", "DE811569869" },
        { FieldCatalog.BankAccount, "NL91ABNA0417164300", "NL91ABNA0417164300" },
        { FieldCatalog.BankAccount, "nl91 abna 0417 1643 00", "NL91ABNA0417164300" },
        { FieldCatalog.BankAccount, "GB82 WEST 1234 5698 7654 32", "GB82WEST12345698765432" },
        { FieldCatalog.BankAccount, "DE89370400440532013000", "DE89370400440532013000" },
        { FieldCatalog.CustomerGroup, "key accounts", "Key accounts" },
        { FieldCatalog.Currency, "eur", "EUR" },
        { FieldCatalog.Currency, "JPY", "JPY" },
        { FieldCatalog.Blocked, "no", "No" },
        { FieldCatalog.Blocked, "invoice", "Invoice" },
        { FieldCatalog.Blocked, "ALL", "All" },
    };

    public static TheoryData<string, string> BadValues() => new()
    {
        { FieldCatalog.Name, new string('x', 101) },
        { FieldCatalog.Name, "Contoso\tRetail" },
        { FieldCatalog.CreditLimit, "-1" },
        { FieldCatalog.CreditLimit, "12.345" },
        { FieldCatalog.CreditLimit, "12,5" },
        { FieldCatalog.CreditLimit, "1e5" },
        { FieldCatalog.CreditLimit, "12." },
        { FieldCatalog.CreditLimit, ".5" },
        { FieldCatalog.CreditLimit, "+5" },
        { FieldCatalog.CreditLimit, "1000000000000" },
        { FieldCatalog.CreditLimit, "lots" },
        { FieldCatalog.PaymentTerms, "Net31" },
        { FieldCatalog.Email, "no-at-sign" },
        { FieldCatalog.Email, "a@localhost" },
        { FieldCatalog.Email, "a b@contoso.com" },
        { FieldCatalog.Email, "Ann <ann@contoso.com>" },
        { FieldCatalog.Email, "ann@contoso..com" },
        { FieldCatalog.Email, "ann@.contoso.com" },
        { FieldCatalog.Phone, "12345" },
        { FieldCatalog.Phone, "+1234567890123456" },
        { FieldCatalog.Phone, "call me" },
        { FieldCatalog.Phone, "++31 20 555 0101" },
        { FieldCatalog.Street, new string('s', 101) },
        { FieldCatalog.City, new string('c', 61) },
        { FieldCatalog.PostalCode, "1" },
        { FieldCatalog.PostalCode, "12345678901" },
        { FieldCatalog.PostalCode, "10_15" },
        { FieldCatalog.Country, "XX" },
        { FieldCatalog.Country, "NLD" },
        { FieldCatalog.Country, "N1" },
        { FieldCatalog.VatNumber, "XX123456789" },
        { FieldCatalog.VatNumber, "NL1" },
        { FieldCatalog.VatNumber, "123456789B01" },
        { FieldCatalog.VatNumber, "NL1234567890123" + "4" },
        { FieldCatalog.VatNumber, "NL12_3456789" },
        { FieldCatalog.BankAccount, "NL91ABNA0417164301" },
        { FieldCatalog.BankAccount, "NL91ABNA041716430" },
        { FieldCatalog.BankAccount, "XX91ABNA0417164300" },
        { FieldCatalog.BankAccount, "NL91-ABNA-0417-1643-00" },
        { FieldCatalog.CustomerGroup, "VIP" },
        { FieldCatalog.Currency, "EURO" },
        { FieldCatalog.Currency, "XXX" },
        { FieldCatalog.Currency, "EU" },
        { FieldCatalog.Blocked, "Yes" },
    };

    [Fact]
    public void EveryCatalogField_HasGoodAndBadCases()
    {
        var fields = FieldCatalog.All.Select(f => f.Name).ToList();

        Assert.Equal(14, fields.Count);
        Assert.Equal(fields.Order(), GoodValues().Select(r => (string)r[0]).Distinct().Order());
        Assert.Equal(fields.Order(), BadValues().Select(r => (string)r[0]).Distinct().Order());
        Assert.Equal(fields.Order(), RuleWords.Keys.Order());
    }

    [Theory]
    [MemberData(nameof(GoodValues))]
    public void Normalize_AcceptsAGoodValue_InItsCanonicalForm(string field, string input, string canonical)
    {
        var ok = FieldCatalog.Get(field).TryNormalize(input, Defaults, out var value, out var error);

        Assert.True(ok, error);
        Assert.Equal(canonical, value);
        Assert.Equal(canonical, FieldCatalog.Get(field).Normalize(canonical, Defaults));
    }

    [Theory]
    [MemberData(nameof(BadValues))]
    public void Normalize_RefusesABadValue_NamingTheFieldAndTheRule(string field, string input)
    {
        var refusal = Assert.Throws<WorkflowException>(() => FieldCatalog.Get(field).Normalize(input, Defaults));

        Assert.Equal(Refusal.InvalidValue, refusal.Refusal);
        Assert.Contains($"is not a valid {field}: it ", refusal.Message, StringComparison.Ordinal);
        Assert.Contains(RuleWords[field], refusal.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(FieldCatalog.Name)]
    [InlineData(FieldCatalog.Country)]
    [InlineData(FieldCatalog.Currency)]
    public void Normalize_OfARequiredField_RefusesEmpty(string field)
    {
        var refusal = Assert.Throws<WorkflowException>(() => FieldCatalog.Get(field).Normalize("  ", Defaults));

        Assert.StartsWith($"{field} can't be empty: it ", refusal.Message, StringComparison.Ordinal);
        Assert.Contains(RuleWords[field], refusal.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(FieldCatalog.CreditLimit)]
    [InlineData(FieldCatalog.Email)]
    [InlineData(FieldCatalog.BankAccount)]
    [InlineData(FieldCatalog.Blocked)]
    public void Normalize_OfAnOptionalField_TakesEmptyAsNotSet(string field)
    {
        Assert.Equal(string.Empty, FieldCatalog.Get(field).Normalize(null, Defaults));
    }

    [Fact]
    public void Refusal_ShortensALongValue()
    {
        var refusal = Assert.Throws<WorkflowException>(() => FieldCatalog.Get(FieldCatalog.Email).Normalize(new string('x', 300), Defaults));

        Assert.Contains($"'{new string('x', 57)}...'", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ChoiceFields_FollowTheConfiguredLists()
    {
        var configured = Defaults with { PaymentTerms = ["Net100"], CustomerGroups = ["Partners"] };

        Assert.Equal("Net100", FieldCatalog.Get(FieldCatalog.PaymentTerms).Normalize("NET100", configured));
        Assert.Equal("Partners", FieldCatalog.Get(FieldCatalog.CustomerGroup).Normalize("partners", configured));
        Assert.Throws<WorkflowException>(() => FieldCatalog.Get(FieldCatalog.PaymentTerms).Normalize("Net30", configured));
        Assert.Throws<WorkflowException>(() => FieldCatalog.Get(FieldCatalog.CustomerGroup).Normalize("Retail", configured));
    }

    [Fact]
    public void Find_MatchesAnyCase_AndGetRefusesAnUnknownFieldListingTheKnownOnes()
    {
        Assert.Equal(FieldCatalog.CreditLimit, FieldCatalog.Find(" creditlimit ")?.Name);

        var refusal = Assert.Throws<WorkflowException>(() => FieldCatalog.Get("Colour"));

        Assert.Equal(Refusal.UnknownField, refusal.Refusal);
        Assert.Contains("'Colour'", refusal.Message, StringComparison.Ordinal);
        Assert.Contains("CreditLimit", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void IbanCreate_ComputesValidCheckDigits()
    {
        Assert.Equal("NL91ABNA0417164300", Iban.Create("NL", "ABNA0417164300"));
        Assert.Null(Iban.TryNormalize("NL92ABNA0417164300"));
    }

    [Fact]
    public void SampleCustomers_AreValidUnderTheDefaultSettings()
    {
        foreach (var customer in Core.Samples.SampleData.Customers)
        {
            foreach (var field in FieldCatalog.All)
            {
                Assert.True(field.TryNormalize(customer[field.Name], Defaults, out var value, out var error), $"{customer.Id}: {error}");
                Assert.Equal(customer[field.Name], value);
            }
        }
    }

    [Fact]
    public void TestCustomer_IsValidUnderTheDefaultSettings()
    {
        var customer = A.Customer().Build();

        Assert.All(FieldCatalog.All, f => Assert.Equal(customer[f.Name], f.Normalize(customer[f.Name], Defaults)));
    }
}
