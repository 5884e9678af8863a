using System.Text.Json;
using System.Text.Json.Serialization;
using CustomerWorkflow.Core.Settings;

namespace CustomerWorkflow.Core.Import;

/// <summary>Where an import came in.</summary>
public enum ImportEntryPoint
{
    /// <summary>A file sent to the bot in Teams.</summary>
    Teams,

    /// <summary>The host's <c>import</c> subcommand.</summary>
    Cli,

    /// <summary><c>POST /api/import</c>, by an integration.</summary>
    Api,
}

/// <summary>How an import ended.</summary>
public enum ImportStatus
{
    /// <summary>Every row was judged; the counts are final.</summary>
    Completed,

    /// <summary>It stopped part-way (the store failed, the host stopped): the counts say what was written before.</summary>
    Incomplete,
}

/// <summary>Which row results an import keeps in the log beside its counts.</summary>
public enum ImportRowsKept
{
    /// <summary>Only the rejected rows (enough to show every reason).</summary>
    Rejected,

    /// <summary>Every row (enough to answer a retried request with the first answer).</summary>
    All,
}

/// <summary>
/// One import as the log keeps it: who ran it, when, through which entry point, on which file, under which behaviour,
/// and what became of its rows. Recorded once, when the import ends; its row results are in pages of
/// <see cref="ImportLogShapes.PageSize"/> rows (<see cref="Pages"/> of them), written before it.
/// </summary>
public sealed record ImportRecord
{
    public required string Id { get; init; }

    /// <summary>When it started.</summary>
    public required DateTimeOffset At { get; init; }

    public required ImportEntryPoint EntryPoint { get; init; }

    /// <summary>The importer: a person's directory id, or <c>app:{client id}</c> for an integration.</summary>
    public required string ActorId { get; init; }

    public required string ActorName { get; init; }

    public required string FileName { get; init; }

    public long Bytes { get; init; }

    public bool DryRun { get; init; }

    public ImportBehaviour Behaviour { get; init; }

    public ImportStatus Status { get; init; }

    /// <summary>Why it stopped, when <see cref="Status"/> is <see cref="ImportStatus.Incomplete"/>.</summary>
    public string? Message { get; init; }

    public int Rows { get; init; }

    public int Applied { get; init; }

    public int Proposed { get; init; }

    public int Rejected { get; init; }

    public int Unchanged { get; init; }

    /// <summary>How many proposals the import submitted (or, in a dry run, would submit).</summary>
    public int Submitted { get; init; }

    /// <summary>The first submitted proposal ids (at most <see cref="ImportLogShapes.SubmittedKept"/>).</summary>
    public IReadOnlyList<string> SubmittedProposals { get; init; } = [];

    /// <summary>Proposals the import started but could not submit, and why.</summary>
    public IReadOnlyList<string> Problems { get; init; } = [];

    public ImportRowsKept RowsKept { get; init; }

    /// <summary>The number of pages of row results.</summary>
    public int Pages { get; init; }

    /// <summary>The caller's idempotency key, scoped to the caller; unique in the log.</summary>
    public string? IdempotencyKey { get; init; }

    /// <summary>A hash of the request body, so a key reused for a different body is recognised.</summary>
    public string? RequestHash { get; init; }

    public TimeSpan Duration { get; init; }
}

/// <summary>
/// The import log port: every import is recorded, with its row results in pages. Pages are written first and the record
/// last, so a record is never without its pages; pages of an import that never got its record are never read.
/// </summary>
public interface IImportLog
{
    /// <summary>Stores one page of row results (numbered from 0) of an import not yet recorded; writing it again replaces it.</summary>
    Task AddRowPageAsync(string importId, int page, IReadOnlyList<ImportRowResult> rows, CancellationToken cancellationToken = default);

    /// <summary>Records a finished import once. False when its idempotency key belongs to another import already.</summary>
    Task<bool> RecordAsync(ImportRecord record, CancellationToken cancellationToken = default);

    Task<ImportRecord?> GetImportAsync(string importId, CancellationToken cancellationToken = default);

    /// <summary>The import recorded under this idempotency key, or null.</summary>
    Task<ImportRecord?> FindImportByKeyAsync(string idempotencyKey, CancellationToken cancellationToken = default);

    /// <summary>One page of an import's row results; empty for a page that does not exist.</summary>
    Task<IReadOnlyList<ImportRowResult>> GetRowPageAsync(string importId, int page, CancellationToken cancellationToken = default);

    /// <summary>The imports recorded since <paramref name="since"/>, newest first, at most <paramref name="max"/>.</summary>
    Task<IReadOnlyList<ImportRecord>> ListImportsAsync(DateTimeOffset since, int max, CancellationToken cancellationToken = default);
}

/// <summary>The stored JSON of import records and row pages, shared by the adapters; row pages use short names.</summary>
public static class ImportLogShapes
{
    /// <summary>Rows per page: with reasons cut to <see cref="MaxReasonLength"/>, a page stays far below Cosmos DB's 2 MB per document.</summary>
    public const int PageSize = 500;

    /// <summary>How much of a reason the log keeps: reasons quote the cell, which can be as long as the file allows.</summary>
    public const int MaxReasonLength = 300;

    public const int SubmittedKept = 100;

    public static string Record(ImportRecord record) => JsonSerializer.Serialize(record, ImportLogJson.Default.ImportRecord);

    public static ImportRecord Record(string json) =>
        JsonSerializer.Deserialize(json, ImportLogJson.Default.ImportRecord) ?? throw new InvalidDataException("A stored import record is empty.");

    public static string Rows(IReadOnlyList<ImportRowResult> rows) =>
        JsonSerializer.Serialize(rows.Select(StoredRow.From).ToList(), ImportLogJson.Default.ListStoredRow);

    public static IReadOnlyList<ImportRowResult> Rows(string json) =>
        (JsonSerializer.Deserialize(json, ImportLogJson.Default.ListStoredRow) ?? []).Select(r => r.ToResult()).ToList();

    /// <summary>A reason as the log keeps it: at most <see cref="MaxReasonLength"/> characters.</summary>
    public static string? Cut(string? reason) =>
        reason is { Length: > MaxReasonLength } ? string.Concat(reason.AsSpan(0, MaxReasonLength - 1), "…") : reason;
}

/// <summary>A row result in a stored page: row, customer, outcome, reason, and per field its name, outcome and reason.</summary>
public sealed record StoredRow(
    [property: JsonPropertyName("r")] int Row,
    [property: JsonPropertyName("c")] string Customer,
    [property: JsonPropertyName("o")] ImportOutcome Outcome,
    [property: JsonPropertyName("m")] string? Reason,
    [property: JsonPropertyName("f")] List<StoredField>? Fields)
{
    public static StoredRow From(ImportRowResult row) => new(row.RowNumber, row.CustomerId, row.Outcome, ImportLogShapes.Cut(row.Reason),
        row.Fields.Count == 0 ? null : row.Fields.Select(f => new StoredField(f.Field, f.Outcome, ImportLogShapes.Cut(f.Reason))).ToList());

    public ImportRowResult ToResult() => new(Row, Customer, Outcome, Reason,
        Fields?.Select(f => new ImportFieldResult(f.Field, f.Outcome, f.Reason)).ToList() ?? []);
}

public sealed record StoredField(
    [property: JsonPropertyName("n")] string Field,
    [property: JsonPropertyName("o")] ImportOutcome Outcome,
    [property: JsonPropertyName("m")] string? Reason);

[JsonSourceGenerationOptions(UseStringEnumConverter = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ImportRecord))]
[JsonSerializable(typeof(List<StoredRow>))]
public sealed partial class ImportLogJson : JsonSerializerContext;
