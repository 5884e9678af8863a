using CustomerWorkflow.Cards.Model;

namespace CustomerWorkflow.Cards.Views;

/// <summary>
/// Text people typed (values, comments, names) shown exactly as typed: always in a <see cref="TextRun"/>, where
/// Adaptive Cards apply no markdown, and with <c>{{</c> broken by a zero-width space so hosts never read it as a
/// DATE/TIME function.
/// </summary>
public static class Literal
{
    private const string ZeroWidthSpace = "\u200B";

    public static string Text(string? text) =>
        string.IsNullOrEmpty(text) ? string.Empty : text.Replace("{{", "{" + ZeroWidthSpace + "{", StringComparison.Ordinal);

    public static TextRun Run(string? text, string? weight = null, bool? subtle = null) =>
        new(Text(text)) { Weight = weight, IsSubtle = subtle };

    public static RichTextBlock Block(params TextRun[] runs) => new(runs);

    /// <summary>A product label followed by literal user text: "Comment: " + what they wrote.</summary>
    public static RichTextBlock Labelled(string label, string? text) =>
        new([new TextRun(label + " ") { Weight = "Bolder" }, Run(text)]);

    /// <summary>A value for display: "(empty)" when there is none.</summary>
    public static RichTextBlock Value(string? value) =>
        string.IsNullOrEmpty(value) ? new([new TextRun("(empty)") { IsSubtle = true, Italic = true }]) : new([Run(value)]);

    /// <summary>A short line for one reader above a card (why their click did nothing, say), shown literally.</summary>
    public static Container Note(string note) => new([Block(Run(note, "Bolder"))]) { Style = "warning" };
}
