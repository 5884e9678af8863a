using System.Text.Json.Nodes;
using CustomerWorkflow.Cards.Model;
using CustomerWorkflow.Core.Customers;
using CustomerWorkflow.Core.Engine;
using CustomerWorkflow.Core.Fields;
using CustomerWorkflow.Core.Proposals;

namespace CustomerWorkflow.Cards.Views;

/// <summary>The clerk's cards: the proposed changes with their actions, and the customer with its values.</summary>
public static class ClerkCards
{
    public const string RemoveLine = "removeLine";
    public const string DiscardAll = "discard";
    public const string Submit = "submit";
    public const string Recall = "recall";

    /// <summary>
    /// The proposed-changes list: status, Field | Original | Proposed with a Remove per line, Discard all, and Submit
    /// with a comment while it can be edited; Recall while it is pending.
    /// </summary>
    public static AdaptiveCard ProposedChanges(Proposal proposal, Customer customer, People people, string? note = null)
    {
        ArgumentNullException.ThrowIfNull(proposal);
        ArgumentNullException.ThrowIfNull(customer);
        var editable = proposal.Status is ProposalStatus.NotSubmitted or ProposalStatus.ChangeRequested;
        var body = new List<Element>();
        if (!string.IsNullOrEmpty(note))
        {
            body.Add(Literal.Note(note));
        }

        body.AddRange(
        [
            new TextBlock("Proposed changes") { Style = "heading", Size = "Medium", Weight = "Bolder" },
            Literal.Block(Literal.Run(customer.Id, "Bolder"), new TextRun(" "), Literal.Run(customer.Name)),
            new TextBlock($"Status: {Status(proposal.Status)}") { Weight = "Bolder" },
        ]);
        if (proposal.WaitingStep is { } step)
        {
            body.Add(Literal.Block(new TextRun($"Step {proposal.CurrentStep + 1} of {proposal.Steps.Count} waits for "), Literal.Run(people.Names(step.Undecided))));
        }

        if (proposal.Status == ProposalStatus.ChangeRequested && !string.IsNullOrEmpty(proposal.DecisionComment))
        {
            body.Add(Literal.Labelled("Asked for:", proposal.DecisionComment));
        }

        var rows = new List<TableRow>
        {
            new([Cell(new TextBlock("Field") { Weight = "Bolder" }), Cell(new TextBlock("Original") { Weight = "Bolder" }), Cell(new TextBlock("Proposed") { Weight = "Bolder" }), Cell(new TextBlock(" "))]) { Style = "accent" },
        };
        rows.AddRange(proposal.Lines.Select(line => new TableRow(
        [
            Cell(new TextBlock(line.Field)),
            Cell(Literal.Value(line.OriginalValue)),
            Cell(Literal.Value(line.ProposedValue)),
            Cell(editable
                ? new ActionSet([Execute("Remove", RemoveLine, proposal, customer, line.Field)])
                : new TextBlock(" ")),
        ])));
        body.Add(new Table([new TableColumnDefinition(2), new TableColumnDefinition(3), new TableColumnDefinition(3), new TableColumnDefinition(2)], rows));

        var actions = new List<CardAction>();
        if (editable)
        {
            actions.Add(new ShowCardAction("Submit", new AdaptiveCard
            {
                Body = [new TextInput { Id = "comment", Label = "Comment for the approvers (optional)", IsMultiline = true, MaxLength = 500 }],
                Actions = [Execute("Submit for approval", Submit, proposal, customer) with { Style = "positive" }],
                MsTeams = null,
            }));
            actions.Add(Execute("Discard all", DiscardAll, proposal, customer) with { Style = "destructive" });
        }
        else if (proposal.Status == ProposalStatus.PendingApproval)
        {
            actions.Add(Execute("Recall", Recall, proposal, customer));
        }

        return new AdaptiveCard
        {
            Body = body,
            Actions = actions.Count == 0 ? null : actions,
            FallbackText = $"Proposed changes for {customer.Id}: {Status(proposal.Status)}.",
        };
    }

    /// <summary>A customer: each field's value, whether it needs approval, and any proposed value.</summary>
    public static AdaptiveCard Customer(CustomerView view, People people)
    {
        ArgumentNullException.ThrowIfNull(view);
        var proposal = view.OpenProposal;
        var rows = new List<TableRow>
        {
            new([Cell(new TextBlock("Field") { Weight = "Bolder" }), Cell(new TextBlock("Value") { Weight = "Bolder" }), Cell(new TextBlock("Proposed") { Weight = "Bolder" })]) { Style = "accent" },
        };
        foreach (var field in FieldCatalog.All)
        {
            var label = view.RequiresApproval(field.Name) ? field.Name + " 🔒" : field.Name;
            var proposed = proposal?.LineFor(field.Name);
            rows.Add(new TableRow(
            [
                Cell(new TextBlock(label)),
                Cell(Literal.Value(view.Customer[field.Name])),
                Cell(proposed is null ? new TextBlock(" ") : Literal.Value(proposed.ProposedValue)),
            ]));
        }

        var body = new List<Element>
        {
            Literal.Block(Literal.Run(view.Customer.Id, "Bolder"), new TextRun(" "), Literal.Run(view.Customer.Name, "Bolder")),
            new Table([new TableColumnDefinition(2), new TableColumnDefinition(3), new TableColumnDefinition(3)], rows),
            new TextBlock("🔒 needs approval before a change takes effect.") { IsSubtle = true, Size = "Small" },
            new TextBlock(proposal is null ? "No open proposal." : $"Proposal {proposal.Id}: {Status(proposal.Status)}.") { Weight = "Bolder" },
        };
        if (proposal?.WaitingStep is { } step)
        {
            body.Add(Literal.Block(new TextRun("Waiting for "), Literal.Run(people.Names(step.Undecided))));
        }

        return new AdaptiveCard { Body = body, FallbackText = $"Customer {view.Customer.Id}." };
    }

    internal static string Status(ProposalStatus status) => status switch
    {
        ProposalStatus.NotSubmitted => "not submitted",
        ProposalStatus.PendingApproval => "changes pending approval",
        ProposalStatus.ChangeRequested => "change requested",
        _ => ProposalText.Describe(status),
    };

    private static TableCell Cell(Element element) => new([element]);

    private static ExecuteAction Execute(string title, string verb, Proposal proposal, Customer customer, string? field = null)
    {
        var data = ApprovalCard.Data(proposal, verb);
        data["customerId"] = customer.Id;
        if (field is not null)
        {
            data["field"] = field;
        }

        return ExecuteAction.WithSubmitFallback(title, verb, data);
    }
}
