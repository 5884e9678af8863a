using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace CustomerWorkflow.Bot.Imports;

public enum ImportFormat
{
    Csv,
    Json,
}

/// <summary>Why a file is refused before any row of it is imported.</summary>
public enum ImportFileProblem
{
    Empty,
    TooLarge,
    WrongEncoding,
    UnknownFormat,
    Malformed,
    Download,
}

/// <summary>A file that cannot be imported at all. The message is for the person who sent it; nothing was changed.</summary>
public sealed class ImportFileException(ImportFileProblem problem, string message) : Exception(message)
{
    public ImportFileProblem Problem { get; } = problem;
}

/// <summary>
/// An import file read to its end and checked before any row is imported: within the size limit, UTF-8 throughout, CSV
/// or JSON (from its content type, its name, or its first byte), and for JSON well-formed to the last bracket. So a file
/// that is bad far from its start is refused whole instead of stopping half-way. A stream that cannot seek (a download,
/// a request body) is copied to a temporary file that is deleted when this is disposed; a local file is read in place.
/// The SHA-256 of the content says whether a retried request carries the same file.
/// </summary>
public sealed class ImportFile : IAsyncDisposable
{
    private const int BufferSize = 64 * 1024;
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly Stream _content;
    private readonly bool _owned;

    private ImportFile(Stream content, bool owned, string name, ImportFormat format, long length, string sha256)
    {
        _content = content;
        _owned = owned;
        Name = name;
        Format = format;
        Length = length;
        Sha256 = sha256;
    }

    public string Name { get; }

    public ImportFormat Format { get; }

    public long Length { get; }

    /// <summary>The SHA-256 of the content, lower-case hex.</summary>
    public string Sha256 { get; }

    /// <summary>The content from its start; its position tells how far the import has read.</summary>
    public Stream Content => _content;

    /// <summary>Reads <paramref name="source"/> to its end, checking it on the way; throws <see cref="ImportFileException"/> when it cannot be imported.</summary>
    /// <param name="name">The file's name as its sender knows it (for the format and the log).</param>
    /// <param name="contentType">The media type it came with, if any (text/csv, application/json).</param>
    /// <param name="maxBytes">The size limit: reading stops as soon as the content passes it.</param>
    /// <param name="cancellationToken">Stops the reading (and removes the copy).</param>
    public static async Task<ImportFile> ReadAsync(Stream source, string name, string? contentType, long maxBytes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        var seekable = source.CanSeek;
        if (seekable && source.Length - source.Position > maxBytes)
        {
            throw TooLarge(maxBytes);
        }

        var start = seekable ? source.Position : 0;
        Stream? copy = seekable ? null : new FileStream(Path.Combine(Path.GetTempPath(), "cw-import-" + Guid.NewGuid().ToString("N")), FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None,
            BufferSize, FileOptions.DeleteOnClose | FileOptions.Asynchronous | FileOptions.SequentialScan);
        try
        {
            var checker = new ContentChecker(name, contentType);
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
            long length = 0;
            try
            {
                while (true)
                {
                    var read = await source.ReadAsync(buffer.AsMemory(0, BufferSize), cancellationToken).ConfigureAwait(false);
                    if (read == 0)
                    {
                        break;
                    }

                    length += read;
                    if (length > maxBytes)
                    {
                        throw TooLarge(maxBytes);
                    }

                    hash.AppendData(buffer, 0, read);
                    checker.Check(buffer.AsSpan(0, read));
                    if (copy is not null)
                    {
                        await copy.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                    }
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }

            var format = checker.Finish();
            var content = copy ?? source;
            content.Position = copy is null ? start : 0;
            var file = new ImportFile(content, copy is not null, name, format, length, Convert.ToHexStringLower(hash.GetHashAndReset()));
            copy = null;
            return file;
        }
        finally
        {
            if (copy is not null)
            {
                await copy.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_owned)
        {
            await _content.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static ImportFileException TooLarge(long maxBytes) =>
        new(ImportFileProblem.TooLarge, $"The file is larger than the {ImportSettings.Size(maxBytes)} an import may have. Split it into smaller files.");

    /// <summary>
    /// Checks content as it streams past: the format from the first bytes, strict UTF-8 across buffer boundaries, and for
    /// JSON every token (the reader's state carries over; an unfinished token waits for the next buffer).
    /// </summary>
    private sealed class ContentChecker(string name, string? contentType)
    {
        private readonly Decoder _utf8 = StrictUtf8.GetDecoder();
        private const int HeadLength = 64;

        private readonly char[] _chars = new char[BufferSize + HeadLength + 4];
        private byte[] _head = [];
        private ImportFormat? _format;
        private bool _started;
        private long _seen;
        private byte[] _pending = [];
        private JsonReaderState _json = new(new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow, MaxDepth = 16 });
        private bool _jsonStarted;

        public void Check(ReadOnlySpan<byte> bytes)
        {
            if (!_started)
            {
                // The format and the byte order mark are told from the first bytes, however small the first reads are.
                _head = [.. _head, .. bytes];
                if (_head.Length >= HeadLength)
                {
                    Start();
                }

                return;
            }

            Feed(bytes);
        }

        private void Start()
        {
            _started = true;
            ReadOnlySpan<byte> head = _head;
            _format = Detect(head);
            if (head.StartsWith(Encoding.UTF8.Preamble))
            {
                _seen += 3;
                head = head[3..];
            }

            Feed(head);
            _head = [];
        }

        private void Feed(ReadOnlySpan<byte> bytes)
        {
            try
            {
                _utf8.GetChars(bytes, _chars, flush: false);
            }
            catch (DecoderFallbackException)
            {
                throw NotUtf8();
            }

            if (_format == ImportFormat.Json)
            {
                CheckJson(bytes, isFinal: false);
            }

            _seen += bytes.Length;
        }

        public ImportFormat Finish()
        {
            if (!_started && _head.Length > 0)
            {
                Start();
            }

            if (!_started || _seen == 0)
            {
                throw new ImportFileException(ImportFileProblem.Empty, "The file is empty: it needs a header row with CustomerId and field names, or a JSON array of customers.");
            }

            try
            {
                _utf8.GetChars([], _chars, flush: true);
            }
            catch (DecoderFallbackException)
            {
                throw NotUtf8();
            }

            if (_format == ImportFormat.Json)
            {
                CheckJson([], isFinal: true);
            }

            return _format!.Value;
        }

        private ImportFormat Detect(ReadOnlySpan<byte> first)
        {
            if (first.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]) || first.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]))
            {
                throw new ImportFileException(ImportFileProblem.WrongEncoding,
                    "The file is UTF-16 text (Excel's \"Unicode text\"); the import reads UTF-8 only. Save it as CSV UTF-8 and send it again.");
            }

            if (first.StartsWith("PK\u0003\u0004"u8) || first.StartsWith((ReadOnlySpan<byte>)[0xD0, 0xCF, 0x11, 0xE0]))
            {
                throw new ImportFileException(ImportFileProblem.UnknownFormat,
                    "This is a spreadsheet workbook, not CSV or JSON. In Excel, save it as CSV UTF-8 (comma delimited) and send that file.");
            }

            var type = contentType?.Split(';')[0].Trim().ToLowerInvariant();
            if (type is "text/csv" or "application/csv" or "text/comma-separated-values")
            {
                return ImportFormat.Csv;
            }

            if (type is "application/json" or "text/json")
            {
                return ImportFormat.Json;
            }

            var extension = Path.GetExtension(name).ToLowerInvariant();
            if (extension is ".csv" or ".tsv")
            {
                return ImportFormat.Csv;
            }

            if (extension == ".json")
            {
                return ImportFormat.Json;
            }

            // No type and no telling name (a .txt, say): a JSON file starts with its array, anything else is read as CSV.
            var text = first.StartsWith(Encoding.UTF8.Preamble) ? first[3..] : first;
            var firstByte = text.IndexOfAnyExcept(" \t\r\n"u8);
            return firstByte >= 0 && text[firstByte] == (byte)'[' ? ImportFormat.Json : ImportFormat.Csv;
        }

        private void CheckJson(ReadOnlySpan<byte> bytes, bool isFinal)
        {
            byte[]? rented = null;
            var data = bytes;
            if (_pending.Length > 0)
            {
                rented = ArrayPool<byte>.Shared.Rent(_pending.Length + bytes.Length);
                _pending.CopyTo(rented, 0);
                bytes.CopyTo(rented.AsSpan(_pending.Length));
                data = rented.AsSpan(0, _pending.Length + bytes.Length);
            }

            try
            {
                var reader = new Utf8JsonReader(data, isFinal, _json);
                while (reader.Read())
                {
                    if (!_jsonStarted)
                    {
                        _jsonStarted = true;
                        if (reader.TokenType != JsonTokenType.StartArray)
                        {
                            throw new ImportFileException(ImportFileProblem.Malformed,
                                "The JSON must be an array of customers, like [{\"CustomerId\": \"US-001\", \"City\": \"Boston\"}].");
                        }
                    }
                }

                if (isFinal && !_jsonStarted)
                {
                    throw new ImportFileException(ImportFileProblem.Malformed, "The file holds no JSON: it needs an array of customers.");
                }

                _json = reader.CurrentState;
                _pending = data[(int)reader.BytesConsumed..].ToArray();
            }
            catch (JsonException e)
            {
                // The reader's state carries the line count across buffers, so this is the file's own line (counted from 0).
                throw new ImportFileException(ImportFileProblem.Malformed,
                    $"The file is not valid JSON at line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1}: {FirstSentence(e.Message)}");
            }
            finally
            {
                if (rented is not null)
                {
                    ArrayPool<byte>.Shared.Return(rented);
                }
            }
        }

        private static string FirstSentence(string message)
        {
            var end = message.IndexOf(". ", StringComparison.Ordinal);
            return end > 0 ? message[..(end + 1)] : message;
        }

        private static ImportFileException NotUtf8() =>
            new(ImportFileProblem.WrongEncoding, "The file is not UTF-8 text. Save it as CSV UTF-8 (or UTF-8 JSON) and send it again.");
    }
}
