using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using CustomerWorkflow.Cards.Model;

namespace CustomerWorkflow.Cards;

/// <summary>Cards on the wire: camelCase, nulls left out, <c>type</c> first.</summary>
public static class CardJson
{
    public static JsonSerializerOptions Options { get; } = Create();

    public static string Serialize(AdaptiveCard card, bool indented = false) =>
        JsonSerializer.Serialize(card, indented ? Indented : Options);

    public static JsonElement ToElement(AdaptiveCard card) => JsonSerializer.SerializeToElement(card, Options);

    public static JsonObject ToNode(AdaptiveCard card) => JsonSerializer.SerializeToNode(card, Options)!.AsObject();

    private static JsonSerializerOptions Indented { get; } = new(Create()) { WriteIndented = true };

    private static JsonSerializerOptions Create() => new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        // Cards carry user text and are read by people reviewing snapshots: keep it readable (JSON stays valid).
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        // Generated at build time: a card is serialised on every answer that carries one.
        TypeInfoResolver = CardJsonContext.Default,
    };
}

[JsonSerializable(typeof(AdaptiveCard))]
internal sealed partial class CardJsonContext : JsonSerializerContext;
