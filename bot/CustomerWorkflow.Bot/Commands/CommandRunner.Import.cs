using System.Globalization;
using CustomerWorkflow.Cards.Views;
using CustomerWorkflow.Core.Import;

namespace CustomerWorkflow.Bot.Commands;

internal sealed partial class CommandRunner
{
    /// <summary><c>import</c> says how to import; <c>import list</c> the recent imports; <c>import show &lt;id&gt; [page]</c> one with its rejections.</summary>
    private async Task<CommandResult> ImportAsync(CommandContext context)
    {
        var ct = context.CancellationToken;
        switch (context.Arg(0)?.ToLowerInvariant())
        {
            case null or "help":
                return CommandResult.Say(
                    "To import customers, send me a CSV or JSON file in this chat (a header row with CustomerId and field names, "
                    + $"like `CustomerId,CreditLimit,City`; at most {Imports.ImportSettings.Size(_imports.Settings.MaxBytes)}, UTF-8). "
                    + "Fields that need approval are handled as `config import` says: applied, rejected, or proposed for approval. "
                    + "`import list` shows the recent imports, `import show <import>` one of them with its rejections.");
            case "list":
                var recent = await _imports.RecentAsync(10, ct).ConfigureAwait(false);
                return CommandResult.Say(recent.Count == 0
                    ? "No imports in the last 90 days."
                    : "Recent imports:\n" + string.Join('\n', recent.Select(r =>
                        $"- `{r.Id}` {Text.When(r.At)}, {r.EntryPoint.ToString().ToLowerInvariant()}, {r.ActorName}: {r.FileName} — {r.Rows} rows, {r.Applied} applied, {r.Proposed} proposed, {r.Rejected} rejected{(r.DryRun ? " (dry run)" : string.Empty)}{(r.Status == ImportStatus.Incomplete ? " (stopped)" : string.Empty)}")));
            case "show":
                var record = await _imports.GetForAsync(context.Actor, Required(context, 1, "which import, like `import show imp-7k2m9q4x`"), ct).ConfigureAwait(false);
                if (context.Arg(2) is not { } pageText)
                {
                    var first = await _imports.RejectionsAsync(record, 0, ImportCards.FirstReasons, ct).ConfigureAwait(false);
                    return CommandResult.Say(ImportCards.Summary(record), ImportCards.Result(record, first));
                }

                var pages = Math.Max(1, (record.Rejected + ImportCards.PageSize - 1) / ImportCards.PageSize);
                if (!int.TryParse(pageText, NumberStyles.None, CultureInfo.InvariantCulture, out var page) || page < 1 || page > pages)
                {
                    throw new UsageException($"Import {record.Id} has {Text.Plural(pages, "page")} of rejections; say a page from 1 to {pages}.");
                }

                var skip = (page - 1) * ImportCards.PageSize;
                var rows = await _imports.RejectionsAsync(record, skip, ImportCards.PageSize, ct).ConfigureAwait(false);
                return CommandResult.Say($"Rejections of {record.Id}, page {page} of {pages}.", ImportCards.Rejections(record, rows, skip));
            default:
                throw new UsageException($"I don't know `import {context.Arg(0)}`. To import, send me the file.");
        }
    }
}
