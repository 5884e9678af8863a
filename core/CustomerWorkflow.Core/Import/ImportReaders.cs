using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using CustomerWorkflow.Core.Fields;

namespace CustomerWorkflow.Core.Import;

/// <summary>
/// Reads import files as a stream of rows: CSV with a header of field names and <c>CustomerId</c>, or a JSON
/// array of objects. Rows are read one at a time, so large files are never held in memory. A file that can't be
/// read as a whole (not UTF-8, no header, duplicate column, not a JSON array) is refused with a clear message.
/// </summary>
public static class ImportReaders
{
    public const string CustomerIdColumn = "CustomerId";

    /// <summary>Reads CSV (comma, semicolon or tab separated, detected from the header).</summary>
    public static async IAsyncEnumerable<ImportRow> ReadCsvAsync(Stream stream, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var reader = new StreamReader(stream, StrictUtf8, detectEncodingFromByteOrderMarks: false, bufferSize: 64 * 1024, leaveOpen: true);
        string headerLine;
        try
        {
            headerLine = await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false)
                ?? throw Refuse("The file is empty: it needs a header row with CustomerId and field names.");
        }
        catch (DecoderFallbackException)
        {
            throw NotUtf8("CSV UTF-8");
        }

        var delimiter = CsvRecordReader.DetectDelimiter(headerLine);
        var header = (await new CsvRecordReader(new StringReader(headerLine), delimiter).ReadAsync(cancellationToken).ConfigureAwait(false) ?? [])
            .Select(h => h.Trim().TrimStart('\uFEFF'))
            .ToArray();
        var idColumn = CheckHeader(header);
        var records = new CsvRecordReader(reader, delimiter);
        var rowNumber = 0;
        while (true)
        {
            List<string>? record;
            try
            {
                record = await records.ReadAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (DecoderFallbackException)
            {
                throw NotUtf8("CSV UTF-8");
            }

            if (record is null)
            {
                yield break;
            }

            rowNumber++;
            if (record.All(string.IsNullOrWhiteSpace))
            {
                continue;
            }

            var values = new List<KeyValuePair<string, string>>(header.Length - 1);
            for (var i = 0; i < header.Length; i++)
            {
                if (i != idColumn)
                {
                    values.Add(new(header[i], i < record.Count ? record[i] : string.Empty));
                }
            }

            if (record.Count > header.Length)
            {
                values.Add(new($"(column {header.Length + 1})", record[header.Length]));
            }

            yield return new ImportRow(rowNumber, idColumn < record.Count ? record[idColumn].Trim() : string.Empty, values);
        }
    }

    /// <summary>Reads a JSON array of objects: <c>[{"CustomerId": "US-001", "CreditLimit": 5000}, …]</c>.</summary>
    public static async IAsyncEnumerable<ImportRow> ReadJsonAsync(Stream stream, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var rows = JsonSerializer.DeserializeAsyncEnumerable<JsonElement>(stream, cancellationToken: cancellationToken);
        await using var enumerator = rows.GetAsyncEnumerator(cancellationToken);
        var rowNumber = 0;
        while (true)
        {
            JsonElement element;
            try
            {
                if (!await enumerator.MoveNextAsync().ConfigureAwait(false))
                {
                    yield break;
                }

                element = enumerator.Current;
            }
            catch (JsonException e)
            {
                throw Refuse($"The file is not a JSON array of customer rows ({e.Message.Split('.')[0]}).");
            }
            catch (DecoderFallbackException)
            {
                throw NotUtf8("UTF-8 JSON");
            }

            rowNumber++;
            if (element.ValueKind != JsonValueKind.Object)
            {
                yield return new ImportRow(rowNumber, string.Empty, [new("(row)", "not an object")]);
                continue;
            }

            ImportRow row;
            try
            {
                row = ToRow(rowNumber, element);
            }
            catch (InvalidOperationException e) when (e.InnerException is DecoderFallbackException)
            {
                // System.Text.Json checks the bytes of a string only when it transcodes it, here.
                throw NotUtf8("UTF-8 JSON");
            }

            yield return row;
        }
    }

    private static ImportRow ToRow(int rowNumber, JsonElement element)
    {
        var id = string.Empty;
        var values = new List<KeyValuePair<string, string>>();
        foreach (var property in element.EnumerateObject())
        {
            var text = property.Value.ValueKind switch
            {
                JsonValueKind.String => property.Value.GetString() ?? string.Empty,
                JsonValueKind.Null => string.Empty,
                JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => property.Value.GetRawText(),
                _ => property.Value.GetRawText(),
            };
            if (string.Equals(property.Name, CustomerIdColumn, StringComparison.OrdinalIgnoreCase))
            {
                id = text.Trim();
            }
            else
            {
                values.Add(new(property.Name, text));
            }
        }

        return new ImportRow(rowNumber, id, values);
    }

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private static int CheckHeader(string[] header)
    {
        var duplicate = header.GroupBy(h => h, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw Refuse($"The header names column '{duplicate.Key}' more than once.");
        }

        var idColumn = Array.FindIndex(header, h => string.Equals(h, CustomerIdColumn, StringComparison.OrdinalIgnoreCase));
        if (idColumn < 0)
        {
            throw Refuse($"The first row must be a header with a {CustomerIdColumn} column and field names; found: {string.Join(", ", header.Take(8))}.");
        }

        // A column that is no field would fail every row the same way: refuse the file once, before any row is read.
        for (var i = 0; i < header.Length; i++)
        {
            if (i != idColumn && FieldCatalog.Find(header[i]) is null)
            {
                throw Refuse(header[i].Length == 0
                    ? $"Column {i + 1} of the header has no name. The columns are {CustomerIdColumn} and field names: {string.Join(", ", FieldCatalog.All.Select(f => f.Name))}."
                    : $"The header names an unknown column '{header[i]}'. The columns are {CustomerIdColumn} and field names: {string.Join(", ", FieldCatalog.All.Select(f => f.Name))}.");
            }
        }

        return idColumn;
    }

    private static WorkflowException NotUtf8(string saveAs) => Refuse($"The file is not UTF-8 text. Save it as {saveAs} and send it again.");

    private static WorkflowException Refuse(string message) => new(Refusal.InvalidValue, message);
}
