using CustomerWorkflow.Core.Customers;
using CustomerWorkflow.Core.Fields;
using CustomerWorkflow.Core.Import;
using CustomerWorkflow.Core.Proposals;
using CustomerWorkflow.Core.Settings;
using CustomerWorkflow.Core.Storage;
using CustomerWorkflow.Core.Workflows;

namespace CustomerWorkflow.Core.Engine;

public sealed partial class ProposalEngine
{
    private const int ImportChunkSize = 500;
    private const int FirstRejectionsKept = 50;

    /// <summary>
    /// Imports rows under the data entity behaviour. Each row is applied whole or not at all; a bad row is
    /// rejected with its reason and the rest go on. Rows are written in chunks, one atomic write per chunk.
    /// Under <see cref="ImportBehaviour.Propose"/>, the proposals the import started are submitted at the end,
    /// with the importing user as submitter, so a customer touched twice gets one proposal.
    /// </summary>
    /// <param name="onRow">Receives every row's result as it is written (for streaming reports).</param>
    public Task<ImportSummary> ImportAsync(Actor actor, IAsyncEnumerable<ImportRow> rows, Action<ImportRowResult>? onRow = null, CancellationToken cancellationToken = default) =>
        ImportAsync(actor, rows, ImportOptions.Default, onRow, cancellationToken);

    /// <inheritdoc cref="ImportAsync(Actor, IAsyncEnumerable{ImportRow}, Action{ImportRowResult}?, CancellationToken)"/>
    /// <param name="actor">Who imports: the submitter of the proposals the import starts.</param>
    /// <param name="rows">The rows, read as they are needed.</param>
    /// <param name="options">Who may import, and whether to write at all (<see cref="ImportOptions.DryRun"/>).</param>
    /// <param name="onRow">Receives every row's result as it is written (for streaming reports).</param>
    /// <param name="cancellationToken">Stops between chunks; chunks already written stay written.</param>
    public async Task<ImportSummary> ImportAsync(Actor actor, IAsyncEnumerable<ImportRow> rows, ImportOptions options, Action<ImportRowResult>? onRow = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(options);
        if ((actor.Roles & options.AllowedRoles) == 0)
        {
            throw new WorkflowException(Refusal.NotAllowed, $"Only {options.AllowedRoles.People()} can import customer data.");
        }

        var settings = (await GetSettingsAsync(cancellationToken).ConfigureAwait(false)).Settings;
        var run = new ImportRun(actor, settings, options.DryRun, onRow);
        var chunk = new List<ImportRow>(ImportChunkSize);
        await foreach (var row in rows.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            chunk.Add(row);
            if (chunk.Count == ImportChunkSize)
            {
                await ImportChunkAsync(run, chunk, cancellationToken).ConfigureAwait(false);
                chunk.Clear();
            }
        }

        await ImportChunkAsync(run, chunk, cancellationToken).ConfigureAwait(false);
        if (run.DryRun)
        {
            await SubmitInMemoryAsync(run, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await SubmitImportedAsync(run, cancellationToken).ConfigureAwait(false);
        }

        return run.Summary();
    }

    private async Task ImportChunkAsync(ImportRun run, List<ImportRow> chunk, CancellationToken cancellationToken)
    {
        if (chunk.Count == 0)
        {
            return;
        }

        var ids = chunk.Select(r => Customer.NormalizeId(r.CustomerId)).Where(Customer.IsValidId).ToHashSet(StringComparer.Ordinal);
        for (var attempt = 1; ; attempt++)
        {
            var records = await store.GetManyAsync(ids, cancellationToken).ConfigureAwait(false);
            var working = records.ToDictionary(r => r.Key, r => new WorkingRecord(run.DryState.GetValueOrDefault(r.Key, r.Value)) { StartedByImport = run.StartedProposals.Contains(r.Key) }, StringComparer.Ordinal);
            var now = Now;
            var results = chunk.Select(row => ImportRowInto(run, row, working, now)).ToList();
            if (run.DryRun)
            {
                // Nothing is written: the customers this chunk changed stand in for the stored ones in later chunks.
                foreach (var changed in working.Values.Where(w => w.Dirty))
                {
                    run.DryState[changed.Customer.Id] = changed.ToRecord();
                }

                run.Commit(working.Values.Where(w => w.StartedByImport).Select(w => w.Customer.Id));
                results.ForEach(run.Add);
                return;
            }

            var writes = working.Values.Where(w => w.Dirty).Select(w => w.ToWrite()).ToList();
            try
            {
                if (writes.Count > 0)
                {
                    await store.CommitAsync(writes, cancellationToken).ConfigureAwait(false);
                }

                foreach (var write in writes)
                {
                    write.Proposal?.AcceptHistory();
                }

                run.Commit(working.Values.Where(w => w.StartedByImport).Select(w => w.Customer.Id));
                foreach (var result in results)
                {
                    run.Add(result);
                }

                return;
            }
            catch (ConcurrencyException) when (attempt < MaxAttempts)
            {
                // A customer in the chunk changed meanwhile: decide the chunk again on fresh records.
            }
        }
    }

    private static ImportRowResult ImportRowInto(ImportRun run, ImportRow row, Dictionary<string, WorkingRecord> working, DateTimeOffset now)
    {
        var id = Customer.NormalizeId(row.CustomerId);
        ImportRowResult Reject(string reason, IReadOnlyList<ImportFieldResult>? fields = null) =>
            new(row.RowNumber, id, ImportOutcome.Rejected, reason, fields ?? []);

        if (id.Length == 0)
        {
            return Reject("CustomerId is empty.");
        }

        if (!working.TryGetValue(id, out var record))
        {
            return Reject($"There is no customer {id}.");
        }

        // Validate the whole row before touching anything: an unknown field or a bad value fails the row.
        var values = new List<(FieldDefinition Field, string Value)>(row.Values.Count);
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, raw) in row.Values)
        {
            var field = FieldCatalog.Find(name);
            if (field is null)
            {
                return Reject($"Unknown field '{name}'.", [new ImportFieldResult(name, ImportOutcome.Rejected, "unknown field")]);
            }

            if (!seen.Add(field.Name))
            {
                return Reject($"{field.Name} is given more than once.");
            }

            if (!field.TryNormalize(raw, run.Settings, out var value, out var error))
            {
                return Reject(error, [new ImportFieldResult(field.Name, ImportOutcome.Rejected, error)]);
            }

            values.Add((field, value));
        }

        var behaviour = run.Settings.ApprovalsEnabled ? run.Settings.ImportBehaviour : ImportBehaviour.Allow;
        var customer = record.Customer;
        bool Changed((FieldDefinition Field, string Value) v) => !string.Equals(customer[v.Field.Name], v.Value, StringComparison.Ordinal);
        bool NeedsApproval((FieldDefinition Field, string Value) v) => behaviour != ImportBehaviour.Allow && run.Settings.RequiresApproval(v.Field.Name);

        var gated = values.Where(v => NeedsApproval(v) && (Changed(v) || record.Proposal?.LineFor(v.Field.Name) is not null)).ToList();
        if (behaviour == ImportBehaviour.Reject && gated.Any(Changed))
        {
            var names = gated.Where(Changed).Select(v => v.Field.Name).ToList();
            return Reject(
                $"Imports may not change fields that need approval: {string.Join(", ", names)}.",
                names.Select(n => new ImportFieldResult(n, ImportOutcome.Rejected, "needs approval")).ToList());
        }

        if (behaviour == ImportBehaviour.Propose && gated.Count > 0 && record.Proposal is { IsOpen: true } open
            && !(record.StartedByImport && open.Status == ProposalStatus.NotSubmitted))
        {
            return Reject($"Customer {id} already has a proposal that is {ProposalText.Describe(open.Status)} ({open.Id}); its fields that need approval can't be proposed now.");
        }

        if (behaviour == ImportBehaviour.Propose && gated.Count > 0 && record.Proposal is { IsOpen: false })
        {
            // The import's own proposal for this customer was emptied by an earlier row of this chunk.
            return Reject($"An earlier row set {id}'s proposed changes back to the original values; import this row again on its own.");
        }

        var fields = new List<ImportFieldResult>(values.Count);
        var applied = new List<KeyValuePair<string, string>>(values.Count);
        // Proposals first, then set-backs, so the import's proposal is never emptied (discarded) and then needed again.
        foreach (var v in values.OrderBy(v => !Changed(v)))
        {
            if (behaviour == ImportBehaviour.Propose && gated.Contains(v))
            {
                if (record.Proposal is not { IsOpen: true })
                {
                    record.Sequence++;
                    record.Proposal = Proposal.Start(id, record.Sequence, run.Actor, now);
                    record.StartedByImport = true;
                }

                record.Proposal.Propose(v.Field.Name, customer[v.Field.Name], v.Value, run.Actor, now);
                record.Dirty = true;
                fields.Add(new ImportFieldResult(v.Field.Name, Changed(v) ? ImportOutcome.Proposed : ImportOutcome.Unchanged));
            }
            else if (Changed(v))
            {
                applied.Add(new(v.Field.Name, v.Value));
                fields.Add(new ImportFieldResult(v.Field.Name, ImportOutcome.Applied));
            }
            else
            {
                fields.Add(new ImportFieldResult(v.Field.Name, ImportOutcome.Unchanged));
            }
        }

        if (applied.Count > 0)
        {
            // The row's changes in one copy of the customer, not one per field.
            record.Customer = record.Customer.With(applied);
            record.Dirty = true;
        }

        var outcome = fields.Any(f => f.Outcome == ImportOutcome.Proposed) ? ImportOutcome.Proposed
            : fields.Any(f => f.Outcome == ImportOutcome.Applied) ? ImportOutcome.Applied
            : ImportOutcome.Unchanged;
        return new ImportRowResult(row.RowNumber, id, outcome, null, fields);
    }

    private async Task SubmitImportedAsync(ImportRun run, CancellationToken cancellationToken)
    {
        foreach (var chunk in run.StartedProposals.Chunk(ImportChunkSize))
        {
            for (var attempt = 1; ; attempt++)
            {
                var records = await store.GetManyAsync(chunk, cancellationToken).ConfigureAwait(false);
                var now = Now;
                var writes = new List<RecordWrite>();
                var submitted = new List<string>();
                var problems = new List<string>();
                foreach (var record in records.Values)
                {
                    if (record.OpenProposal is not { Status: ProposalStatus.NotSubmitted } proposal || !run.Actor.Is(proposal.CreatedBy))
                    {
                        continue;
                    }

                    try
                    {
                        // As a clerk's submit: under the workflow whose conditions fit, its responses run in the same write.
                        await SubmitImportedAsync(run, proposal, record.Customer, now, cancellationToken).ConfigureAwait(false);
                        writes.Add(Continued(record, proposal, now).Write);
                        submitted.Add(proposal.Id);
                    }
                    catch (WorkflowException e)
                    {
                        problems.Add($"{proposal.Id} was not submitted: {e.Message}");
                    }
                }

                try
                {
                    if (writes.Count > 0)
                    {
                        await store.CommitAsync(writes, cancellationToken).ConfigureAwait(false);
                    }

                    writes.ForEach(w => w.Proposal?.AcceptHistory());
                    // Approvers who are away are routed to their substitutes, as at a clerk's submit.
                    foreach (var write in writes)
                    {
                        await RouteAwayAsync(new ProposalResult(write.Proposal!, write.Customer), cancellationToken).ConfigureAwait(false);
                    }

                    run.Submitted.AddRange(submitted);
                    run.Problems.AddRange(problems);
                    break;
                }
                catch (ConcurrencyException) when (attempt < MaxAttempts)
                {
                    // Someone touched one of these customers: read again and submit what is still ours.
                }
            }
        }
    }

    private async Task SubmitImportedAsync(ImportRun run, Proposal proposal, Customer customer, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var plan = workflows is null
            ? SubmitPlan.FromSettings(run.Settings)
            : await workflows.PlanAsync(proposal, customer, run.Actor, run.Settings, cancellationToken).ConfigureAwait(false);
        proposal.Submit(run.Actor, now, "Submitted by import", plan, run.Settings.SubmitterMayApprove);
    }

    /// <summary>A dry run submits the proposals it started on their in-memory copies, so it reports what a real run would.</summary>
    private async Task SubmitInMemoryAsync(ImportRun run, CancellationToken cancellationToken)
    {
        var now = Now;
        foreach (var id in run.StartedProposals)
        {
            if (!run.DryState.TryGetValue(id, out var record)
                || record.OpenProposal is not { Status: ProposalStatus.NotSubmitted } proposal || !run.Actor.Is(proposal.CreatedBy))
            {
                continue;
            }

            try
            {
                await SubmitImportedAsync(run, proposal, record.Customer, now, cancellationToken).ConfigureAwait(false);
                run.Submitted.Add(proposal.Id);
            }
            catch (WorkflowException e)
            {
                run.Problems.Add($"{proposal.Id} would not be submitted: {e.Message}");
            }
        }
    }

    /// <summary>A customer unit being changed by an import chunk.</summary>
    private sealed class WorkingRecord(CustomerRecord record)
    {
        public Customer Customer { get; set; } = record.Customer;

        public Proposal? Proposal { get; set; } = record.OpenProposal;

        public int Sequence { get; set; } = record.ProposalSequence;

        public bool Dirty { get; set; }

        /// <summary>The open proposal was started by this import run (so it may take more lines and is submitted at the end).</summary>
        public bool StartedByImport { get; set; }

        public RecordWrite ToWrite() => new(Customer, Proposal, Sequence, record.Version);

        /// <summary>The unit as this chunk left it, for a dry run's later chunks (an emptied proposal is no longer open).</summary>
        public CustomerRecord ToRecord() => new(Customer, Proposal is { IsOpen: true } ? Proposal : null, Sequence, record.Version);
    }

    /// <summary>The running state of one import: counts, first rejections, proposals to submit.</summary>
    private sealed class ImportRun(Actor actor, WorkflowSettings settings, bool dryRun, Action<ImportRowResult>? onRow)
    {
        private readonly HashSet<string> _started = new(StringComparer.Ordinal);
        private readonly List<ImportRowResult> _firstRejections = [];
        private int _rows;
        private int _applied;
        private int _proposed;
        private int _rejected;
        private int _unchanged;

        public Actor Actor { get; } = actor;

        public WorkflowSettings Settings { get; } = settings;

        public bool DryRun { get; } = dryRun;

        /// <summary>A dry run's customers as it changed them (empty for a real run, whose changes are in the store).</summary>
        public Dictionary<string, CustomerRecord> DryState { get; } = new(StringComparer.Ordinal);

        public HashSet<string> StartedProposals => _started;

        public List<string> Submitted { get; } = [];

        public List<string> Problems { get; } = [];

        public void Commit(IEnumerable<string> startedBy) => _started.UnionWith(startedBy);

        public void Add(ImportRowResult result)
        {
            _rows++;
            switch (result.Outcome)
            {
                case ImportOutcome.Applied: _applied++; break;
                case ImportOutcome.Proposed: _proposed++; break;
                case ImportOutcome.Unchanged: _unchanged++; break;
                default:
                    _rejected++;
                    if (_firstRejections.Count < FirstRejectionsKept)
                    {
                        _firstRejections.Add(result);
                    }

                    break;
            }

            onRow?.Invoke(result);
        }

        public ImportSummary Summary() => new(_rows, _applied, _proposed, _rejected, _unchanged, _firstRejections, Submitted, Problems,
            Settings.ApprovalsEnabled ? Settings.ImportBehaviour : ImportBehaviour.Allow, DryRun);
    }
}
