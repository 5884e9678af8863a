namespace CustomerWorkflow.Core.Fields;

/// <summary>The customer fields that can be changed, by their catalog names (matched case-insensitively).</summary>
public static class FieldCatalog
{
    public const string Name = "Name";
    public const string CreditLimit = "CreditLimit";
    public const string PaymentTerms = "PaymentTerms";
    public const string Email = "Email";
    public const string Phone = "Phone";
    public const string Street = "Street";
    public const string City = "City";
    public const string PostalCode = "PostalCode";
    public const string Country = "Country";
    public const string VatNumber = "VatNumber";
    public const string BankAccount = "BankAccount";
    public const string CustomerGroup = "CustomerGroup";
    public const string Currency = "Currency";
    public const string Blocked = "Blocked";

    /// <summary>The values of <see cref="Blocked"/>, as in D365: not blocked, blocked for invoicing, blocked for all.</summary>
    public static IReadOnlyList<string> BlockedValues { get; } = ["No", "Invoice", "All"];

    /// <summary>Every field, in the order cards and lists show them.</summary>
    public static IReadOnlyList<FieldDefinition> All { get; } =
    [
        new TextField(Name, 100, required: true),
        new AmountField(CreditLimit),
        new ChoiceField(PaymentTerms, "configured payment terms", l => l.PaymentTerms),
        new EmailField(Email),
        new PhoneField(Phone),
        new TextField(Street, 100),
        new TextField(City, 60),
        new PostalCodeField(PostalCode),
        new IsoCodeField(Country, "ISO 3166 country", 2, IsoCodes.Countries),
        new VatNumberField(VatNumber),
        new IbanField(BankAccount),
        new ChoiceField(CustomerGroup, "configured customer groups", l => l.CustomerGroups),
        new IsoCodeField(Currency, "ISO 4217 currency", 3, IsoCodes.Currencies),
        new ChoiceField(Blocked, BlockedValues),
    ];

    private static readonly Dictionary<string, FieldDefinition> ByName =
        All.ToDictionary(f => f.Name, StringComparer.OrdinalIgnoreCase);

    /// <summary>The field with this name (any case), or null.</summary>
    public static FieldDefinition? Find(string? name) =>
        name is not null && ByName.TryGetValue(name.Trim(), out var field) ? field : null;

    /// <summary>The field with this name, or a refusal listing the known names.</summary>
    public static FieldDefinition Get(string name) =>
        Find(name) ?? throw new WorkflowException(
            Refusal.UnknownField,
            $"There is no customer field '{name}'. Fields: {string.Join(", ", All.Select(f => f.Name))}.");
}
