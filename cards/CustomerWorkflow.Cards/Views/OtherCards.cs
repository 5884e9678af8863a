using CustomerWorkflow.Cards.Model;
using CustomerWorkflow.Core.Customers;
using CustomerWorkflow.Core.Fields;
using CustomerWorkflow.Core.People;
using CustomerWorkflow.Core.Proposals;
using CustomerWorkflow.Core.Settings;

namespace CustomerWorkflow.Cards.Views;

/// <summary>History, the inbox summary, the admin's settings and the submitter's outcome notice.</summary>
public static class OtherCards
{
    public const string SaveSettings = "saveSettings";

    /// <param name="notices">Notices about these proposals; the undelivered ones are shown in time order with the history.</param>
    public static AdaptiveCard History(string customerId, IReadOnlyList<HistoryEntry> entries, IReadOnlyList<NoticeRecord>? notices = null, People? people = null)
    {
        ArgumentNullException.ThrowIfNull(entries);
        people ??= People.None;
        var body = new List<Element> { new TextBlock($"History of {customerId}") { Style = "heading", Size = "Medium", Weight = "Bolder" } };
        if (entries.Count == 0)
        {
            body.Add(new TextBlock("No workflow history yet."));
        }

        var undelivered = (notices ?? []).Where(n => !n.Delivered).ToList();
        var next = 0;
        foreach (var entry in entries)
        {
            for (; next < undelivered.Count && undelivered[next].At <= entry.At; next++)
            {
                body.Add(Undelivered(undelivered[next], people));
            }

            var runs = new List<TextRun>
            {
                new($"{CardText.When(entry.At)}  {entry.ProposalId}  ") { IsSubtle = true },
                Literal.Run(entry.ActorName, "Bolder"),
            };
            runs.AddRange(What(entry));

            if (!string.IsNullOrEmpty(entry.Comment))
            {
                runs.Add(new TextRun(" — “"));
                runs.Add(Literal.Run(entry.Comment) with { Italic = true });
                runs.Add(new TextRun("”"));
            }

            body.Add(new RichTextBlock(runs) { Separator = true });
        }

        body.AddRange(undelivered.Skip(next).Select(n => Undelivered(n, people)));
        return new AdaptiveCard { Body = body, FallbackText = $"History of {customerId}." };
    }

    private static RichTextBlock Undelivered(NoticeRecord notice, People people) => new(
    [
        new TextRun($"{CardText.When(notice.At)}  {notice.ProposalId}  ") { IsSubtle = true },
        new TextRun("⚠ notice to ") { Color = "Warning" },
        Literal.Run(people.Name(notice.UserId)) with { Color = "Warning" },
        new TextRun(" " + notice.Detail) { Color = "Warning" },
    ]) { Separator = true };

    public static AdaptiveCard Inbox(IReadOnlyList<(Proposal Proposal, Customer Customer)> waiting, People people)
    {
        ArgumentNullException.ThrowIfNull(waiting);
        var body = new List<Element>
        {
            new TextBlock(waiting.Count == 0 ? "Nothing waits for your approval." : $"{waiting.Count} waiting for your approval") { Style = "heading", Size = "Medium", Weight = "Bolder" },
        };
        foreach (var (proposal, customer) in waiting)
        {
            body.Add(new Container(
            [
                Literal.Block(Literal.Run(customer.Id, "Bolder"), new TextRun(" "), Literal.Run(customer.Name)),
                Literal.Block(
                    new TextRun($"{proposal.Id}: {string.Join(", ", proposal.Lines.Select(l => l.Field))} — from ") { IsSubtle = true },
                    Literal.Run(people.Name(proposal.SubmittedBy ?? proposal.CreatedBy), subtle: true)),
            ]) { Separator = true });
        }

        return new AdaptiveCard { Body = body, FallbackText = $"{waiting.Count} waiting for your approval." };
    }

    /// <summary>The admin's settings: approvals on/off, import behaviour, a toggle per field, and Save.</summary>
    public static AdaptiveCard Settings(WorkflowSettings settings, long version, string? note = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var body = new List<Element>();
        if (!string.IsNullOrEmpty(note))
        {
            body.Add(Literal.Note(note));
        }

        body.AddRange(
        [
            new TextBlock("Approval settings") { Style = "heading", Size = "Medium", Weight = "Bolder" },
            new ToggleInput("Changes to the fields below need approval") { Id = "approvals", Label = "Customer approvals", Value = settings.ApprovalsEnabled ? "true" : "false" },
            new ChoiceSetInput(
            [
                new Choice("Allow changes without approval", nameof(ImportBehaviour.Allow)),
                new Choice("Reject changes to approval fields", nameof(ImportBehaviour.Reject)),
                new Choice("Create change proposals", nameof(ImportBehaviour.Propose)),
            ])
            {
                Id = "import", Label = "What an import does with approval fields", Style = "compact", IsRequired = true,
                ErrorMessage = "Choose what an import does.", Value = settings.ImportBehaviour.ToString(),
            },
            new TextBlock("Fields that need approval") { Weight = "Bolder", Spacing = "Medium" },
        ]);
        body.AddRange(FieldCatalog.All.Select(f => new ToggleInput(f.Name) { Id = "field." + f.Name, Value = settings.ApprovalFields.Contains(f.Name) ? "true" : "false" }));
        var data = new System.Text.Json.Nodes.JsonObject { ["verb"] = SaveSettings, ["version"] = version };
        return new AdaptiveCard
        {
            Body = body,
            Actions =
            [
                ExecuteAction.WithSubmitFallback("Save", SaveSettings, data) with { Style = "positive" },
            ],
            FallbackText = "Approval settings.",
        };
    }

    /// <summary>The notice to the submitter when their proposal is decided.</summary>
    public static AdaptiveCard OutcomeNotice(ApprovalView view)
    {
        ArgumentNullException.ThrowIfNull(view);
        var card = ApprovalCard.Build(view, viewerId: null);
        var headline = view.Proposal.Status switch
        {
            ProposalStatus.Applied => "Your changes were approved and applied",
            ProposalStatus.Rejected => "Your changes were rejected",
            ProposalStatus.ChangeRequested => "Your changes were sent back to you",
            ProposalStatus.Conflict => "Your changes were approved but could not be applied",
            _ => "Your proposal changed",
        };
        return card with { Body = [new TextBlock(headline) { Style = "heading", Size = "Medium", Weight = "Bolder" }, .. card.Body.Skip(1)], Refresh = null };
    }

    /// <summary>
    /// What the entry says after who did it: a decision names its step ("approved step 1 (Manager approval)"), a completed
    /// step and the workflow chosen read as their detail, the rest as the action with its step and detail.
    /// </summary>
    private static IEnumerable<TextRun> What(HistoryEntry entry)
    {
        var detail = string.IsNullOrEmpty(entry.Detail) ? null : entry.Detail;
        switch (entry.Action)
        {
            case HistoryAction.Approved or HistoryAction.Rejected when entry.Step is { } step:
                yield return new TextRun($" {Action(entry.Action)} step {step}{(detail is null ? string.Empty : " (")}");
                if (detail is not null)
                {
                    yield return Literal.Run(detail);
                    yield return new TextRun(")");
                }

                yield break;
            case HistoryAction.StepCompleted when detail is not null:
                yield return new TextRun(": ");
                yield return Literal.Run(detail);
                yield break;
            case HistoryAction.WorkflowChosen:
                yield return new TextRun(" chose the workflow: ");
                yield return Literal.Run(detail);
                yield break;
        }

        yield return new TextRun($" {Action(entry.Action)}{(entry.Step is { } s ? $" (step {s})" : string.Empty)}");
        if (detail is not null)
        {
            yield return new TextRun(" ");
            yield return Literal.Run(detail);
        }
    }

    private static string Action(HistoryAction action) => action switch
    {
        HistoryAction.Discarded => "discarded the proposal",
        HistoryAction.ChangeRequested => "requested a change",
        HistoryAction.StepCompleted => "completed a step",
        HistoryAction.Applied => "applied the changes",
        HistoryAction.Conflict => "found a conflict",
        HistoryAction.Reminded => "sent a reminder",
        HistoryAction.Escalated => "escalated the step",
        HistoryAction.AutoApproved => "approved automatically",
        HistoryAction.AutoRejected => "rejected automatically",
        HistoryAction.Substituted => "routed to a substitute",
        _ => action.ToString().ToLowerInvariant(),
    };
}
