using System.Text.Json.Nodes;
using CustomerWorkflow.Cards.Model;
using CustomerWorkflow.Core.Customers;
using CustomerWorkflow.Core.Proposals;

namespace CustomerWorkflow.Cards.Views;

/// <summary>What the approval card shows: the proposal, its customer, the people in it, and the last decision.</summary>
/// <param name="LastAction">The proposal's latest history entry, for the outcome line (who, when, why).</param>
/// <param name="Note">A short line for this viewer above the card (why their click did nothing, say); shown literally.</param>
public sealed record ApprovalView(Proposal Proposal, Customer Customer, People People, HistoryEntry? LastAction = null, string? Note = null)
{
    /// <summary>The entry the outcome line is about: the last decision or withdrawal (not the system's apply).</summary>
    public static HistoryEntry? LastDecision(IEnumerable<HistoryEntry> history, string proposalId) =>
        history.LastOrDefault(h => string.Equals(h.ProposalId, proposalId, StringComparison.Ordinal)
            && h.Action is HistoryAction.Approved or HistoryAction.Rejected or HistoryAction.ChangeRequested or HistoryAction.Recalled or HistoryAction.Discarded
                or HistoryAction.AutoApproved or HistoryAction.AutoRejected);
}

/// <summary>
/// The approval request, one card for everyone: the customer, the submitter and comment, the step with its approvers
/// and due date, and Field | Original | Proposed. A viewer who is due to act sees Approve, Reject (reason required),
/// Request change (comment required) and Delegate; everyone else, and everyone once it is decided, a read-only view.
/// </summary>
public static class ApprovalCard
{
    public const string Approve = "approve";
    public const string Reject = "reject";
    public const string RequestChange = "requestChange";
    public const string Delegate = "delegate";
    public const string Refresh = "refresh";

    /// <summary>Teams refreshes a card for at most this many users.</summary>
    public const int MaxRefreshUsers = 60;

    public static AdaptiveCard Build(ApprovalView view, string? viewerId)
    {
        ArgumentNullException.ThrowIfNull(view);
        var proposal = view.Proposal;
        var due = viewerId is not null && proposal.DueApprovers.Contains(viewerId, StringComparer.OrdinalIgnoreCase);
        var body = new List<Element>();
        if (!string.IsNullOrEmpty(view.Note))
        {
            body.Add(Literal.Note(view.Note));
        }

        body.AddRange(
        [
            new TextBlock("Customer change for approval") { Style = "heading", Size = "Medium", Weight = "Bolder" },
            Literal.Block(Literal.Run(view.Customer.Id, "Bolder"), new TextRun(" "), Literal.Run(view.Customer.Name)),
            Submitted(view),
        ]);
        if (!string.IsNullOrEmpty(proposal.SubmitComment))
        {
            body.Add(Literal.Labelled("Comment:", proposal.SubmitComment));
        }

        body.Add(new Container([new TextBlock(Status(view)) { Weight = "Bolder" }, .. Detail(view)])
        {
            Style = StatusStyle(proposal.Status),
        });
        body.Add(ChangesTable(proposal.Lines));
        if (due)
        {
            body.Add(new TextBlock("It is your turn to decide.") { IsSubtle = true, Spacing = "Medium" });
        }

        return new AdaptiveCard
        {
            Body = body,
            Actions = due ? Actions(proposal) : null,
            Refresh = RefreshFor(view),
            FallbackText = $"Customer change {proposal.Id} for {view.Customer.Id}: {ProposalText.Describe(proposal.Status)}.",
        };
    }

    /// <summary>The data every action of this proposal carries; a stale version is refused by the engine.</summary>
    public static JsonObject Data(Proposal proposal, string verb) => new()
    {
        ["verb"] = verb,
        ["proposalId"] = proposal.Id,
        ["version"] = proposal.Version,
    };

    internal static Table ChangesTable(IReadOnlyList<ProposedChange> lines) => new(
        [new TableColumnDefinition(2), new TableColumnDefinition(3), new TableColumnDefinition(3)],
        [
            new TableRow([Header("Field"), Header("Original"), Header("Proposed")]) { Style = "accent" },
            .. lines.Select(line => new TableRow(
            [
                new TableCell([new TextBlock(line.Field)]),
                new TableCell([Literal.Value(line.OriginalValue)]),
                new TableCell([Literal.Value(line.ProposedValue)]),
            ])),
        ]);

    private static TableCell Header(string text) => new([new TextBlock(text) { Weight = "Bolder" }]);

    private static RichTextBlock Submitted(ApprovalView view)
    {
        var proposal = view.Proposal;
        var by = proposal.SubmittedBy ?? proposal.CreatedBy;
        var when = proposal.SubmittedAt ?? proposal.CreatedAt;
        return Literal.Block(
            new TextRun($"Proposal {proposal.Id} by ") { IsSubtle = true },
            Literal.Run(view.People.Name(by), subtle: true),
            new TextRun($", {CardText.When(when)}") { IsSubtle = true });
    }

    private static string Status(ApprovalView view)
    {
        var proposal = view.Proposal;
        var last = view.LastAction;
        var who = last is null ? null : view.People.Name(last.ActorId);
        return proposal.Status switch
        {
            ProposalStatus.PendingApproval when proposal.WaitingStep is { } step =>
                $"Step {proposal.CurrentStep + 1} of {proposal.Steps.Count}: {step.Name}",
            ProposalStatus.Applied => $"Approved and applied{By(who, last)}",
            ProposalStatus.Approved => $"Approved{By(who, last)}",
            ProposalStatus.Rejected => $"Rejected{By(who, last)}",
            ProposalStatus.ChangeRequested => $"Sent back for changes{By(who, last)}",
            ProposalStatus.Conflict => "Approved, but not applied: the customer changed meanwhile",
            ProposalStatus.NotSubmitted => "Recalled by the submitter",
            ProposalStatus.Discarded => "Discarded",
            _ => ProposalText.Describe(proposal.Status),
        };
    }

    private static string By(string? who, HistoryEntry? last) =>
        last is { Action: HistoryAction.AutoApproved or HistoryAction.AutoRejected } ? $" automatically on {CardText.When(last.At)}: it was overdue"
        : who is null || last is null ? string.Empty : $" by {who} on {CardText.When(last.At)}";

    private static IEnumerable<Element> Detail(ApprovalView view)
    {
        var proposal = view.Proposal;
        if (proposal.WaitingStep is { } step)
        {
            yield return Literal.Block(
                new TextRun("Waiting for "),
                Literal.Run(view.People.Names(step.Undecided)),
                new TextRun(step.DueAt is { } at ? $" — due {CardText.When(at)}" : string.Empty));
            var decided = step.Approvers.Where(a => a.Decision == ApprovalDecision.Approved).Select(a => a.UserId).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
            if (decided.Count > 0)
            {
                yield return Literal.Block(new TextRun("Approved so far by ") { IsSubtle = true }, Literal.Run(view.People.Names(decided), subtle: true));
            }
        }

        if (proposal.Status is ProposalStatus.Rejected or ProposalStatus.ChangeRequested && !string.IsNullOrEmpty(view.LastAction?.Comment ?? proposal.DecisionComment))
        {
            yield return Literal.Labelled(proposal.Status == ProposalStatus.Rejected ? "Reason:" : "Asked for:", view.LastAction?.Comment ?? proposal.DecisionComment);
        }

        if (proposal.Status == ProposalStatus.Conflict && proposal.ConflictFields.Count > 0)
        {
            yield return new TextBlock("Changed meanwhile: " + string.Join(", ", proposal.ConflictFields));
        }
    }

    private static string StatusStyle(ProposalStatus status) => status switch
    {
        ProposalStatus.Applied or ProposalStatus.Approved => "good",
        ProposalStatus.Rejected or ProposalStatus.Conflict => "attention",
        ProposalStatus.ChangeRequested => "warning",
        _ => "emphasis",
    };

    private static List<CardAction> Actions(Proposal proposal) =>
    [
        Execute("Approve", Approve, proposal) with { Style = "positive" },
        new ShowCardAction("Reject", Form(proposal, Reject, "Reject", new TextInput
        {
            Id = "reason", Label = "Reason", IsRequired = true, IsMultiline = true, MaxLength = 500, ErrorMessage = "Say why you reject it.",
        })),
        new ShowCardAction("Request change", Form(proposal, RequestChange, "Send back", new TextInput
        {
            Id = "comment", Label = "What should change?", IsRequired = true, IsMultiline = true, MaxLength = 500, ErrorMessage = "Say what should change.",
        })),
        new ShowCardAction("Delegate", Form(proposal, Delegate, "Delegate", new TextInput
        {
            Id = "delegateTo", Label = "Delegate to (email or name)", IsRequired = true, MaxLength = 200, ErrorMessage = "Say whom to delegate to.",
        })),
    ];

    private static AdaptiveCard Form(Proposal proposal, string verb, string title, TextInput input) => new()
    {
        Body = [input],
        Actions = [Execute(title, verb, proposal) with { Style = verb == Reject ? "destructive" : null }],
        MsTeams = null,
    };

    /// <summary>An Action.Execute with an Action.Submit fallback carrying the same data (and the verb).</summary>
    public static ExecuteAction Execute(string title, string verb, Proposal proposal) =>
        ExecuteAction.WithSubmitFallback(title, verb, Data(proposal, verb));

    private static Refresh? RefreshFor(ApprovalView view)
    {
        var proposal = view.Proposal;
        if (proposal.Status != ProposalStatus.PendingApproval)
        {
            return null;
        }

        var userIds = proposal.DueApprovers.Select(view.People.ChannelId).OfType<string>().Distinct(StringComparer.Ordinal).Take(MaxRefreshUsers).ToList();
        return new Refresh(new ExecuteAction("Refresh", Refresh, Data(proposal, Refresh)), userIds);
    }
}
