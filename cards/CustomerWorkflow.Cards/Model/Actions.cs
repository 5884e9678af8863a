using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace CustomerWorkflow.Cards.Model;

[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(ExecuteAction), "Action.Execute")]
[JsonDerivedType(typeof(SubmitAction), "Action.Submit")]
[JsonDerivedType(typeof(ShowCardAction), "Action.ShowCard")]
[JsonDerivedType(typeof(OpenUrlAction), "Action.OpenUrl")]
public abstract record CardAction(string Title)
{
    public string? Id { get; init; }

    /// <summary>positive or destructive.</summary>
    public string? Style { get; init; }
}

/// <summary>
/// A Universal Action: Teams sends an <c>adaptiveCard/action</c> invoke with <see cref="Verb"/> and <see cref="Data"/>
/// (plus the inputs). <see cref="Fallback"/> is what older clients use instead.
/// </summary>
public sealed record ExecuteAction(string Title, string Verb, JsonObject Data) : CardAction(Title)
{
    /// <summary>auto (the inputs of the card) or none.</summary>
    public string? AssociatedInputs { get; init; }

    public CardAction? Fallback { get; init; }

    /// <summary>
    /// An Action.Execute on the card's inputs with an Action.Submit fallback carrying the same data, as every button of
    /// the product has: clients without Universal Actions send the same thing as a message.
    /// </summary>
    public static ExecuteAction WithSubmitFallback(string title, string verb, JsonObject data) =>
        new(title, verb, data)
        {
            AssociatedInputs = "auto",
            Fallback = new SubmitAction(title, (JsonObject)data.DeepClone()) { AssociatedInputs = "auto" },
        };
}

/// <summary>Sends its data (and the inputs) back as a message with a <c>value</c>.</summary>
public sealed record SubmitAction(string Title, JsonObject Data) : CardAction(Title)
{
    public string? AssociatedInputs { get; init; }
}

public sealed record ShowCardAction(string Title, AdaptiveCard Card) : CardAction(Title);

public sealed record OpenUrlAction(string Title, Uri Url) : CardAction(Title);
