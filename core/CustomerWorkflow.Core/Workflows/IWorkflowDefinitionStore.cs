namespace CustomerWorkflow.Core.Workflows;

/// <summary>
/// The storage port of workflow definitions: each version stored once and never changed, the workflow's state and
/// current version beside them, saved with optimistic concurrency, and whether any proposal is running under a workflow
/// (the store keeps that with each customer write, so it needs no scan).
/// </summary>
public interface IWorkflowDefinitionStore
{
    /// <summary>Every workflow with its current version, by code.</summary>
    Task<IReadOnlyList<WorkflowRecord>> ListWorkflowsAsync(CancellationToken cancellationToken = default);

    /// <summary>A workflow with its current version, or null (the code is compared case-insensitively).</summary>
    Task<WorkflowRecord?> GetWorkflowAsync(string code, CancellationToken cancellationToken = default);

    /// <summary>One stored version, or null; versions never change, so proposals resolve theirs from here.</summary>
    Task<WorkflowDefinition?> GetWorkflowVersionAsync(string code, int version, CancellationToken cancellationToken = default);

    /// <summary>
    /// Saves the workflow's state and current version, storing the version when it is new (a stored version is never
    /// overwritten). <paramref name="expectedRevision"/> 0 creates the workflow. Throws
    /// <see cref="Storage.ConcurrencyException"/> when the revision moved, or the code is taken. Returns the new revision.
    /// </summary>
    Task<long> SaveWorkflowAsync(WorkflowRecord record, long expectedRevision, CancellationToken cancellationToken = default);

    /// <summary>
    /// Deletes the workflow and its versions, unless a proposal is running under it: then nothing is deleted and the
    /// answer is false. Throws <see cref="Storage.ConcurrencyException"/> when the revision moved.
    /// </summary>
    Task<bool> DeleteWorkflowAsync(string code, long expectedRevision, CancellationToken cancellationToken = default);

    /// <summary>How many open proposals are running under the workflow (submitted, not closed or recalled).</summary>
    Task<int> CountRunningAsync(string code, CancellationToken cancellationToken = default);
}
