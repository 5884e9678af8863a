using System.Text.Json.Serialization;

namespace CustomerWorkflow.Cards.Model;

/// <summary>An Adaptive Card 1.5 (the version Teams needs for Universal Actions and per-user views).</summary>
public sealed record AdaptiveCard
{
    public const string ContentType = "application/vnd.microsoft.card.adaptive";

    [JsonPropertyOrder(-10)]
    public string Type { get; } = "AdaptiveCard";

    [JsonPropertyName("$schema")]
    public string Schema { get; } = "http://adaptivecards.io/schemas/adaptive-card.json";

    public string Version { get; init; } = "1.5";

    public IReadOnlyList<Element> Body { get; init; } = [];

    public IReadOnlyList<CardAction>? Actions { get; init; }

    /// <summary>Who sees a fresh, per-user view when they open the card (Teams, at most 60 user ids).</summary>
    public Refresh? Refresh { get; init; }

    [JsonPropertyName("msteams")]
    public TeamsCardProperties? MsTeams { get; init; } = new();

    /// <summary>Shown by clients that cannot render the card.</summary>
    public string? FallbackText { get; init; }
}

/// <summary>The Action.Execute Teams sends (trigger automatic) to get a per-user view; typed as the base so it carries its type.</summary>
public sealed record Refresh(CardAction Action, IReadOnlyList<string>? UserIds);

public sealed record TeamsCardProperties
{
    public string Width { get; init; } = "Full";
}
