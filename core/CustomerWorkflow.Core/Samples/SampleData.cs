using System.Collections.Immutable;
using System.Globalization;
using CustomerWorkflow.Core.Customers;
using CustomerWorkflow.Core.Fields;
using CustomerWorkflow.Core.Settings;
using CustomerWorkflow.Core.Storage;
using CustomerWorkflow.Core.People;

namespace CustomerWorkflow.Core.Samples;

/// <summary>About fifty realistic customers across countries, currencies, groups and payment terms, and sample users, for trying the product.</summary>
public static class SampleData
{
    /// <summary>Sample users for local use: a clerk, two approvers and an admin.</summary>
    public static IReadOnlyList<Actor> Users { get; } =
    [
        new("sample-clerk", "Chloe Clerk", Roles.Clerk),
        new("sample-approver", "Arun Approver", Roles.Approver),
        new("sample-finance", "Farah Finance", Roles.Approver),
        new("sample-admin", "Adam Admin", Roles.Admin | Roles.Clerk),
    ];

    // id, name, street, city, postal code, country, currency, group, terms, credit limit, bank (BBAN or empty), VAT, phone, e-mail, blocked
    private static readonly string[][] Rows =
    [
        ["US-001", "Contoso Retail", "1 Microsoft Way", "Redmond", "98052", "US", "USD", "Key accounts", "Net30", "250000", "", "", "+1 425 555 0100", "ap@contoso.com", "No"],
        ["US-002", "Fabrikam Inc.", "500 Pine Street", "Seattle", "98101", "US", "USD", "Wholesale", "Net45", "120000", "", "", "+1 206 555 0142", "billing@fabrikam.com", "No"],
        ["US-003", "Adventure Works Cycles", "2 Kirkland Ave", "Bothell", "98011", "US", "USD", "Retail", "Net30", "45000", "", "", "+1 425 555 0199", "finance@adventure-works.com", "No"],
        ["US-004", "Northwind Traders", "12 Market St", "San Francisco", "94105", "US", "USD", "Wholesale", "Net60", "80000", "", "", "+1 415 555 0123", "orders@northwindtraders.com", "No"],
        ["US-005", "Tailspin Toys", "88 Harbor Blvd", "Boston", "02110", "US", "USD", "Retail", "Net14", "15000", "", "", "+1 617 555 0177", "accounts@tailspintoys.com", "Invoice"],
        ["US-006", "Wide World Importers", "400 Commerce Dr", "Chicago", "60601", "US", "USD", "Key accounts", "Net30", "500000", "", "", "+1 312 555 0111", "ap@wideworldimporters.com", "No"],
        ["US-007", "Litware Inc.", "77 Sunset Rd", "Austin", "73301", "US", "USD", "Public sector", "Net60", "60000", "", "", "+1 512 555 0156", "payables@litware.com", "No"],
        ["US-008", "Proseware Inc.", "9 Lake Shore Dr", "Denver", "80202", "US", "USD", "Retail", "COD", "5000", "", "", "+1 303 555 0181", "hello@proseware.com", "No"],
        ["CA-001", "Maple Leaf Outfitters", "200 Bay Street", "Toronto", "M5J 2J5", "CA", "CAD", "Retail", "Net30", "30000", "", "", "+1 416 555 0133", "ar@mapleleaf-outfitters.ca", "No"],
        ["CA-002", "Northern Lights Supply", "15 Rue Sainte-Catherine", "Montreal", "H3B 1A7", "CA", "CAD", "Wholesale", "Net45", "90000", "", "", "+1 514 555 0166", "compta@northernlights.ca", "No"],
        ["NL-001", "Van der Berg Groothandel B.V.", "Keizersgracht 123", "Amsterdam", "1015 CJ", "NL", "EUR", "Wholesale", "Net30", "150000", "ABNA0417164300", "NL123456789B01", "+31 20 555 0101", "administratie@vdberg.nl", "No"],
        ["NL-002", "Bakkerij De Molen", "Molenstraat 8", "Utrecht", "3512 AB", "NL", "EUR", "Retail", "Net14", "12000", "RABO0300065264", "NL987654321B01", "+31 30 555 0112", "info@demolen.nl", "No"],
        ["NL-003", "Rotterdam Haven Logistiek", "Wilhelminakade 1", "Rotterdam", "3072 AP", "NL", "EUR", "Key accounts", "Net45", "400000", "INGB0001234567", "NL111222333B01", "+31 10 555 0190", "finance@havenlogistiek.nl", "No"],
        ["NL-004", "Gemeente Voorbeeld", "Stadhuisplein 1", "Den Haag", "2511 BB", "NL", "EUR", "Public sector", "Net60", "75000", "BNGH0285005718", "NL002233445B01", "+31 70 555 0144", "crediteuren@voorbeeld.nl", "No"],
        ["BE-001", "Brasserie Dupont SA", "Grand-Place 10", "Brussels", "1000", "BE", "EUR", "Retail", "Net30", "20000", "539007547034", "BE0403019261", "+32 2 555 01 20", "compta@dupont.be", "No"],
        ["BE-002", "Antwerp Diamond Traders NV", "Hoveniersstraat 2", "Antwerp", "2018", "BE", "EUR", "Key accounts", "Net30", "1000000", "068999999501", "BE0417497106", "+32 3 555 01 30", "finance@adt.be", "No"],
        ["DE-001", "Müller Maschinenbau GmbH", "Industriestraße 5", "Stuttgart", "70565", "DE", "EUR", "Wholesale", "Net30", "300000", "370400440532013000", "DE811569869", "+49 711 5550100", "buchhaltung@mueller-mb.de", "No"],
        ["DE-002", "Schmidt & Söhne KG", "Hauptstraße 42", "Munich", "80331", "DE", "EUR", "Retail", "Net14", "25000", "500105175407324931", "DE129273398", "+49 89 5550142", "info@schmidt-soehne.de", "No"],
        ["DE-003", "Berliner Verkehrsbetriebe Zulieferer", "Alexanderplatz 1", "Berlin", "10178", "DE", "EUR", "Public sector", "Net60", "110000", "100100100987654321", "DE136695976", "+49 30 5550177", "rechnungen@bvz.de", "No"],
        ["DE-004", "Hamburger Kaffeerösterei", "Speicherstadt 3", "Hamburg", "20457", "DE", "EUR", "Retail", "Net7", "8000", "200505501015871393", "DE813648567", "+49 40 5550166", "kontakt@hh-kaffee.de", "Invoice"],
        ["FR-001", "Boulangerie Lefèvre SARL", "12 Rue de Rivoli", "Paris", "75001", "FR", "EUR", "Retail", "Net30", "18000", "20041010050500013M02606", "FR40303265045", "+33 1 55 50 01 01", "contact@lefevre.fr", "No"],
        ["FR-002", "Vins de Bordeaux SA", "5 Quai des Chartrons", "Bordeaux", "33000", "FR", "EUR", "Wholesale", "Net45", "140000", "30006000011234567890189", "FR83404833048", "+33 5 55 50 02 02", "finance@vins-bordeaux.fr", "No"],
        ["FR-003", "Lyon Textile Industrie", "8 Place Bellecour", "Lyon", "69002", "FR", "EUR", "Key accounts", "Net60", "350000", "10096000501234567890185", "FR12345678901", "+33 4 55 50 03 03", "comptabilite@lti.fr", "No"],
        ["GB-001", "Thames Valley Traders Ltd", "10 Downing Lane", "London", "SW1A 2AA", "GB", "GBP", "Wholesale", "Net30", "200000", "NWBK60161331926819", "GB980780684", "+44 20 5550 0101", "accounts@tvtraders.co.uk", "No"],
        ["GB-002", "Highland Whisky Co.", "1 Royal Mile", "Edinburgh", "EH1 1RE", "GB", "GBP", "Retail", "Net14", "30000", "BARC20000055779911", "GB123456782", "+44 131 555 0199", "finance@highlandwhisky.co.uk", "No"],
        ["GB-003", "Manchester Engineering plc", "50 Deansgate", "Manchester", "M3 2BW", "GB", "GBP", "Key accounts", "Net45", "600000", "LOYD30963112345678", "GB987654321", "+44 161 555 0150", "ap@manchester-eng.co.uk", "No"],
        ["IE-001", "Dublin Software Ltd", "3 Grand Canal Sq", "Dublin", "D02 P820", "IE", "EUR", "Retail", "Net30", "40000", "AIBK93115212345678", "IE6388047V", "+353 1 555 0101", "finance@dublinsoftware.ie", "No"],
        ["ES-001", "Aceites del Sur S.L.", "Calle Mayor 15", "Sevilla", "41001", "ES", "EUR", "Wholesale", "Net60", "95000", "21000418450200051332", "ESB12345674", "+34 954 555 010", "contabilidad@aceitesdelsur.es", "No"],
        ["ES-002", "Barcelona Diseño S.A.", "Passeig de Gràcia 21", "Barcelona", "08007", "ES", "EUR", "Retail", "Net30", "22000", "00491500051234567892", "ESA58818501", "+34 93 555 0120", "admin@bcndiseno.es", "No"],
        ["IT-001", "Pasta Fresca S.r.l.", "Via Roma 1", "Bologna", "40121", "IT", "EUR", "Retail", "Net30", "16000", "X0542811101000000123456", "IT00743110157", "+39 051 555 0101", "amministrazione@pastafresca.it", "No"],
        ["IT-002", "Milano Moda S.p.A.", "Via Montenapoleone 8", "Milan", "20121", "IT", "EUR", "Key accounts", "Net60", "450000", "A0300203280000400162854", "IT12345670017", "+39 02 555 0188", "finanza@milanomoda.it", "No"],
        ["SE-001", "Nordisk Möbel AB", "Drottninggatan 20", "Stockholm", "111 51", "SE", "SEK", "Wholesale", "Net30", "1200000", "50000000058398257466", "SE556036079301", "+46 8 555 010 10", "ekonomi@nordiskmobel.se", "No"],
        ["DK-001", "København Design ApS", "Strøget 14", "Copenhagen", "1160", "DK", "DKK", "Retail", "Net14", "150000", "00400440116243", "DK13585628", "+45 33 55 50 10", "regnskab@kbhdesign.dk", "No"],
        ["NO-001", "Fjord Fisk AS", "Bryggen 5", "Bergen", "5003", "NO", "NOK", "Wholesale", "Net30", "900000", "86011117947", "NO923609016MVA", "+47 55 55 01 01", "faktura@fjordfisk.no", "No"],
        ["CH-001", "Alpen Uhren AG", "Bahnhofstrasse 30", "Zürich", "8001", "CH", "CHF", "Key accounts", "Net30", "700000", "00762011623852957", "CHE116281710", "+41 44 555 01 01", "buchhaltung@alpenuhren.ch", "No"],
        ["AT-001", "Wiener Kaffeehaus GmbH", "Kärntner Straße 2", "Vienna", "1010", "AT", "EUR", "Retail", "Net14", "14000", "1904300234573201", "ATU13585627", "+43 1 555 0101", "office@wienerkaffee.at", "No"],
        ["PL-001", "Warszawa Budowa Sp. z o.o.", "ul. Marszałkowska 100", "Warsaw", "00-026", "PL", "PLN", "Wholesale", "Net45", "600000", "109010140000071219812874", "PL5260250274", "+48 22 555 01 01", "ksiegowosc@wbudowa.pl", "No"],
        ["CZ-001", "Praha Sklo s.r.o.", "Václavské náměstí 1", "Prague", "110 00", "CZ", "CZK", "Retail", "Net30", "500000", "08000000192000145399", "CZ25596641", "+420 2 5550 0101", "ucetni@prahasklo.cz", "No"],
        ["PT-001", "Lisboa Cortiça Lda", "Rua Augusta 50", "Lisbon", "1100-053", "PT", "EUR", "Wholesale", "Net60", "60000", "000201231234567890154", "PT501964843", "+351 21 555 0101", "financeiro@lisboacortica.pt", "No"],
        ["FI-001", "Helsinki Sauna Oy", "Mannerheimintie 5", "Helsinki", "00100", "FI", "EUR", "Retail", "Net30", "28000", "12345600000785", "FI20774740", "+358 9 555 0101", "laskutus@helsinkisauna.fi", "No"],
        ["JP-001", "Tokyo Electronics K.K.", "1-1 Marunouchi", "Tokyo", "100-0005", "JP", "JPY", "Key accounts", "Net60", "80000000", "", "", "+81 3 5550 0101", "keiri@tokyo-electronics.jp", "No"],
        ["JP-002", "Osaka Foods Co., Ltd.", "2-3 Umeda", "Osaka", "530-0001", "JP", "JPY", "Wholesale", "Net30", "20000000", "", "", "+81 6 5550 0102", "finance@osakafoods.jp", "No"],
        ["AU-001", "Sydney Surf Supplies Pty Ltd", "100 George St", "Sydney", "2000", "AU", "AUD", "Retail", "Net30", "35000", "", "", "+61 2 5550 0101", "accounts@sydneysurf.com.au", "No"],
        ["AU-002", "Melbourne Mining Services", "200 Collins St", "Melbourne", "3000", "AU", "AUD", "Key accounts", "Net45", "800000", "", "", "+61 3 5550 0102", "ap@melbmining.com.au", "No"],
        ["NZ-001", "Kiwi Orchards Ltd", "5 Queen St", "Auckland", "1010", "NZ", "NZD", "Wholesale", "Net30", "70000", "", "", "+64 9 555 0101", "accounts@kiwiorchards.co.nz", "No"],
        ["SG-001", "Lion City Trading Pte Ltd", "8 Marina Blvd", "Singapore", "018981", "SG", "SGD", "Wholesale", "Net30", "180000", "", "", "+65 6555 0101", "finance@lioncity.sg", "No"],
        ["BR-001", "São Paulo Café Ltda", "Av. Paulista 1000", "São Paulo", "01310-100", "BR", "BRL", "Retail", "Net30", "90000", "00360305000010009795493C1", "", "+55 11 5550 0101", "financeiro@spcafe.com.br", "No"],
        ["MX-001", "Cerámica de Puebla S.A. de C.V.", "Calle 5 de Mayo 10", "Puebla", "72000", "MX", "MXN", "Wholesale", "Net60", "650000", "", "", "+52 222 555 0101", "cxc@ceramicapuebla.mx", "No"],
        ["ZA-001", "Cape Town Vineyards (Pty) Ltd", "1 Wale St", "Cape Town", "8001", "ZA", "ZAR", "Wholesale", "Net45", "1500000", "", "", "+27 21 555 0101", "accounts@ctvineyards.co.za", "All"],
        ["IN-001", "Bengaluru Tech Services Pvt Ltd", "MG Road 42", "Bengaluru", "560001", "IN", "INR", "Intercompany", "Net30", "5000000", "", "", "+91 80 5550 0101", "accounts@blrtech.in", "No"],
    ];

    /// <summary>The sample customers, every value valid under the default settings.</summary>
    public static IReadOnlyList<Customer> Customers { get; } = Rows.Select(ToCustomer).ToList();

    /// <summary>Sample settings: approvals on for the sensitive fields, imports proposing, one finance step.</summary>
    public static WorkflowSettings Settings { get; } = new()
    {
        ApprovalsEnabled = true,
        ImportBehaviour = ImportBehaviour.Propose,
        ApprovalFields = ImmutableSortedSet.Create(StringComparer.OrdinalIgnoreCase,
            FieldCatalog.CreditLimit, FieldCatalog.PaymentTerms, FieldCatalog.BankAccount, FieldCatalog.VatNumber, FieldCatalog.Blocked),
        Steps = [new ApprovalStepDefinition("Finance approval", ["sample-approver", "sample-finance"], CompletionPolicy.SingleApprover, TimeSpan.FromDays(2))],
    };

    /// <summary>Loads the sample customers and settings into an empty store; does nothing when the store has customers.</summary>
    /// <returns>How many customers were added.</returns>
    /// <remarks>
    /// Several instances starting together on one empty store race to load it: the load is one all-or-nothing commit,
    /// so a loser finds the customers there on its next look, or (when both lost) tries again after a random pause.
    /// </remarks>
    public static async Task<int> SeedAsync(IWorkflowStore store, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        var added = 0;
        for (var attempt = 1; added == 0 && await store.CountCustomersAsync(cancellationToken).ConfigureAwait(false) == 0; attempt++)
        {
            try
            {
                await store.CommitAsync(Customers.Select(c => new RecordWrite(c, null, 0, 0)).ToList(), cancellationToken).ConfigureAwait(false);
                added = Customers.Count;
            }
            catch (ConcurrencyException) when (attempt < 8)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(20, 200)), cancellationToken).ConfigureAwait(false);
            }
        }

        try
        {
            if (await store.GetSettingsAsync(cancellationToken).ConfigureAwait(false) is null)
            {
                await store.SaveSettingsAsync(Settings, 0, [new SettingsChange(DateTimeOffset.UnixEpoch, Actor.System.Id, Actor.System.DisplayName, "Sample settings", "(none)", "loaded")], cancellationToken).ConfigureAwait(false);
            }
        }
        catch (ConcurrencyException)
        {
            // Another instance saved them first.
        }

        return added;
    }

    /// <summary>
    /// Adds the sample users to the directory (with their roles and a UPN such as <c>chloe.clerk@example.com</c>) when
    /// they are missing; people already there keep what they have. Returns how many were added.
    /// </summary>
    public static async Task<int> SeedUsersAsync(IUserStore users, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(users);
        var added = 0;
        foreach (var user in Users)
        {
            if (await users.GetUserAsync(user.Id, cancellationToken).ConfigureAwait(false) is not null)
            {
                continue;
            }

            var upn = user.DisplayName.ToLowerInvariant().Replace(' ', '.') + "@example.com";
            try
            {
                await users.SaveUserAsync(new UserProfile(user.Id, user.DisplayName, upn, upn, Roles: user.Roles), 0, cancellationToken).ConfigureAwait(false);
                added++;
            }
            catch (ConcurrencyException)
            {
                // Another instance added them first.
            }
        }

        return added;
    }

    private static Customer ToCustomer(string[] r)
    {
        var country = r[5];
        var values = new Dictionary<string, string>
        {
            [FieldCatalog.Name] = r[1],
            [FieldCatalog.Street] = r[2],
            [FieldCatalog.City] = r[3],
            [FieldCatalog.PostalCode] = r[4],
            [FieldCatalog.Country] = country,
            [FieldCatalog.Currency] = r[6],
            [FieldCatalog.CustomerGroup] = r[7],
            [FieldCatalog.PaymentTerms] = r[8],
            [FieldCatalog.CreditLimit] = decimal.Parse(r[9], CultureInfo.InvariantCulture).ToString("0.00", CultureInfo.InvariantCulture),
            [FieldCatalog.BankAccount] = r[10].Length == 0 ? string.Empty : Iban.Create(country, r[10]),
            [FieldCatalog.VatNumber] = r[11],
            [FieldCatalog.Phone] = r[12],
            [FieldCatalog.Email] = r[13],
            [FieldCatalog.Blocked] = r[14],
        };
        return new Customer(r[0], values);
    }
}
