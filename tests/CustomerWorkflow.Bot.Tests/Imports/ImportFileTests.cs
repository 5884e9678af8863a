using System.Security.Cryptography;
using System.Text;
using CustomerWorkflow.Bot.Imports;

namespace CustomerWorkflow.Bot.Tests.Imports;

/// <summary>
/// Reading an import file before any row is imported: the checks hold across the reader's buffer boundaries (a download
/// arrives in pieces of any size), the size limit stops a stream that does not say its length, and the format comes
/// from the content type, the name or the first byte.
/// </summary>
public sealed class ImportFileTests
{
    /// <summary>A stream that cannot seek and hands out at most a few bytes per read, as a slow download does.</summary>
    private sealed class Trickle(byte[] content, int pieceSize) : Stream
    {
        private int _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => _position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = Math.Min(Math.Min(count, pieceSize), content.Length - _position);
            Array.Copy(content, _position, buffer, offset, n);
            _position += n;
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    private static Task<ImportFile> ReadAsync(byte[] content, string name = "f.csv", string? type = null, long max = 1 << 20, int piece = 3) =>
        ImportFile.ReadAsync(new Trickle(content, piece), name, type, max, CancellationToken.None);

    [Fact]
    public async Task Characters_and_json_tokens_split_between_reads_are_read_whole()
    {
        var json = Encoding.UTF8.GetBytes("""[{"CustomerId": "DE-002", "Name": "Schmidt & Söhne KG", "City": "München €"}]""");

        await using var file = await ReadAsync(json, "f.json");

        Assert.Equal((ImportFormat.Json, json.Length), (file.Format, file.Length));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(json)), file.Sha256);
        using var copy = new MemoryStream();
        await file.Content.CopyToAsync(copy);
        Assert.Equal(json, copy.ToArray());
    }

    [Fact]
    public async Task A_bad_byte_far_into_a_trickling_file_refuses_the_whole_file()
    {
        var content = Encoding.UTF8.GetBytes("CustomerId,City\n" + string.Concat(Enumerable.Repeat("US-001,Boston\n", 10_000)))
            .Concat(Encoding.Latin1.GetBytes("DE-001,Köln\n")).ToArray();

        var refusal = await Assert.ThrowsAsync<ImportFileException>(() => ReadAsync(content, piece: 4096));

        Assert.Equal(ImportFileProblem.WrongEncoding, refusal.Problem);
    }

    [Fact]
    public async Task A_stream_without_a_length_is_cut_off_at_the_limit()
    {
        var refusal = await Assert.ThrowsAsync<ImportFileException>(() => ReadAsync(new byte[10_000], max: 5_000, piece: 1000));

        Assert.Equal(ImportFileProblem.TooLarge, refusal.Problem);
        Assert.Equal("The file is larger than the 4.9 KB an import may have. Split it into smaller files.", refusal.Message);
    }

    [Fact]
    public async Task Json_broken_at_the_end_is_refused_naming_where()
    {
        var refusal = await Assert.ThrowsAsync<ImportFileException>(() => ReadAsync(Encoding.UTF8.GetBytes("[\n{\"CustomerId\": \"US-001\"},\n{\"CustomerId\": }\n]"), "f.json"));

        Assert.Equal(ImportFileProblem.Malformed, refusal.Problem);
        Assert.StartsWith("The file is not valid JSON at line 3, byte 16: '}' is an invalid start of a value.", refusal.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("customers.txt", null, "[{\"CustomerId\": \"US-001\"}]", ImportFormat.Json)]
    [InlineData("customers.txt", null, "\uFEFF  [{\"CustomerId\": \"US-001\"}]", ImportFormat.Json)]
    [InlineData("customers.txt", null, "CustomerId,City\nUS-001,Boston\n", ImportFormat.Csv)]
    [InlineData("customers.json", "text/csv", "CustomerId,City\nUS-001,Boston\n", ImportFormat.Csv)]
    [InlineData("upload", "application/json; charset=utf-8", "[]", ImportFormat.Json)]
    public async Task The_format_comes_from_the_type_then_the_name_then_the_first_byte(string name, string? type, string content, ImportFormat format)
    {
        await using var file = await ReadAsync(Encoding.UTF8.GetBytes(content), name, type);

        Assert.Equal(format, file.Format);
    }
}
