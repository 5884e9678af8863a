using System.Text.Json;
using System.Text.Json.Serialization;

namespace CustomerWorkflow.Bot.Protocol.Schema;

/// <summary>The <c>value</c> of an <c>adaptiveCard/action</c> invoke (BOT-PROTOCOL §4).</summary>
public sealed class AdaptiveCardInvokeValue
{
    public AdaptiveCardInvokeAction? Action { get; set; }

    /// <summary><c>manual</c> for a click, <c>automatic</c> for a refresh.</summary>
    public string? Trigger { get; set; }

    [JsonExtensionData]
    public IDictionary<string, JsonElement>? Properties { get; set; }
}

public sealed class AdaptiveCardInvokeAction
{
    public string? Type { get; set; }

    public string? Id { get; set; }

    public string? Verb { get; set; }

    public JsonElement? Data { get; set; }

    [JsonExtensionData]
    public IDictionary<string, JsonElement>? Properties { get; set; }
}

/// <summary>The body answered to an <c>adaptiveCard/action</c> invoke: a card, a message, or an error.</summary>
public sealed record AdaptiveCardInvokeResponse(int StatusCode, string Type, object? Value)
{
    public const string CardType = "application/vnd.microsoft.card.adaptive";
    public const string MessageType = "application/vnd.microsoft.activity.message";
    public const string ErrorType = "application/vnd.microsoft.error";

    public static AdaptiveCardInvokeResponse Card(object card) => new(200, CardType, card);

    public static AdaptiveCardInvokeResponse Message(string text) => new(200, MessageType, text);

    public static AdaptiveCardInvokeResponse Error(int statusCode, string code, string message) =>
        new(statusCode, ErrorType, new InvokeError(code, message));
}

public sealed record InvokeError(string Code, string Message);

public static class InvokeNames
{
    public const string AdaptiveCardAction = "adaptiveCard/action";
}
