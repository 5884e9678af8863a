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
public sealed record ImportSummary(
    int Rows,
    int Applied,
    int Proposed,
    int Rejected,
    int Unchanged,
    IReadOnlyList<ImportRowResult> FirstRejections,
    IReadOnlyList<string> SubmittedProposals,
    IReadOnlyList<string> Problems);
