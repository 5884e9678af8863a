using System.Globalization;
using System.Text.Json.Nodes;
using CustomerWorkflow.Cards.Model;
using CustomerWorkflow.Core.Import;
using CustomerWorkflow.Core.Settings;

namespace CustomerWorkflow.Cards.Views;

/// <summary>
/// The result of an import: how many rows were applied, proposed and rejected under which behaviour, the first reasons,
/// and a way through all of them, a page at a time, read back from the import log.
/// </summary>
public static class ImportCards
{
    /// <summary>The verb of Show all rejections, Previous and Next: data <c>{importId, skip}</c>.</summary>
    public const string ShowRejections = "importRejections";

    /// <summary>Reasons on the result card itself.</summary>
    public const int FirstReasons = 5;

    /// <summary>Rejections per page once someone asks for all of them.</summary>
    public const int PageSize = 10;

    /// <summary>The result card: the counts and the first reasons (<paramref name="rejections"/> from the start).</summary>
    public static AdaptiveCard Result(ImportRecord record, IReadOnlyList<ImportRowResult> rejections, string? note = null)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(rejections);
        var shown = rejections.Take(FirstReasons).ToList();
        var body = Header(record, note);
        if (shown.Count > 0)
        {
            body.Add(new TextBlock(shown.Count == record.Rejected ? "Why rows were rejected" : "The first reasons") { Weight = "Bolder", Spacing = "Medium" });
            body.AddRange(shown.Select(Reason));
        }

        var actions = record.Rejected > shown.Count
            ? new List<CardAction> { Page($"Show all {record.Rejected} rejections", record, 0) }
            : null;
        return new AdaptiveCard { Body = body, Actions = actions, FallbackText = Summary(record) };
    }

    /// <summary>One page of rejections (<paramref name="skip"/> from the first) under the counts, with Previous and Next.</summary>
    public static AdaptiveCard Rejections(ImportRecord record, IReadOnlyList<ImportRowResult> page, int skip, string? note = null)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(page);
        var body = Header(record, note);
        body.Add(new TextBlock(page.Count == 0
            ? $"No rejections from {skip + 1} on; there are {record.Rejected}."
            : $"Rejections {skip + 1}–{skip + page.Count} of {record.Rejected}") { Weight = "Bolder", Spacing = "Medium" });
        body.AddRange(page.Select(Reason));
        var actions = new List<CardAction>();
        if (skip > 0)
        {
            actions.Add(Page("Previous", record, Math.Max(0, skip - PageSize)));
        }

        if (skip + page.Count < record.Rejected && page.Count > 0)
        {
            actions.Add(Page("Next", record, skip + page.Count));
        }

        return new AdaptiveCard { Body = body, Actions = actions.Count == 0 ? null : actions, FallbackText = Summary(record) };
    }

    /// <summary>The counts in one line, for notifications and clients without cards.</summary>
    public static string Summary(ImportRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var what = record.DryRun ? "Dry run of" : record.Status == ImportStatus.Incomplete ? "Stopped import of" : "Import of";
        var proposed = record.Submitted > 0 ? $"{record.Proposed} proposed ({record.Submitted} proposals submitted)" : $"{record.Proposed} proposed";
        return $"{what} {record.FileName}: {record.Rows} rows — {record.Applied} applied, {proposed}, {record.Rejected} rejected, {record.Unchanged} unchanged.";
    }

    private static List<Element> Header(ImportRecord record, string? note)
    {
        var body = new List<Element>();
        if (!string.IsNullOrEmpty(note))
        {
            body.Add(Literal.Note(note));
        }

        body.Add(Literal.Block(
            new TextRun(record.DryRun ? "Dry run of " : "Import of ") { Weight = "Bolder" },
            Literal.Run(record.FileName, "Bolder")));
        body.Add(Literal.Block(
            new TextRun($"{record.Id} · {CardText.When(record.At)} · {EntryPoint(record.EntryPoint)} · by ") { IsSubtle = true },
            Literal.Run(record.ActorName, subtle: true)));
        body.Add(new TextBlock($"Under the import behaviour “{Behaviour(record.Behaviour)}”.{(record.DryRun ? " Nothing was changed: the counts say what the import would do." : string.Empty)}") { IsSubtle = record.DryRun ? null : true });
        if (record.Status == ImportStatus.Incomplete)
        {
            body.Add(new Container([Literal.Block(new TextRun("The import stopped: ") { Weight = "Bolder" }, Literal.Run(record.Message),
                new TextRun(". The rows counted below were written; the rest of the file was not imported."))]) { Style = "warning" });
        }

        var proposed = record.Proposed.ToString(CultureInfo.InvariantCulture);
        if (record.Submitted > 0)
        {
            proposed += record.DryRun
                ? $" ({Plural(record.Submitted, "proposal")} would be submitted)"
                : $" ({Plural(record.Submitted, "proposal")} submitted for approval)";
        }

        body.Add(new FactSet(
        [
            new Fact("Rows", record.Rows.ToString(CultureInfo.InvariantCulture)),
            new Fact(record.DryRun ? "Would apply" : "Applied", record.Applied.ToString(CultureInfo.InvariantCulture)),
            new Fact(record.DryRun ? "Would propose" : "Proposed", proposed),
            new Fact("Rejected", record.Rejected.ToString(CultureInfo.InvariantCulture)),
            new Fact("Unchanged", record.Unchanged.ToString(CultureInfo.InvariantCulture)),
        ]));
        if (record.Problems.Count > 0)
        {
            body.Add(new TextBlock("Not submitted") { Weight = "Bolder", Spacing = "Medium", Color = "Warning" });
            body.AddRange(record.Problems.Take(3).Select(p => Literal.Block(Literal.Run(p))));
        }

        return body;
    }

    /// <summary>"Row 3 · US-404: There is no customer US-404." — the id and the reason quote the file, so they are literal.</summary>
    private static RichTextBlock Reason(ImportRowResult row) => new(
    [
        new TextRun($"Row {row.RowNumber} · ") { IsSubtle = true },
        Literal.Run(row.CustomerId.Length == 0 ? "(no id)" : row.CustomerId, "Bolder"),
        new TextRun(": "),
        Literal.Run(row.Reason),
    ]) { Separator = true };

    private static ExecuteAction Page(string title, ImportRecord record, int skip) =>
        ExecuteAction.WithSubmitFallback(title, ShowRejections, new JsonObject { ["verb"] = ShowRejections, ["importId"] = record.Id, ["skip"] = skip });

    private static string EntryPoint(ImportEntryPoint entryPoint) => entryPoint switch
    {
        ImportEntryPoint.Teams => "sent in Teams",
        ImportEntryPoint.Cli => "command line",
        _ => "API",
    };

    private static string Behaviour(ImportBehaviour behaviour) => behaviour switch
    {
        ImportBehaviour.Allow => "allow changes without approval",
        ImportBehaviour.Reject => "reject changes to approval fields",
        _ => "create change proposals",
    };

    private static string Plural(int count, string word) => count == 1 ? $"1 {word}" : $"{count} {word}s";
}
