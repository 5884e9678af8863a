using CustomerWorkflow.Bot.Protocol.Hosting;
using CustomerWorkflow.Core;
using CustomerWorkflow.Core.People;

namespace CustomerWorkflow.Bot.Commands;

/// <summary>What a command has to work with: the turn, who is asking, and the words after the command's name.</summary>
internal sealed record CommandContext(ITurnContext Turn, UserProfile User, Actor Actor, IReadOnlyList<Token> Args, CancellationToken CancellationToken)
{
    public string? Arg(int index) => index < Args.Count ? Args[index].Text : null;
}

/// <summary>One message back to the asker: text, with an Adaptive Card when there is one.</summary>
internal sealed record Reply(string Text, Cards.Model.AdaptiveCard? Card = null);

/// <summary>A message to someone else, sent proactively after the answer (an approver to act, a submitter told the outcome).</summary>
/// <param name="ProposalId">The proposal an approval card is about, so the card can be updated for everyone later.</param>
/// <param name="Feed">The same notice as a Teams activity feed entry, for someone no chat reaches.</param>
/// <param name="Digest">What the notice is for a daily digest: set on notices that may wait for one (approvals waiting,
/// decisions on someone's proposals), so a person who chose the digest gets them there; null for notices that go at once.</param>
internal sealed record Notice(string UserId, string Text, Cards.Model.AdaptiveCard? Card = null, string? ProposalId = null, FeedActivity? Feed = null, Core.Scheduling.DigestKind? Digest = null);

/// <summary>
/// An activity feed entry: one of the types the app manifest declares (<see cref="Teams.ActivityFeedTypes"/>) with a
/// value for each parameter of its template text.
/// </summary>
internal sealed record FeedActivity(string Type, IReadOnlyDictionary<string, string> Parameters)
{
    public static FeedActivity Of(string type, params (string Name, string Value)[] parameters) =>
        new(type, parameters.ToDictionary(p => p.Name, p => p.Value, StringComparer.Ordinal));
}

/// <param name="ProposalId">A proposal this command changed: its sent cards are brought up to date afterwards.</param>
internal sealed record CommandResult(IReadOnlyList<Reply> Replies, IReadOnlyList<Notice> Notices, string? ProposalId = null)
{
    /// <summary>The proposal as the command left it, ready for cards (a decision's answer reuses it).</summary>
    public Cards.Views.ApprovalView? View { get; init; }

    public static CommandResult Say(string text, Cards.Model.AdaptiveCard? card = null) => new([new Reply(text, card)], []);

    public CommandResult Notify(IEnumerable<Notice> notices) => this with { Notices = [.. Notices, .. notices] };
}

/// <summary>A command of the public contract (SPEC §3).</summary>
/// <param name="Allowed">The roles that may use it (any of them); <see cref="Roles.None"/> means everyone.</param>
/// <param name="Changes">True when it may change state, so a redelivery must be recognised across instances.</param>
internal sealed record CommandDefinition(
    string Name,
    IReadOnlyList<string> Aliases,
    Roles Allowed,
    bool Changes,
    string Usage,
    string Summary,
    Func<CommandContext, Task<CommandResult>> Run)
{
    public bool Matches(string word) =>
        string.Equals(Name, word, StringComparison.OrdinalIgnoreCase) || Aliases.Contains(word, StringComparer.OrdinalIgnoreCase);

    public bool AllowedFor(Actor actor) => Allowed == Roles.None ? actor.Roles != Roles.None : (actor.Roles & Allowed) != 0;
}

/// <summary>The command was used the wrong way: the answer is its usage.</summary>
internal sealed class UsageException(string message) : Exception(message);
