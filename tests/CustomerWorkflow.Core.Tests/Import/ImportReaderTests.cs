using System.Text;
using CustomerWorkflow.Core.Import;

namespace CustomerWorkflow.Core.Tests.Import;

/// <summary>Reading import files into rows: CSV as people save it from spreadsheets, and JSON arrays.</summary>
public sealed class ImportReaderTests
{
    [Fact]
    public async Task Csv_ReadsAHeaderAndRows()
    {
        var rows = await ReadCsv("CustomerId,CreditLimit,PaymentTerms\nUS-001,5000,Net60\n us-002 ,,Net30\n");

        Assert.Equal(2, rows.Count);
        AssertRow(rows[0], 1, "US-001", ("CreditLimit", "5000"), ("PaymentTerms", "Net60"));
        AssertRow(rows[1], 2, "us-002", ("CreditLimit", ""), ("PaymentTerms", "Net30"));
    }

    [Fact]
    public async Task Csv_ReadsQuotedFieldsWithCommasQuotesAndLineBreaks()
    {
        var rows = await ReadCsv("CustomerId,Name,City\r\nUS-001,\"Acme, \"\"The\"\" Best\r\nCo\",\"Den Haag\"\r\nUS-002,Plain,Utrecht\r\n");

        Assert.Equal(2, rows.Count);
        AssertRow(rows[0], 1, "US-001", ("Name", "Acme, \"The\" Best\r\nCo"), ("City", "Den Haag"));
        AssertRow(rows[1], 2, "US-002", ("Name", "Plain"), ("City", "Utrecht"));
    }

    [Fact]
    public async Task Csv_WithSemicolons_KeepsCommasInsideValues()
    {
        var rows = await ReadCsv("CustomerId;Street;CreditLimit\nNL-001;Keizersgracht 1, achter;5000\n");

        AssertRow(Assert.Single(rows), 1, "NL-001", ("Street", "Keizersgracht 1, achter"), ("CreditLimit", "5000"));
    }

    [Fact]
    public async Task Csv_WithTabs_IsRead()
    {
        var rows = await ReadCsv("CustomerId\tCity\nNL-001\tAmsterdam, Noord\n");

        AssertRow(Assert.Single(rows), 1, "NL-001", ("City", "Amsterdam, Noord"));
    }

    [Fact]
    public async Task Csv_WithTheCustomerIdColumnAnywhere_AndAByteOrderMark_IsRead()
    {
        var bytes = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes("City, customerid \nUtrecht,NL-002")).ToArray();

        var rows = await ImportReaders.ReadCsvAsync(new MemoryStream(bytes)).ToListAsync();

        AssertRow(Assert.Single(rows), 1, "NL-002", ("City", "Utrecht"));
    }

    [Fact]
    public async Task Csv_SkipsBlankLines_PadsShortRows_AndKeepsExtraCells()
    {
        var rows = await ReadCsv("CustomerId,City,Phone\nUS-001,Boston\n\n,,\nUS-002,Austin,123456,surplus\n");

        Assert.Equal(2, rows.Count);
        AssertRow(rows[0], 1, "US-001", ("City", "Boston"), ("Phone", ""));
        AssertRow(rows[1], 4, "US-002", ("City", "Austin"), ("Phone", "123456"), ("(column 4)", "surplus"));
    }

    [Fact]
    public async Task Csv_WithoutAHeader_IsRefused()
    {
        var refusal = await Assert.ThrowsAsync<WorkflowException>(() => ReadCsv("US-001,5000\nUS-002,6000\n"));

        Assert.Equal(Refusal.InvalidValue, refusal.Refusal);
        Assert.Contains("header with a CustomerId column", refusal.Message, StringComparison.Ordinal);
        Assert.Contains("US-001, 5000", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Csv_WithoutACustomerIdColumn_IsRefused()
    {
        var refusal = await Assert.ThrowsAsync<WorkflowException>(() => ReadCsv("Id,CreditLimit\nUS-001,5000\n"));

        Assert.Contains("CustomerId", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Csv_WithADuplicateColumn_IsRefusedNamingIt()
    {
        var refusal = await Assert.ThrowsAsync<WorkflowException>(() => ReadCsv("CustomerId,CreditLimit,creditlimit\nUS-001,1,2\n"));

        Assert.Equal(Refusal.InvalidValue, refusal.Refusal);
        Assert.Contains("'CreditLimit' more than once", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Csv_WithAColumnThatIsNoField_IsRefusedNamingIt()
    {
        var refusal = await Assert.ThrowsAsync<WorkflowException>(() => ReadCsv("CustomerId,CreditLimit,Colour\nUS-001,1,red\n"));

        Assert.Equal(Refusal.InvalidValue, refusal.Refusal);
        Assert.StartsWith("The header names an unknown column 'Colour'. The columns are CustomerId and field names: Name, CreditLimit,", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Csv_WithAnUnnamedColumn_IsRefusedSayingWhich()
    {
        var refusal = await Assert.ThrowsAsync<WorkflowException>(() => ReadCsv("CustomerId,City,\nUS-001,Boston,\n"));

        Assert.StartsWith("Column 3 of the header has no name.", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Csv_Empty_IsRefused()
    {
        var refusal = await Assert.ThrowsAsync<WorkflowException>(() => ReadCsv(string.Empty));

        Assert.Contains("empty", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Csv_InLatin1_IsRefusedAsNotUtf8()
    {
        var latin1 = Encoding.Latin1.GetBytes("CustomerId,Name\nDE-001,Müller Maschinenbau\n");

        var refusal = await Assert.ThrowsAsync<WorkflowException>(() => ImportReaders.ReadCsvAsync(new MemoryStream(latin1)).ToListAsync().AsTask());

        Assert.Equal(Refusal.InvalidValue, refusal.Refusal);
        Assert.Equal("The file is not UTF-8 text. Save it as CSV UTF-8 and send it again.", refusal.Message);
    }

    [Fact]
    public async Task Csv_WithABadByteFarIntoTheFile_IsRefusedAsNotUtf8()
    {
        // Well past the reader's first buffer, so the bad byte is met while reading rows, not the header.
        var good = Encoding.UTF8.GetBytes("CustomerId,City\n" + string.Concat(Enumerable.Range(1, 10_000).Select(i => $"US-{i},Boston\n")));
        var bytes = good.Concat(Encoding.Latin1.GetBytes("DE-001,Köln\n")).ToArray();

        var refusal = await Assert.ThrowsAsync<WorkflowException>(() => ImportReaders.ReadCsvAsync(new MemoryStream(bytes)).ToListAsync().AsTask());

        Assert.Contains("not UTF-8", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Json_ReadsAnArrayOfObjects_NumbersAndNullsAsText()
    {
        var rows = await ReadJson("""
            [
              {"CustomerId": "US-001", "CreditLimit": 5000.5, "PaymentTerms": "Net60"},
              {"customerid": " US-002 ", "Email": null, "Blocked": true}
            ]
            """);

        Assert.Equal(2, rows.Count);
        AssertRow(rows[0], 1, "US-001", ("CreditLimit", "5000.5"), ("PaymentTerms", "Net60"));
        AssertRow(rows[1], 2, "US-002", ("Email", ""), ("Blocked", "true"));
    }

    [Fact]
    public async Task Json_WithAnElementThatIsNotAnObject_GivesARowThatWillFail()
    {
        var rows = await ReadJson("""[42, {"CustomerId": "US-001", "City": "Boston"}]""");

        Assert.Equal(2, rows.Count);
        AssertRow(rows[0], 1, string.Empty, ("(row)", "not an object"));
        AssertRow(rows[1], 2, "US-001", ("City", "Boston"));
    }

    [Theory]
    [InlineData("""{"CustomerId": "US-001"}""")]
    [InlineData("""[{"CustomerId": "US-001",]""")]
    [InlineData("CustomerId,City")]
    public async Task Json_ThatIsNotAnArrayOfRows_IsRefused(string json)
    {
        var refusal = await Assert.ThrowsAsync<WorkflowException>(() => ReadJson(json));

        Assert.Equal(Refusal.InvalidValue, refusal.Refusal);
        Assert.StartsWith("The file is not a JSON array of customer rows", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Json_InLatin1_IsRefused()
    {
        var latin1 = Encoding.Latin1.GetBytes("""[{"CustomerId": "DE-001", "Name": "Müller"}]""");

        var refusal = await Assert.ThrowsAsync<WorkflowException>(() => ImportReaders.ReadJsonAsync(new MemoryStream(latin1)).ToListAsync().AsTask());

        Assert.Equal(Refusal.InvalidValue, refusal.Refusal);
        Assert.Equal("The file is not UTF-8 text. Save it as UTF-8 JSON and send it again.", refusal.Message);
    }

    private static async Task<List<ImportRow>> ReadCsv(string text) =>
        await ImportReaders.ReadCsvAsync(new MemoryStream(Encoding.UTF8.GetBytes(text))).ToListAsync();

    private static async Task<List<ImportRow>> ReadJson(string text) =>
        await ImportReaders.ReadJsonAsync(new MemoryStream(Encoding.UTF8.GetBytes(text))).ToListAsync();

    private static void AssertRow(ImportRow row, int number, string customerId, params (string Column, string Value)[] values)
    {
        Assert.Equal(number, row.RowNumber);
        Assert.Equal(customerId, row.CustomerId);
        Assert.Equal(values, row.Values.Select(v => (v.Key, v.Value)));
    }
}
