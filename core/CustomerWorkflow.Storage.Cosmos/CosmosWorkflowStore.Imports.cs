using System.Globalization;
using System.Text.Json;
using CustomerWorkflow.Core.Import;

namespace CustomerWorkflow.Storage.Cosmos;

/// <summary>
/// The import log (DESIGN.md): each import in a partition of its own (<c>import|{id}</c>: the record and its row pages),
/// a pointer per idempotency key (<c>importkey|{key}</c>), and a copy of each record in its month's partition
/// (<c>imports|{yyyy-MM}</c>) for the list of recent imports. Every operation is a point operation or a query within
/// one partition.
/// </summary>
public sealed partial class CosmosWorkflowStore : IImportLog
{
    /// <summary>How far back the list of imports looks, in months.</summary>
    private const int ListMonths = 24;

    public async Task AddRowPageAsync(string importId, int page, IReadOnlyList<ImportRowResult> rows, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var pk = Keys.Import(importId);
        var document = new ImportRowsDoc { Id = Keys.ImportRows(page), Pk = pk, Page = page, Rows = Element(ImportLogShapes.Rows(rows)) };
        var written = await Documents.UpsertAsync(pk, document, DocJson.Default.ImportRowsDoc, cancellationToken).ConfigureAwait(false);
        if (!written.Ok)
        {
            throw new CosmosStoreException($"Cosmos DB answered {(int)written.Status} to a page of import {importId}.", written.Status);
        }
    }

    public async Task<bool> RecordAsync(ImportRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (record.IdempotencyKey is { } key && !await ClaimKeyAsync(key, record.Id, cancellationToken).ConfigureAwait(false))
        {
            return false;
        }

        var pk = Keys.Import(record.Id);
        var body = Element(ImportLogShapes.Record(record));
        var created = await Documents.CreateAsync(pk, new ImportDoc { Pk = pk, At = record.At, Record = body }, DocJson.Default.ImportDoc, cancellationToken).ConfigureAwait(false);
        if (!created.Ok)
        {
            return false;
        }

        // The month's copy serves the list; a crash before it leaves the import findable by id and key, not listed.
        var month = Keys.ImportMonth(record.At);
        await Documents.UpsertAsync(month, new ImportDoc { Id = Keys.Id(record.Id), Pk = month, At = record.At, Record = body }, DocJson.Default.ImportDoc, cancellationToken).ConfigureAwait(false);
        return true;
    }

    public async Task<ImportRecord?> GetImportAsync(string importId, CancellationToken cancellationToken = default)
    {
        var (document, _) = await Documents.ReadAsync(Keys.Import(importId), "import", DocJson.Default.ImportDoc, cancellationToken).ConfigureAwait(false);
        return document is null ? null : ImportLogShapes.Record(document.Record.GetRawText());
    }

    public async Task<ImportRecord?> FindImportByKeyAsync(string idempotencyKey, CancellationToken cancellationToken = default)
    {
        var (pointer, _) = await Documents.ReadAsync(Keys.ImportKey(idempotencyKey), "k", DocJson.Default.ImportKeyDoc, cancellationToken).ConfigureAwait(false);
        return pointer is null ? null : await GetImportAsync(pointer.ImportId, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<ImportRowResult>> GetRowPageAsync(string importId, int page, CancellationToken cancellationToken = default)
    {
        var (document, _) = await Documents.ReadAsync(Keys.Import(importId), Keys.ImportRows(page), DocJson.Default.ImportRowsDoc, cancellationToken).ConfigureAwait(false);
        return document is null ? [] : ImportLogShapes.Rows(document.Rows.GetRawText());
    }

    public async Task<IReadOnlyList<ImportRecord>> ListImportsAsync(DateTimeOffset since, int max, CancellationToken cancellationToken = default)
    {
        var records = new List<ImportRecord>();
        var month = new DateTimeOffset(DateTimeOffset.UtcNow.Year, DateTimeOffset.UtcNow.Month, 1, 0, 0, 0, TimeSpan.Zero);
        var first = new DateTimeOffset(since.UtcDateTime.Year, since.UtcDateTime.Month, 1, 0, 0, 0, TimeSpan.Zero);
        for (var i = 0; i < ListMonths && month >= first && records.Count < max; i++, month = month.AddMonths(-1))
        {
            var documents = await Documents.QueryKindAsync(Keys.ImportMonth(month), "import", DocJson.Default.ImportDoc, cancellationToken).ConfigureAwait(false);
            records.AddRange(documents.Where(d => d.At >= since).OrderByDescending(d => d.At).Select(d => ImportLogShapes.Record(d.Record.GetRawText())));
        }

        return [.. records.OrderByDescending(r => r.At).ThenBy(r => r.Id, StringComparer.Ordinal).Take(max)];
    }

    /// <summary>
    /// Takes the idempotency key for <paramref name="importId"/>. A pointer left by an import that never got its record
    /// (it crashed in between) is taken over; one whose import is recorded belongs to that import.
    /// </summary>
    private async Task<bool> ClaimKeyAsync(string key, string importId, CancellationToken cancellationToken)
    {
        var pk = Keys.ImportKey(key);
        var pointer = new ImportKeyDoc { Pk = pk, ImportId = importId };
        var created = await Documents.CreateAsync(pk, pointer, DocJson.Default.ImportKeyDoc, cancellationToken).ConfigureAwait(false);
        if (created.Ok)
        {
            return true;
        }

        var (existing, etag) = await Documents.ReadAsync(pk, "k", DocJson.Default.ImportKeyDoc, cancellationToken).ConfigureAwait(false);
        if (existing is null || etag is null)
        {
            return false;
        }

        if (existing.ImportId == importId)
        {
            return true;
        }

        if (await GetImportAsync(existing.ImportId, cancellationToken).ConfigureAwait(false) is not null)
        {
            return false;
        }

        var replaced = await Documents.ReplaceAsync(pk, "k", pointer, DocJson.Default.ImportKeyDoc, etag, cancellationToken).ConfigureAwait(false);
        return replaced.Ok;
    }

    private static JsonElement Element(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }
}
