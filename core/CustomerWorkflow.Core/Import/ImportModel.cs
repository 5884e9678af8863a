using CustomerWorkflow.Core.Settings;

namespace CustomerWorkflow.Core.Import;

/// <summary>One row of an import: the customer and the raw values per column, as read from the file.</summary>
/// <param name="RowNumber">The row's number in the file (1 = the first data row).</param>
public sealed record ImportRow(int RowNumber, string CustomerId, IReadOnlyList<KeyValuePair<string, string>> Values);

/// <summary>What an import did to a row or a field.</summary>
public enum ImportOutcome
{
    Unchanged,
    Applied,
    Proposed,
    Rejected,
}

public sealed record ImportFieldResult(string Field, ImportOutcome Outcome, string? Reason = null);

/// <summary>The result of one row: its outcome, the reason when rejected, and a result per field.</summary>
public sealed record ImportRowResult(int RowNumber, string CustomerId, ImportOutcome Outcome, string? Reason, IReadOnlyList<ImportFieldResult> Fields);

/// <summary>The counts of an import, the first rejections, and the proposals it submitted.</summary>
/// <param name="Behaviour">The data entity behaviour the rows were judged under (<see cref="ImportBehaviour.Allow"/> while approvals are off).</param>
/// <param name="DryRun">True when nothing was written: the counts say what the import would have done.</param>
public sealed record ImportSummary(
    int Rows,
    int Applied,
    int Proposed,
    int Rejected,
    int Unchanged,
    IReadOnlyList<ImportRowResult> FirstRejections,
    IReadOnlyList<string> SubmittedProposals,
    IReadOnlyList<string> Problems,
    ImportBehaviour Behaviour = ImportBehaviour.Allow,
    bool DryRun = false);

/// <summary>How an import runs: who may run it, and whether it writes.</summary>
public sealed record ImportOptions
{
    public static ImportOptions Default { get; } = new();

    /// <summary>
    /// The roles that may import (holding any one is enough). Admins by default; an installation may let clerks
    /// import too, since the data entity behaviour, not the importer, decides what reaches approval fields.
    /// </summary>
    public Roles AllowedRoles { get; init; } = Roles.Admin;

    /// <summary>
    /// Judge every row as the import would, without writing anything: the proposals it would start are built and
    /// submitted in memory only. Customers a dry run changed are kept in memory for the rows after them.
    /// </summary>
    public bool DryRun { get; init; }
}
