using System.Globalization;
using CustomerWorkflow.Core.Customers;
using CustomerWorkflow.Core.Engine;
using CustomerWorkflow.Core.Fields;
using CustomerWorkflow.Core.Settings;
using CustomerWorkflow.Core.Storage;

namespace CustomerWorkflow.Bot;

/// <summary>What the host prints when it starts: the database, its settings and a glimpse of the customers.</summary>
internal static class StartupSummary
{
    private const int CustomersShown = 10;

    public static async Task WriteAsync(TextWriter output, IWorkflowStore store, ProposalEngine engine, string databasePath, int seeded, CancellationToken cancellationToken = default)
    {
        var count = await store.CountCustomersAsync(cancellationToken).ConfigureAwait(false);
        var settings = (await engine.GetSettingsAsync(cancellationToken).ConfigureAwait(false)).Settings;
        var customers = await FirstCustomersAsync(store, cancellationToken).ConfigureAwait(false);

        var text = new List<string>
        {
            $"CustomerWorkflow.Bot — database {databasePath}",
            seeded > 0 ? $"The database was empty: loaded {seeded} sample customers and the sample settings." : "Using the existing data.",
            string.Empty,
            $"Customers:         {count}",
            $"Approvals:         {(settings.ApprovalsEnabled ? "on" : "off")}",
            $"Import behaviour:  {Describe(settings.ImportBehaviour)}",
            $"Approval fields:   {(settings.ApprovalFields.IsEmpty ? "(none)" : string.Join(", ", settings.ApprovalFields))}",
            $"Approval steps:    {(settings.Steps.IsEmpty ? "(none)" : string.Empty)}",
        };
        text.AddRange(settings.Steps.Select((step, i) =>
            $"  {i + 1}. {step.Name}: {string.Join(", ", step.Approvers)} ({step.Policy}{(step.DueIn is { } due ? $", due in {due.TotalHours:0.#} h" : string.Empty)})"));
        text.Add(string.Empty);
        text.AddRange(Table(customers));
        if (count > customers.Count)
        {
            text.Add($"… and {count - customers.Count} more.");
        }

        foreach (var line in text)
        {
            await output.WriteLineAsync(line.TrimEnd().AsMemory(), cancellationToken).ConfigureAwait(false);
        }
    }

    // The port has no "list all": an empty search matches every customer, in id order.
    private static async Task<IReadOnlyList<Customer>> FirstCustomersAsync(IWorkflowStore store, CancellationToken cancellationToken) =>
        await store.FindCustomersAsync(string.Empty, CustomersShown, cancellationToken).ConfigureAwait(false);

    private static string Describe(ImportBehaviour behaviour) => behaviour switch
    {
        ImportBehaviour.Allow => "allow changes without approval",
        ImportBehaviour.Reject => "reject changes to approval fields",
        _ => "create change proposals",
    };

    private static IEnumerable<string> Table(IReadOnlyList<Customer> customers)
    {
        string[] header = ["Id", "Name", "Country", "Currency", "Credit limit"];
        var rows = customers.Select(c => new[]
        {
            c.Id,
            Truncate(c.Name, 40),
            c[FieldCatalog.Country],
            c[FieldCatalog.Currency],
            decimal.TryParse(c[FieldCatalog.CreditLimit], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var limit)
                ? limit.ToString("#,0.00", CultureInfo.InvariantCulture)
                : c[FieldCatalog.CreditLimit],
        }).ToList();
        var widths = Enumerable.Range(0, header.Length).Select(i => rows.Select(r => r[i].Length).Append(header[i].Length).Max()).ToArray();

        string Line(string[] cells) => string.Join("  ", cells.Select((cell, i) => i == cells.Length - 1 ? cell.PadLeft(widths[i]) : cell.PadRight(widths[i]))).TrimEnd();

        yield return Line(header);
        yield return Line(widths.Select(w => new string('-', w)).ToArray());
        foreach (var row in rows)
        {
            yield return Line(row);
        }
    }

    private static string Truncate(string text, int max) => text.Length <= max ? text : string.Concat(text.AsSpan(0, max - 1), "…");
}
