using System.Text.Json.Nodes;
using CustomerWorkflow.Core.Customers;
using CustomerWorkflow.Core.Proposals;

namespace CustomerWorkflow.Bot.Conversation;

/// <summary>
/// Plain Adaptive Cards for approvals until the card library arrives: the proposal, original beside proposed, and
/// Approve / Reject buttons (Action.Execute with an Action.Submit fallback carrying the same data).
/// </summary>
internal static class SimpleCards
{
    public const string ContentType = "application/vnd.microsoft.card.adaptive";

    public static JsonObject ApprovalRequest(Proposal proposal, Customer customer, string submitterName)
    {
        var facts = new JsonArray();
        foreach (var line in proposal.Lines)
        {
            facts.Add(new JsonObject
            {
                ["title"] = line.Field,
                ["value"] = $"{Shown(line.OriginalValue)} → {Shown(line.ProposedValue)}",
            });
        }

        var body = new JsonArray
        {
            new JsonObject { ["type"] = "TextBlock", ["text"] = $"Approve changes to {customer.Id} {customer.Name}?", ["weight"] = "Bolder", ["wrap"] = true },
            new JsonObject { ["type"] = "TextBlock", ["text"] = $"Proposal {proposal.Id} by {submitterName}", ["wrap"] = true, ["isSubtle"] = true },
            new JsonObject { ["type"] = "FactSet", ["facts"] = facts },
            new JsonObject { ["type"] = "Input.Text", ["id"] = "comment", ["placeholder"] = "Comment (required to reject)", ["isMultiline"] = true },
        };
        if (proposal.SubmitComment is { Length: > 0 } comment)
        {
            body.Insert(2, new JsonObject { ["type"] = "TextBlock", ["text"] = comment, ["wrap"] = true });
        }

        return Card(body, new JsonArray
        {
            Execute("Approve", "approve", proposal),
            Execute("Reject", "reject", proposal),
        });
    }

    public static JsonObject Outcome(string text) =>
        Card(new JsonArray { new JsonObject { ["type"] = "TextBlock", ["text"] = text, ["wrap"] = true } }, []);

    private static JsonObject Card(JsonArray body, JsonArray actions) => new()
    {
        ["type"] = "AdaptiveCard",
        ["$schema"] = "http://adaptivecards.io/schemas/adaptive-card.json",
        ["version"] = "1.5",
        ["body"] = body,
        ["actions"] = actions,
    };

    private static JsonObject Execute(string title, string verb, Proposal proposal)
    {
        JsonObject Data() => new() { ["verb"] = verb, ["proposalId"] = proposal.Id, ["version"] = proposal.Version };
        return new JsonObject
        {
            ["type"] = "Action.Execute",
            ["title"] = title,
            ["verb"] = verb,
            ["data"] = Data(),
            ["fallback"] = new JsonObject { ["type"] = "Action.Submit", ["title"] = title, ["data"] = Data() },
        };
    }

    private static string Shown(string value) => value.Length == 0 ? "(empty)" : value;
}
