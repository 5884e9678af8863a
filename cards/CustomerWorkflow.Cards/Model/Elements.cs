using System.Text.Json.Serialization;

namespace CustomerWorkflow.Cards.Model;

/// <summary>A body element; <c>type</c> comes from the derived record.</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(TextBlock), "TextBlock")]
[JsonDerivedType(typeof(RichTextBlock), "RichTextBlock")]
[JsonDerivedType(typeof(FactSet), "FactSet")]
[JsonDerivedType(typeof(ColumnSet), "ColumnSet")]
[JsonDerivedType(typeof(Table), "Table")]
[JsonDerivedType(typeof(Container), "Container")]
[JsonDerivedType(typeof(ActionSet), "ActionSet")]
[JsonDerivedType(typeof(TextInput), "Input.Text")]
[JsonDerivedType(typeof(ChoiceSetInput), "Input.ChoiceSet")]
[JsonDerivedType(typeof(ToggleInput), "Input.Toggle")]
public abstract record Element
{
    public string? Id { get; init; }

    public bool? Separator { get; init; }

    /// <summary>none, small, default, medium, large, extraLarge, padding.</summary>
    public string? Spacing { get; init; }
}

/// <summary>Text the product writes (labels, statuses); may use the card's markdown. User text goes in <see cref="TextRun"/>s.</summary>
public sealed record TextBlock(string Text) : Element
{
    public bool? Wrap { get; init; } = true;

    public string? Weight { get; init; }

    public string? Size { get; init; }

    public string? Color { get; init; }

    public bool? IsSubtle { get; init; }

    /// <summary>heading for card titles (read by screen readers).</summary>
    public string? Style { get; init; }
}

/// <summary>Runs of text shown as they are: Adaptive Cards do not apply markdown inside a TextRun.</summary>
public sealed record RichTextBlock(IReadOnlyList<TextRun> Inlines) : Element;

public sealed record TextRun(string Text)
{
    [JsonPropertyOrder(-1)]
    public string Type { get; } = "TextRun";

    public string? Weight { get; init; }

    public bool? IsSubtle { get; init; }

    public bool? Italic { get; init; }

    public bool? Strikethrough { get; init; }

    public string? Color { get; init; }
}

public sealed record FactSet(IReadOnlyList<Fact> Facts) : Element;

public sealed record Fact(string Title, string Value);

public sealed record ColumnSet(IReadOnlyList<Column> Columns) : Element;

public sealed record Column(IReadOnlyList<Element> Items)
{
    [JsonPropertyOrder(-1)]
    public string Type { get; } = "Column";

    /// <summary>auto, stretch, or a weight like "2".</summary>
    public string? Width { get; init; }

    public string? VerticalContentAlignment { get; init; }
}

public sealed record Table(IReadOnlyList<TableColumnDefinition> Columns, IReadOnlyList<TableRow> Rows) : Element
{
    public bool? FirstRowAsHeader { get; init; } = true;

    public bool? ShowGridLines { get; init; } = true;
}

public sealed record TableColumnDefinition(int Width);

public sealed record TableRow(IReadOnlyList<TableCell> Cells)
{
    [JsonPropertyOrder(-1)]
    public string Type { get; } = "TableRow";

    public string? Style { get; init; }
}

public sealed record TableCell(IReadOnlyList<Element> Items)
{
    [JsonPropertyOrder(-1)]
    public string Type { get; } = "TableCell";
}

public sealed record Container(IReadOnlyList<Element> Items) : Element
{
    /// <summary>default, emphasis, good, attention, warning, accent.</summary>
    public string? Style { get; init; }
}

public sealed record ActionSet(IReadOnlyList<CardAction> Actions) : Element;

/// <summary>A text input; give it an <see cref="Element.Id"/>, which names its value in the action data.</summary>
public sealed record TextInput : Element
{
    public string? Label { get; init; }

    public string? Placeholder { get; init; }

    public bool? IsMultiline { get; init; }

    public bool? IsRequired { get; init; }

    public string? ErrorMessage { get; init; }

    public int? MaxLength { get; init; }

    public string? Value { get; init; }
}

public sealed record ChoiceSetInput(IReadOnlyList<Choice> Choices) : Element
{
    public string? Label { get; init; }

    /// <summary>compact (a drop-down) or expanded.</summary>
    public string? Style { get; init; }

    public bool? IsRequired { get; init; }

    public string? ErrorMessage { get; init; }

    public string? Value { get; init; }
}

public sealed record Choice(string Title, string Value);

public sealed record ToggleInput(string Title) : Element
{
    public string? Label { get; init; }

    public string? Value { get; init; }

    public string ValueOn { get; init; } = "true";

    public string ValueOff { get; init; } = "false";
}
