using System.Text;

namespace CustomerWorkflow.Core.Import;

/// <summary>
/// A streaming RFC 4180 record reader: quoted fields with doubled quotes and line breaks inside, CRLF or LF,
/// one delimiter per file. Reads one record at a time from a <see cref="TextReader"/>.
/// </summary>
internal sealed class CsvRecordReader(TextReader reader, char delimiter)
{
    private readonly StringBuilder _field = new();

    /// <summary>Guesses the delimiter from a header line: the most frequent of comma, semicolon and tab outside quotes.</summary>
    public static char DetectDelimiter(string headerLine)
    {
        var counts = new Dictionary<char, int> { [','] = 0, [';'] = 0, ['\t'] = 0 };
        var quoted = false;
        foreach (var c in headerLine)
        {
            if (c == '"')
            {
                quoted = !quoted;
            }
            else if (!quoted && counts.TryGetValue(c, out var n))
            {
                counts[c] = n + 1;
            }
        }

        return counts.MaxBy(kv => kv.Value).Value == 0 ? ',' : counts.MaxBy(kv => kv.Value).Key;
    }

    /// <summary>The next record's fields, or null at the end.</summary>
    public async Task<List<string>?> ReadAsync(CancellationToken cancellationToken)
    {
        var buffer = new char[1];
        var fields = new List<string>();
        _field.Clear();
        var quoted = false;
        var afterQuote = false;
        var any = false;
        while (true)
        {
            var read = await reader.ReadAsync(buffer.AsMemory(), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                if (!any)
                {
                    return null;
                }

                fields.Add(_field.ToString());
                return fields;
            }

            any = true;
            var c = buffer[0];
            if (quoted)
            {
                if (c == '"')
                {
                    if (reader.Peek() == '"')
                    {
                        reader.Read();
                        _field.Append('"');
                    }
                    else
                    {
                        quoted = false;
                        afterQuote = true;
                    }
                }
                else
                {
                    _field.Append(c);
                }

                continue;
            }

            if (c == '"' && _field.Length == 0 && !afterQuote)
            {
                quoted = true;
            }
            else if (c == delimiter)
            {
                fields.Add(_field.ToString());
                _field.Clear();
                afterQuote = false;
            }
            else if (c is '\r' or '\n')
            {
                if (c == '\r' && reader.Peek() == '\n')
                {
                    reader.Read();
                }

                fields.Add(_field.ToString());
                return fields;
            }
            else
            {
                _field.Append(c);
            }
        }
    }
}
