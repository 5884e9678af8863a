using CustomerWorkflow.Cards.Views;
using CustomerWorkflow.Core.Engine;
using CustomerWorkflow.Core.Proposals;

namespace CustomerWorkflow.Bot.Commands;

internal sealed partial class CommandRunner
{
    private async Task<CommandResult> CustomerAsync(CommandContext context)
    {
        var view = await _engine.GetCustomerAsync(Required(context, 0, "which customer, like `customer US-001`"), context.CancellationToken).ConfigureAwait(false);
        var people = await PeopleAsync(view.OpenProposal?.DueApprovers ?? [], context.CancellationToken).ConfigureAwait(false);
        var proposal = view.OpenProposal is { } open ? $" Proposal {open.Id}: {Text.Status(open.Status)}." : " No open proposal.";
        return CommandResult.Say($"Customer {view.Customer.Id} {view.Customer.Name}.{proposal}", ClerkCards.Customer(view, people));
    }

    private async Task<CommandResult> FindAsync(CommandContext context)
    {
        var text = CommandLine.Rest(context.Args, 0) ?? throw new UsageException("Say what to look for: part of a customer id or name.");
        var found = await _engine.FindCustomersAsync(text, 25, context.CancellationToken).ConfigureAwait(false);
        return CommandResult.Say(found.Count == 0
            ? $"No customer's id or name contains \"{text}\"."
            : $"{Text.Plural(found.Count, "customer")} found:\n" + string.Join('\n', found.Select(c => $"- {c.Id} {c.Name}")));
    }

    private async Task<CommandResult> HistoryAsync(CommandContext context)
    {
        var id = Required(context, 0, "which customer, like `history US-001`");
        var entries = await _engine.GetHistoryAsync(id, context.CancellationToken).ConfigureAwait(false);
        var customerId = id.Trim().ToUpperInvariant();
        var notices = await _delivery.ListNoticesAsync(customerId, context.CancellationToken).ConfigureAwait(false);
        var people = await PeopleAsync(notices.Select(n => n.UserId), context.CancellationToken).ConfigureAwait(false);
        return CommandResult.Say(
            entries.Count == 0 ? $"Customer {customerId} has no workflow history yet." : $"History of {customerId}: {(entries.Count == 1 ? "1 entry" : $"{entries.Count} entries")}.",
            OtherCards.History(customerId, entries, notices, people));
    }

    private async Task<CommandResult> SetAsync(CommandContext context)
    {
        var id = Required(context, 0, "which customer and what to set, like `set US-001 CreditLimit 300000`");
        var changes = new List<KeyValuePair<string, string>>();
        if (context.Args.Count > 1 && context.Args[1].IsPair)
        {
            foreach (var token in context.Args.Skip(1))
            {
                if (!token.IsPair)
                {
                    throw new UsageException($"'{token.Text}' is not a field=value pair; give every change as field=value.");
                }

                changes.Add(new(token.Key, token.Value));
            }
        }
        else
        {
            var field = Required(context, 1, "which field to set, like `set US-001 CreditLimit 300000`");
            var value = CommandLine.Rest(context.Args, 2) ?? (context.Args.Count > 2 ? string.Empty : throw new UsageException($"Say the new value of {field}."));
            changes.Add(new(field, value));
        }

        var result = await _engine.SetFieldsAsync(context.Actor, id, changes, context.CancellationToken).ConfigureAwait(false);
        var answer = $"{result.Customer.Id} {result.Customer.Name}:\n" + Text.Changes(result.Changes);
        if (result.Proposal is { } proposal && result.Changes.Any(c => c.Kind == FieldChangeKind.Proposed))
        {
            answer += proposal.Status == ProposalStatus.NotSubmitted
                ? $"\nProposal {proposal.Id} is not submitted. Type `changes {result.Customer.Id}` to review it, `submit {result.Customer.Id}` to send it for approval."
                : $"\nProposal {proposal.Id} is {Text.Status(proposal.Status)}; resubmit it with `submit {result.Customer.Id}`.";
        }

        return CommandResult.Say(answer);
    }

    private async Task<CommandResult> ChangesAsync(CommandContext context)
    {
        var view = await _engine.GetCustomerAsync(Required(context, 0, "which customer, like `changes US-001`"), context.CancellationToken).ConfigureAwait(false);
        if (view.OpenProposal is not { } proposal)
        {
            return CommandResult.Say($"{view.Customer.Id} {view.Customer.Name} has no proposed changes.");
        }

        var people = await PeopleAsync([.. proposal.DueApprovers, .. proposal.SubmittedBy is { } s ? new[] { s } : []], context.CancellationToken).ConfigureAwait(false);
        return CommandResult.Say(
            $"Proposed changes for {view.Customer.Id} {view.Customer.Name}: {Text.Status(proposal.Status)}, {Text.Plural(proposal.Lines.Count, "change")}.",
            ClerkCards.ProposedChanges(proposal, view.Customer, people));
    }

    private async Task<CommandResult> RemoveAsync(CommandContext context)
    {
        var id = Required(context, 0, "which customer and field, like `remove US-001 CreditLimit`");
        var field = Required(context, 1, "which field's proposed change to remove");
        var result = await _engine.RemoveAsync(context.Actor, id, field, context.CancellationToken).ConfigureAwait(false);
        return CommandResult.Say(result.Proposal.IsOpen
            ? $"Removed the proposed change. Proposal {result.Proposal.Id} has {Text.Plural(result.Proposal.Lines.Count, "change")} left."
            : $"Removed the last proposed change, so proposal {result.Proposal.Id} is closed.");
    }

    private async Task<CommandResult> DiscardAsync(CommandContext context)
    {
        var id = Required(context, 0, "which customer, like `discard US-001`");
        var result = await _engine.DiscardAsync(context.Actor, id, context.CancellationToken).ConfigureAwait(false);
        return CommandResult.Say($"Discarded proposal {result.Proposal.Id}; {result.Customer.Id} keeps its values.");
    }

    private async Task<CommandResult> SubmitAsync(CommandContext context)
    {
        var id = Required(context, 0, "which customer, like `submit US-001`");
        var result = await _engine.SubmitAsync(context.Actor, id, CommandLine.Rest(context.Args, 1), context.CancellationToken).ConfigureAwait(false);
        return await OutcomeAsync(context, null, result).ConfigureAwait(false);
    }

    private async Task<CommandResult> RecallAsync(CommandContext context)
    {
        var id = Required(context, 0, "which customer, like `recall US-001`");
        var result = await _engine.RecallAsync(context.Actor, id, CommandLine.Rest(context.Args, 1), context.CancellationToken).ConfigureAwait(false);
        return CommandResult.Say($"Recalled proposal {result.Proposal.Id}: it is {Text.Status(result.Proposal.Status)} again; change it and `submit {result.Customer.Id}` when ready.");
    }

    private async Task<CommandResult> MineAsync(CommandContext context)
    {
        var mine = await _engine.ListMineAsync(context.Actor, 25, context.CancellationToken).ConfigureAwait(false);
        if (mine.Count == 0)
        {
            return CommandResult.Say("You have no proposals.");
        }

        var names = await NamesAsync(mine.SelectMany(p => p.DueApprovers), context.CancellationToken).ConfigureAwait(false);
        return CommandResult.Say("Your proposals:\n" + string.Join('\n', mine.Select(p =>
            $"- {p.Id}: {Text.Status(p.Status)}, {Text.Plural(p.Lines.Count, "change")} ({string.Join(", ", p.Lines.Select(l => l.Field))}){Text.Waiting(p, names)}")));
    }
}
