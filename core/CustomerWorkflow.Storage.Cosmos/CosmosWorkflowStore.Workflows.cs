using System.Collections.Concurrent;
using System.Text.Json;
using CustomerWorkflow.Core.Storage;
using CustomerWorkflow.Core.Workflows;

namespace CustomerWorkflow.Storage.Cosmos;

/// <summary>
/// Workflow definitions (DESIGN.md): heads in the <c>workflows</c> partition, each with its current definition, replaced
/// under their ETag; each version's own document in <c>wf|{code}</c>, written after the head that names it (and made
/// sure of by the next save or read), never changed; and there, pointers to the proposals running under the workflow.
/// </summary>
public sealed partial class CosmosWorkflowStore
{
    public async Task<IReadOnlyList<WorkflowRecord>> ListWorkflowsAsync(CancellationToken cancellationToken = default)
    {
        var heads = await Documents.QueryKindAsync(Keys.WorkflowsPk, "workflow", DocJson.Default.WorkflowDoc, cancellationToken).ConfigureAwait(false);
        return [.. heads.Select(ToWorkflow).OrderBy(w => w.Code, StringComparer.Ordinal)];
    }

    public async Task<WorkflowRecord?> GetWorkflowAsync(string code, CancellationToken cancellationToken = default)
    {
        var (head, _) = await Documents.ReadAsync(Keys.WorkflowsPk, Keys.WorkflowHead(code), DocJson.Default.WorkflowDoc, cancellationToken).ConfigureAwait(false);
        return head is null ? null : ToWorkflow(head);
    }

    public async Task<WorkflowDefinition?> GetWorkflowVersionAsync(string code, int version, CancellationToken cancellationToken = default)
    {
        var pk = Keys.Workflow(code);
        var (stored, _) = await Documents.ReadAsync(pk, Keys.WorkflowVersion(version), DocJson.Default.WorkflowVersionDoc, cancellationToken).ConfigureAwait(false);
        if (stored is not null)
        {
            return StoredShapes.Workflow(stored.Definition.GetRawText());
        }

        // The current version's own document follows its head; until it is there, the head has it.
        var (head, _) = await Documents.ReadAsync(Keys.WorkflowsPk, Keys.WorkflowHead(code), DocJson.Default.WorkflowDoc, cancellationToken).ConfigureAwait(false);
        if (head is null || ToWorkflow(head).Definition is not { } current || current.Version != version)
        {
            return null;
        }

        await WriteVersionAsync(head, cancellationToken).ConfigureAwait(false);
        return current;
    }

    public async Task<long> SaveWorkflowAsync(WorkflowRecord record, long expectedRevision, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        var revision = expectedRevision + 1;
        var document = new WorkflowDoc
        {
            Id = Keys.WorkflowHead(record.Code),
            Revision = revision,
            WriteId = Guid.NewGuid().ToString("N"),
            State = record.State.ToString(),
            UpdatedAt = record.UpdatedAt,
            UpdatedBy = record.UpdatedBy,
            Definition = JsonDocument.Parse(StoredShapes.Workflow(record.Definition)).RootElement.Clone(),
        };
        Written written;
        if (expectedRevision == 0)
        {
            written = await Documents.CreateAsync(Keys.WorkflowsPk, document, DocJson.Default.WorkflowDoc, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            var (current, etag) = await Documents.ReadAsync(Keys.WorkflowsPk, document.Id, DocJson.Default.WorkflowDoc, cancellationToken).ConfigureAwait(false);
            if (current is null || current.Revision != expectedRevision)
            {
                throw new ConcurrencyException($"Workflow {record.Code} was changed by someone else.");
            }

            // The version this save replaces as current gets its own document before the head lets go of it.
            await WriteVersionAsync(current, cancellationToken).ConfigureAwait(false);
            written = await Documents.ReplaceAsync(Keys.WorkflowsPk, document.Id, document, DocJson.Default.WorkflowDoc, etag!, cancellationToken).ConfigureAwait(false);
        }

        if (!written.Ok)
        {
            // A retry of a save whose answer was lost finds its own write there: it landed once.
            var (now, _) = await Documents.ReadAsync(Keys.WorkflowsPk, document.Id, DocJson.Default.WorkflowDoc, cancellationToken).ConfigureAwait(false);
            if (now?.WriteId != document.WriteId)
            {
                throw new ConcurrencyException(expectedRevision == 0 ? $"There is a workflow {record.Code} already." : $"Workflow {record.Code} was changed by someone else.");
            }
        }

        try
        {
            await WriteVersionAsync(document, cancellationToken).ConfigureAwait(false);
        }
        catch (CosmosStoreException)
        {
            // The head holds the version until the next save or read writes its document.
        }

        return revision;
    }

    public async Task<bool> DeleteWorkflowAsync(string code, long expectedRevision, CancellationToken cancellationToken = default)
    {
        var (head, etag) = await Documents.ReadAsync(Keys.WorkflowsPk, Keys.WorkflowHead(code), DocJson.Default.WorkflowDoc, cancellationToken).ConfigureAwait(false);
        if (head is null || head.Revision != expectedRevision)
        {
            throw new ConcurrencyException($"Workflow {code} was changed by someone else.");
        }

        if (await CountRunningAsync(code, cancellationToken).ConfigureAwait(false) > 0)
        {
            return false;
        }

        var deleted = await Documents.DeleteAsync(Keys.WorkflowsPk, head.Id, cancellationToken, etag).ConfigureAwait(false);
        if (!deleted.Ok)
        {
            throw new ConcurrencyException($"Workflow {code} was changed by someone else.");
        }

        // The head is gone, so nothing names these any more: its versions, and pointers of proposals long closed.
        var pk = Keys.Workflow(code);
        var leftovers = await Documents.QueryAsync(pk, new Microsoft.Azure.Cosmos.QueryDefinition("SELECT c.id FROM c WHERE c.pk = @pk").WithParameter("@pk", pk),
            DocJson.Default.DocumentId, cancellationToken).ConfigureAwait(false);
        await Parallel.ForEachAsync(leftovers, Options(cancellationToken), async (doc, ct) =>
            await Documents.DeleteAsync(pk, doc.Id, ct).ConfigureAwait(false)).ConfigureAwait(false);
        return true;
    }

    /// <summary>
    /// The pointers in the workflow's partition, each checked against its proposal: it counts while the proposal runs
    /// under the workflow, or while it is young (its write may still be in flight); an old one that is not true is dropped.
    /// </summary>
    public async Task<int> CountRunningAsync(string code, CancellationToken cancellationToken = default)
    {
        var pk = Keys.Workflow(code);
        var pointers = await Documents.QueryKindAsync(pk, "run", DocJson.Default.RunPointerDoc, cancellationToken).ConfigureAwait(false);
        var running = new ConcurrentBag<string>();
        await Parallel.ForEachAsync(pointers, Options(cancellationToken), async (pointer, ct) =>
        {
            var found = await FindProposalAsync(pointer.ProposalId, ct).ConfigureAwait(false);
            if (found is { Open: true } && string.Equals(found.Proposal.RunningWorkflow, code, StringComparison.OrdinalIgnoreCase))
            {
                running.Add(pointer.ProposalId);
            }
            else if (pointer.At >= DateTimeOffset.UtcNow - PointerGrace)
            {
                running.Add(pointer.ProposalId);
            }
            else
            {
                await Documents.DeleteAsync(pk, pointer.Id, ct).ConfigureAwait(false);
            }
        }).ConfigureAwait(false);
        return running.Count;
    }

    /// <summary>Writes the version a head holds as its own document (an upsert of what never changes: repeating it is harmless).</summary>
    private Task WriteVersionAsync(WorkflowDoc head, CancellationToken cancellationToken)
    {
        var definition = StoredShapes.Workflow(head.Definition.GetRawText());
        var pk = Keys.Workflow(definition.Code);
        return Documents.UpsertAsync(pk, new WorkflowVersionDoc { Id = Keys.WorkflowVersion(definition.Version), Pk = pk, Definition = head.Definition }, DocJson.Default.WorkflowVersionDoc, cancellationToken);
    }

    private static WorkflowRecord ToWorkflow(WorkflowDoc head) =>
        new(StoredShapes.Workflow(head.Definition.GetRawText()), Enum.Parse<WorkflowState>(head.State), head.Revision)
        {
            UpdatedAt = head.UpdatedAt,
            UpdatedBy = head.UpdatedBy,
        };
}
