using System.Globalization;
using CustomerWorkflow.Cards.Model;
using CustomerWorkflow.Core.Workflows;

namespace CustomerWorkflow.Cards.Views;

/// <summary>The admin's workflow card: a workflow's state, version, parameters and each step as event, conditions, response and options.</summary>
public static class WorkflowCards
{
    /// <summary>
    /// One workflow as <c>workflow show</c> answers it. Read-only: the commands change it. What admins typed (names,
    /// descriptions, messages, values) is shown literally.
    /// </summary>
    public static AdaptiveCard Workflow(WorkflowView view)
    {
        ArgumentNullException.ThrowIfNull(view);
        var record = view.Record;
        var definition = record.Definition;
        var body = new List<Element>
        {
            new TextBlock($"Workflow {definition.Code}") { Style = "heading", Size = "Medium", Weight = "Bolder" },
            new TextBlock(string.Create(CultureInfo.InvariantCulture,
                $"Version {definition.Version} · {State(record.State)} · priority {definition.Priority} · {Running(view.Running)}"))
            {
                Color = record.State == WorkflowState.Enabled ? "Good" : null,
                IsSubtle = record.State != WorkflowState.Enabled ? true : null,
            },
        };
        if (definition.Description.Length > 0)
        {
            body.Add(Literal.Block(Literal.Run(definition.Description)));
        }

        var origin = new List<TextRun>();
        if (definition.Template is { } template)
        {
            origin.Add(new TextRun($"From template {template}. ") { IsSubtle = true });
        }

        if (definition.Change is { } change)
        {
            origin.Add(new TextRun($"Version {definition.Version.ToString(CultureInfo.InvariantCulture)}: ") { IsSubtle = true });
            origin.Add(Literal.Run(change, subtle: true));
            origin.Add(new TextRun($", {CardText.When(definition.CreatedAt)}.") { IsSubtle = true });
        }

        if (origin.Count > 0)
        {
            body.Add(new RichTextBlock(origin));
        }

        if (view.Parameters.Count > 0)
        {
            body.Add(new TextBlock("Parameters") { Weight = "Bolder", Spacing = "Medium" });
            body.AddRange(view.Parameters.Select(p => Literal.Block(
                new TextRun(p.Name) { Weight = "Bolder" },
                new TextRun($" ({p.Description}): ") { IsSubtle = true },
                p.Value is null ? new TextRun("not set") { Color = "Warning", Italic = true } : Literal.Run(p.Value))));
        }

        body.Add(new TextBlock("Steps") { Weight = "Bolder", Spacing = "Medium" });
        if (view.Steps.Count == 0)
        {
            body.Add(new TextBlock("No steps yet.") { IsSubtle = true });
        }

        body.AddRange(view.Steps.Select(Step));
        if (view.Problems.Count > 0)
        {
            body.Add(new Container(
            [
                new TextBlock("Before it can be enabled") { Weight = "Bolder" },
                .. view.Problems.Select(p => Literal.Block(Literal.Run(p))),
            ]) { Style = "warning", Spacing = "Medium" });
        }

        return new AdaptiveCard
        {
            Body = body,
            FallbackText = $"Workflow {definition.Code}, version {definition.Version}, {State(record.State)}.",
        };
    }

    private static Container Step(WorkflowStepView step)
    {
        var title = new List<TextRun> { new(string.Create(CultureInfo.InvariantCulture, $"{step.Number}. ")) { Weight = "Bolder" } };
        if (step.Name is { Length: > 0 } name)
        {
            title.Add(Literal.Run(name, "Bolder"));
            title.Add(new TextRun(" — "));
        }

        title.Add(new TextRun($"when {step.Event}"));
        var items = new List<Element> { new RichTextBlock(title) };
        if (step.Conditions.Count > 0)
        {
            items.Add(Literal.Block(new TextRun("if ") { IsSubtle = true }, Literal.Run(string.Join(" and ", step.Conditions))));
        }

        items.Add(Literal.Block(new TextRun("then ") { IsSubtle = true }, new TextRun(step.Response) { Weight = "Bolder" }));
        items.AddRange(step.Options.Select(o => Literal.Block(new TextRun("• ") { IsSubtle = true }, Literal.Run(o, subtle: true))));
        return new Container(items) { Separator = true };
    }

    private static string State(WorkflowState state) => state switch
    {
        WorkflowState.Enabled => "enabled",
        WorkflowState.Archived => "archived",
        _ => "disabled",
    };

    private static string Running(int running) => running switch
    {
        0 => "no proposal running",
        1 => "1 proposal running",
        _ => string.Create(CultureInfo.InvariantCulture, $"{running} proposals running"),
    };
}
