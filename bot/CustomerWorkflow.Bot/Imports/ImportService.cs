using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using CustomerWorkflow.Core;
using CustomerWorkflow.Core.Engine;
using CustomerWorkflow.Core.Import;

namespace CustomerWorkflow.Bot.Imports;

/// <summary>An import to run: who, through which entry point, which file, and how.</summary>
/// <param name="Actor">The importer. An integration is an actor of its own (<c>app:{client id}</c>), holding the admin role
/// for imports only; its right to import comes from its token's app role, not from <see cref="ImportSettings.AllowedRoles"/>.</param>
/// <param name="IsApplication">True for an integration calling the API.</param>
/// <param name="RowsKept">Which row results the log keeps: the API keeps all (to answer a retry), the others the rejections.</param>
/// <param name="RequestHash">What tells a retry from another request under the same idempotency key (default: the file's hash).</param>
internal sealed record ImportRequest(
    Actor Actor,
    ImportEntryPoint EntryPoint,
    ImportFile File,
    bool DryRun = false,
    bool IsApplication = false,
    ImportRowsKept RowsKept = ImportRowsKept.Rejected,
    string? IdempotencyKey = null,
    string? RequestHash = null);

/// <summary>How far an import has come: rows judged, and bytes of the file read.</summary>
internal readonly record struct ImportProgress(int Rows, long BytesRead, long Bytes);

/// <summary>A finished (or stopped) import: its record, its first rejections, and the proposals it submitted.</summary>
internal sealed record ImportResult(ImportRecord Record, IReadOnlyList<ImportRowResult> FirstRejections, IReadOnlyList<string> SubmittedProposals);

/// <summary>
/// The one way in for every entry point (Teams, the command line, the API): streams the checked file's rows into the engine
/// under the configured data entity behaviour, keeps the row results in the import log page by page as chunks are written
/// (so a file of any size holds a page, not the file, in memory), and records the import when it ends — completed, or
/// stopped part-way with what was written before. A refusal before the first row (not allowed, a bad header) records
/// nothing and changes nothing.
/// </summary>
internal sealed partial class ImportService(ProposalEngine engine, IImportLog log, ImportSettings settings, TimeProvider time, ILogger<ImportService> logger)
{
    /// <summary>Rejections a result carries for a card or a summary; the rest are in the log.</summary>
    public const int FirstRejectionsKept = 10;

    public ImportSettings Settings => settings;

    /// <summary>True when a person holding <paramref name="actor"/>'s roles may import.</summary>
    public bool MayImport(Actor actor) => (actor.Roles & settings.AllowedRoles) != 0;

    /// <summary>Refuses, with a message for them, someone who may not import.</summary>
    public void EnsureMayImport(Actor actor)
    {
        if (!MayImport(actor))
        {
            throw new WorkflowException(Refusal.NotAllowed, $"Only {settings.AllowedRoles.People()} can import customer data{(actor.Roles == Roles.None ? string.Empty : $", and you are {Commands.Text.Roles(actor.Roles)}")}.");
        }
    }

    public async Task<ImportResult> RunAsync(ImportRequest request, IProgress<ImportProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!request.IsApplication)
        {
            EnsureMayImport(request.Actor);
        }

        var id = NewId();
        var started = time.GetUtcNow();
        var current = (await engine.GetSettingsAsync(cancellationToken).ConfigureAwait(false)).Settings;
        var pager = new RowPager(log, id, request.RowsKept);
        var file = request.File;
        var rows = file.Format == ImportFormat.Csv
            ? ImportReaders.ReadCsvAsync(file.Content, cancellationToken)
            : ImportReaders.ReadJsonAsync(file.Content, cancellationToken);
        var options = new ImportOptions
        {
            DryRun = request.DryRun,
            AllowedRoles = request.IsApplication ? Roles.Admin : settings.AllowedRoles,
        };

        ImportSummary? summary = null;
        string? stoppedBecause = null;
        try
        {
            summary = await engine.ImportAsync(request.Actor, Paged(rows, pager, file, progress, cancellationToken), options, pager.Add, cancellationToken).ConfigureAwait(false);
            await pager.FlushAsync(final: true, cancellationToken).ConfigureAwait(false);
        }
        catch (WorkflowException) when (pager.Rows == 0)
        {
            // Refused before any row was written (a bad header, not allowed): nothing to record.
            throw;
        }
        catch (Exception exception) when (pager.Rows > 0)
        {
            // Stopped part-way: the chunks before were written, the one in flight was not (each chunk is atomic).
            LogStopped(logger, exception, id, pager.Rows);
            stoppedBecause = exception switch
            {
                WorkflowException refusal => refusal.Message,
                OperationCanceledException => $"it was stopped (the host shut down or the request was cancelled) after row {pager.LastRow}",
                _ => $"the store failed ({exception.GetType().Name}) after row {pager.LastRow}",
            };
            await TryAsync(() => pager.FlushAsync(final: true, CancellationToken.None)).ConfigureAwait(false);
        }

        var submitted = summary?.SubmittedProposals ?? [];
        var record = new ImportRecord
        {
            Id = id,
            At = started,
            EntryPoint = request.EntryPoint,
            ActorId = request.Actor.Id,
            ActorName = request.Actor.DisplayName,
            FileName = file.Name,
            Bytes = file.Length,
            DryRun = request.DryRun,
            Behaviour = summary?.Behaviour ?? (current.ApprovalsEnabled ? current.ImportBehaviour : Core.Settings.ImportBehaviour.Allow),
            Status = stoppedBecause is null ? ImportStatus.Completed : ImportStatus.Incomplete,
            Message = stoppedBecause,
            Rows = pager.Rows,
            Applied = pager.Applied,
            Proposed = pager.Proposed,
            Rejected = pager.Rejected,
            Unchanged = pager.Unchanged,
            Submitted = submitted.Count,
            SubmittedProposals = [.. submitted.Take(ImportLogShapes.SubmittedKept)],
            Problems = [.. (summary?.Problems ?? []).Take(ImportLogShapes.SubmittedKept).Select(p => ImportLogShapes.Cut(p)!)],
            RowsKept = request.RowsKept,
            Pages = pager.Pages,
            IdempotencyKey = request.IdempotencyKey,
            RequestHash = request.IdempotencyKey is null ? null : request.RequestHash ?? file.Sha256,
            Duration = time.GetUtcNow() - started,
        };
        if (!await log.RecordAsync(record, CancellationToken.None).ConfigureAwait(false))
        {
            throw new InvalidOperationException($"Import {id} could not be recorded: its idempotency key belongs to another import.");
        }

        LogImported(logger, id, request.EntryPoint, request.Actor.Id, file.Name, record.Rows, record.Applied, record.Proposed, record.Rejected, request.DryRun);
        return new ImportResult(record, pager.FirstRejections, submitted);
    }

    /// <summary>An import as the log has it, or a refusal saying there is none.</summary>
    public async Task<ImportRecord> GetAsync(string importId, CancellationToken cancellationToken = default) =>
        await log.GetImportAsync(importId.Trim(), cancellationToken).ConfigureAwait(false)
        ?? throw new WorkflowException(Refusal.InvalidValue, $"There is no import '{importId}'. Import ids look like imp-7k2m9q4x; `import list` shows the recent ones.");

    /// <summary>An import for someone who may see it: whoever may import, and the person who ran it.</summary>
    public async Task<ImportRecord> GetForAsync(Actor actor, string importId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var record = await GetAsync(importId, cancellationToken).ConfigureAwait(false);
        return MayImport(actor) || actor.Is(record.ActorId)
            ? record
            : throw new WorkflowException(Refusal.NotAllowed, $"Import {record.Id} is for {settings.AllowedRoles.People()} and for the person who ran it.");
    }

    /// <summary>Rejections <paramref name="skip"/> to <paramref name="skip"/> + <paramref name="take"/> of an import, in row order.</summary>
    public async Task<IReadOnlyList<ImportRowResult>> RejectionsAsync(ImportRecord record, int skip, int take, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        var found = new List<ImportRowResult>(take);
        // Pages of rejections only can be indexed; pages of every row are read until enough rejections are found.
        var page = record.RowsKept == ImportRowsKept.Rejected ? skip / ImportLogShapes.PageSize : 0;
        var seen = record.RowsKept == ImportRowsKept.Rejected ? page * ImportLogShapes.PageSize : 0;
        for (; page < record.Pages && found.Count < take; page++)
        {
            foreach (var row in await log.GetRowPageAsync(record.Id, page, cancellationToken).ConfigureAwait(false))
            {
                if (row.Outcome != ImportOutcome.Rejected)
                {
                    continue;
                }

                if (seen++ >= skip && found.Count < take)
                {
                    found.Add(row);
                }
            }
        }

        return found;
    }

    /// <summary>Every row result of an import, page by page (for an API answer).</summary>
    public async IAsyncEnumerable<ImportRowResult> RowsAsync(ImportRecord record, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        for (var page = 0; page < record.Pages; page++)
        {
            foreach (var row in await log.GetRowPageAsync(record.Id, page, cancellationToken).ConfigureAwait(false))
            {
                yield return row;
            }
        }
    }

    public Task<IReadOnlyList<ImportRecord>> RecentAsync(int max, CancellationToken cancellationToken = default) =>
        log.ListImportsAsync(time.GetUtcNow().AddDays(-90), max, cancellationToken);

    /// <summary>The rows as the engine pulls them; each pull first writes the pages the chunks before it filled.</summary>
    private static async IAsyncEnumerable<ImportRow> Paged(IAsyncEnumerable<ImportRow> rows, RowPager pager, ImportFile file, IProgress<ImportProgress>? progress, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var reported = 0;
        await foreach (var row in rows.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            await pager.FlushAsync(final: false, cancellationToken).ConfigureAwait(false);
            if (progress is not null && pager.Rows - reported >= 1000)
            {
                reported = pager.Rows;
                progress.Report(new ImportProgress(pager.Rows, file.Content.Position, file.Length));
            }

            yield return row;
        }

        progress?.Report(new ImportProgress(pager.Rows, file.Length, file.Length));
    }

    private static async Task TryAsync(Func<Task> work)
    {
        try
        {
            await work().ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // The record still says how far the import came; a page that could not be written is only missing detail.
        }
    }

    /// <summary>A short id people can type (<c>import show imp-…</c>): 8 base-32 characters, 40 random bits.</summary>
    internal static string NewId()
    {
        const string alphabet = "abcdefghijkmnpqrstuvwxyz23456789";
        Span<byte> bytes = stackalloc byte[8];
        RandomNumberGenerator.Fill(bytes);
        Span<char> chars = stackalloc char[8];
        for (var i = 0; i < chars.Length; i++)
        {
            chars[i] = alphabet[bytes[i] % alphabet.Length];
        }

        return "imp-" + new string(chars);
    }

    /// <summary>
    /// Counts every row result, keeps the first rejections, and writes the kept results to the log in pages of
    /// <see cref="ImportLogShapes.PageSize"/> once they fill (at the next pull of a row, or at the end).
    /// </summary>
    private sealed class RowPager(IImportLog log, string importId, ImportRowsKept kept)
    {
        private readonly List<ImportRowResult> _page = new(ImportLogShapes.PageSize * 2);
        private readonly List<ImportRowResult> _first = [];

        public int Rows { get; private set; }

        public int LastRow { get; private set; }

        public int Applied { get; private set; }

        public int Proposed { get; private set; }

        public int Rejected { get; private set; }

        public int Unchanged { get; private set; }

        public int Pages { get; private set; }

        public IReadOnlyList<ImportRowResult> FirstRejections => _first;

        public void Add(ImportRowResult row)
        {
            Rows++;
            LastRow = row.RowNumber;
            switch (row.Outcome)
            {
                case ImportOutcome.Applied: Applied++; break;
                case ImportOutcome.Proposed: Proposed++; break;
                case ImportOutcome.Unchanged: Unchanged++; break;
                default:
                    Rejected++;
                    if (_first.Count < FirstRejectionsKept)
                    {
                        _first.Add(row);
                    }

                    break;
            }

            if (kept == ImportRowsKept.All || row.Outcome == ImportOutcome.Rejected)
            {
                _page.Add(row);
            }
        }

        public async Task FlushAsync(bool final, CancellationToken cancellationToken)
        {
            while (_page.Count >= ImportLogShapes.PageSize || (final && _page.Count > 0))
            {
                var count = Math.Min(_page.Count, ImportLogShapes.PageSize);
                await log.AddRowPageAsync(importId, Pages, _page.GetRange(0, count), cancellationToken).ConfigureAwait(false);
                _page.RemoveRange(0, count);
                Pages++;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Import {ImportId} ({EntryPoint}) by {ActorId} of {FileName}: {Rows} rows, {Applied} applied, {Proposed} proposed, {Rejected} rejected (dry run: {DryRun})")]
    private static partial void LogImported(ILogger logger, string importId, ImportEntryPoint entryPoint, string actorId, string fileName, int rows, int applied, int proposed, int rejected, bool dryRun);

    [LoggerMessage(Level = LogLevel.Error, Message = "Import {ImportId} stopped after {Rows} rows")]
    private static partial void LogStopped(ILogger logger, Exception exception, string importId, int rows);
}
