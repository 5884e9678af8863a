using CustomerWorkflow.Bot.Conversation;
using CustomerWorkflow.Bot.Teams;
using CustomerWorkflow.Cards.Views;
using CustomerWorkflow.Core;
using CustomerWorkflow.Core.Engine;
using CustomerWorkflow.Core.Proposals;
using CustomerWorkflow.Core.Scheduling;

namespace CustomerWorkflow.Bot.Commands;

internal sealed partial class CommandRunner
{
    private async Task<CommandResult> InboxAsync(CommandContext context)
    {
        var waiting = await _engine.GetInboxAsync(context.Actor, context.CancellationToken).ConfigureAwait(false);
        if (waiting.Count == 0)
        {
            return CommandResult.Say("Nothing waits for your approval.");
        }

        var replies = new List<Reply> { new($"{Text.Plural(waiting.Count, "proposal")} wait for you:") };
        foreach (var proposal in waiting)
        {
            var view = await _engine.GetCustomerAsync(proposal.CustomerId, context.CancellationToken).ConfigureAwait(false);
            var names = await NamesAsync([.. proposal.DueApprovers, proposal.SubmittedBy ?? proposal.CreatedBy], context.CancellationToken).ConfigureAwait(false);
            replies.Add(new Reply(
                Text.Proposal(proposal, view.Customer, names) + $"\n\n`approve {proposal.Id} [comment]`, `reject {proposal.Id} <reason>`, `request-change {proposal.Id} <comment>`, `delegate {proposal.Id} <user>`",
                await _cards.CardAsync(proposal, view.Customer, context.Actor.Id, null, context.CancellationToken).ConfigureAwait(false)));
        }

        return new CommandResult(replies, []);
    }

    private Task<CommandResult> ApproveAsync(CommandContext context) =>
        DecideAsync(context, "approve", (id, rest, version) => _engine.ApproveAsync(context.Actor, id, rest, version, context.CancellationToken));

    private Task<CommandResult> RejectAsync(CommandContext context) =>
        DecideAsync(context, "reject", (id, rest, version) => _engine.RejectAsync(context.Actor, id, rest, version, context.CancellationToken));

    private Task<CommandResult> RequestChangeAsync(CommandContext context) =>
        DecideAsync(context, "request a change to", (id, rest, version) => _engine.RequestChangeAsync(context.Actor, id, rest, version, context.CancellationToken));

    private async Task<CommandResult> DelegateAsync(CommandContext context)
    {
        var id = Required(context, 0, "which proposal and to whom, like `delegate US-001-P1 ann@contoso.com`");
        var who = CommandLine.Rest(context.Args, 1) ?? throw new UsageException("Say whom to delegate to: an @mention, their email or their name.");
        var delegate_ = await ResolveUserAsync(who, context.CancellationToken).ConfigureAwait(false);
        var before = await _engine.GetProposalAsync(id, context.CancellationToken).ConfigureAwait(false);
        var result = await _engine.DelegateAsync(context.Actor, id, delegate_.Id, null, null, context.CancellationToken).ConfigureAwait(false);
        var outcome = await OutcomeAsync(context, before, result).ConfigureAwait(false);
        return outcome with { Replies = [new Reply($"Delegated your approval of {result.Proposal.Id} to {delegate_.Name}.")] };
    }

    /// <summary>Runs a decision by command: the proposal id first, the comment or reason after it.</summary>
    /// <param name="before">The proposal as the caller just read it, if it did (saves reading it again).</param>
    public async Task<CommandResult> DecideAsync(CommandContext context, string verb, Func<string, string?, long?, Task<ProposalResult>> decide, long? expectedVersion = null, string? proposalId = null, string? comment = null, Proposal? before = null)
    {
        var id = proposalId ?? Required(context, 0, $"which proposal to {verb}, like `approve US-001-P1`");
        before ??= await _engine.GetProposalAsync(id, context.CancellationToken).ConfigureAwait(false);
        var result = await decide(id, comment ?? CommandLine.Rest(context.Args, 1), expectedVersion).ConfigureAwait(false);
        return await OutcomeAsync(context, before, result).ConfigureAwait(false);
    }

    /// <summary>
    /// The answer after a submit or a decision, and who else to tell: the approvers of a step that just started, and
    /// the submitter when the proposal was applied, rejected, sent back or hit a conflict.
    /// </summary>
    private async Task<CommandResult> OutcomeAsync(CommandContext context, Proposal? before, ProposalResult result)
    {
        var proposal = result.Proposal;
        var customer = result.Customer;
        var submitter = proposal.SubmittedBy ?? proposal.CreatedBy;
        var notices = new List<Notice>();
        // One view of the proposal serves every card below (each reader sees it from where they stand) and the names.
        var view = await _cards.ViewAsync(proposal, customer, null, context.CancellationToken).ConfigureAwait(false);
        Func<string, string> names = view.People.Name;
        string answer;
        var decision = proposal.DecisionComment is { Length: > 0 } c ? $": \"{c}\"" : string.Empty;
        switch (proposal.Status)
        {
            case ProposalStatus.PendingApproval:
                var newStep = before is null || before.Status != ProposalStatus.PendingApproval || before.CurrentStep != proposal.CurrentStep;
                var delegated = before is not null && !newStep ? proposal.DueApprovers.Except(before.DueApprovers, StringComparer.OrdinalIgnoreCase).ToList() : [];
                var toTell = newStep ? proposal.DueApprovers : delegated;
                answer = before is null || before.Status != ProposalStatus.PendingApproval
                    ? $"Submitted proposal {proposal.Id}: changes pending approval{Text.Waiting(proposal, names)}.{(proposal.Run is { } run ? $" It runs under workflow {run}." : string.Empty)}"
                    : newStep
                        ? $"Recorded. Proposal {proposal.Id} moves on{Text.Waiting(proposal, names)}."
                        : $"Recorded. Proposal {proposal.Id} is still pending{Text.Waiting(proposal, names)}.";
                foreach (var u in toTell.Where(u => !context.Actor.Is(u)))
                {
                    notices.Add(new Notice(
                        u,
                        $"{names(submitter)} asks for your approval of changes to {customer.Id} {customer.Name} (proposal {proposal.Id}). Type `approve {proposal.Id}` or `inbox`.",
                        ApprovalCard.Build(view, u),
                        proposal.Id,
                        FeedActivity.Of(ActivityFeedTypes.ApprovalRequested, ("submitter", names(submitter)), ("customer", $"{customer.Id} {customer.Name}")),
                        DigestKind.ApprovalRequested));
                }
                break;
            case ProposalStatus.Applied:
                answer = $"Approved: proposal {proposal.Id} is applied to {customer.Id} {customer.Name} ("
                    + string.Join("; ", proposal.Lines.Select(l => $"{l.Field} {Text.Value(l.ProposedValue)}")) + ").";
                notices.Add(new Notice(submitter, $"Your changes to {customer.Id} {customer.Name} (proposal {proposal.Id}) were approved and applied.",
                    Feed: FeedActivity.Of(ActivityFeedTypes.ProposalDecided, ("customer", $"{customer.Id} {customer.Name}"), ("outcome", "approved and applied"))));
                break;
            case ProposalStatus.Conflict:
                answer = $"Proposal {proposal.Id} was approved but not applied: {customer.Id} changed since it was proposed ({string.Join(", ", proposal.ConflictFields)}). It is flagged as a conflict.";
                notices.Add(new Notice(submitter, $"Your changes to {customer.Id} (proposal {proposal.Id}) were approved but not applied: {string.Join(", ", proposal.ConflictFields)} changed in the meantime. Propose them again if they still hold.",
                    Feed: FeedActivity.Of(ActivityFeedTypes.ProposalDecided, ("customer", $"{customer.Id} {customer.Name}"), ("outcome", "approved but not applied: the customer changed meanwhile"))));
                break;
            case ProposalStatus.Rejected:
                answer = $"Rejected proposal {proposal.Id}{decision}.";
                notices.Add(new Notice(submitter, $"{context.Actor.DisplayName} rejected your changes to {customer.Id} {customer.Name} (proposal {proposal.Id}){decision}.",
                    Feed: FeedActivity.Of(ActivityFeedTypes.ProposalDecided, ("customer", $"{customer.Id} {customer.Name}"), ("outcome", "rejected"))));
                break;
            case ProposalStatus.ChangeRequested:
                answer = $"Sent proposal {proposal.Id} back to {names(submitter)}{decision}.";
                notices.Add(new Notice(submitter, $"{context.Actor.DisplayName} asks you to change proposal {proposal.Id} for {customer.Id}{decision}. Type `changes {customer.Id}`, then `submit {customer.Id}` again.",
                    Feed: FeedActivity.Of(ActivityFeedTypes.ChangeRequested, ("approver", context.Actor.DisplayName), ("customer", $"{customer.Id} {customer.Name}"))));
                break;
            default:
                answer = $"Proposal {proposal.Id} is {Text.Status(proposal.Status)}.";
                break;
        }

        if (proposal.Status is ProposalStatus.Applied or ProposalStatus.Conflict or ProposalStatus.Rejected or ProposalStatus.ChangeRequested)
        {
            var notice = OtherCards.OutcomeNotice(view);
            notices = [.. notices.Select(n => n.UserId == submitter ? n with { Card = notice, ProposalId = proposal.Id, Digest = DigestKind.Decided } : n)];
        }

        // What the workflow's responses asked for: notices to people, posts in a channel.
        foreach (var effect in result.Effects)
        {
            var text = $"{effect.Message} ({effect.Source})";
            if (effect.Kind == Core.Workflows.EffectKind.PostToChannel && effect.Channel is { } channel)
            {
                notices.Add(new Notice(Notifier.ChannelPrefix + channel, text, ProposalId: proposal.Id));
            }
            else
            {
                notices.AddRange(effect.Users.Select(u => new Notice(u, text, ProposalId: proposal.Id)));
            }
        }

        return new CommandResult([new Reply(answer)], [.. notices.Where(n => !context.Actor.Is(n.UserId))], proposal.Id) { View = view };
    }

    /// <summary>The people a card names, from the directory (name and Teams id).</summary>
    private Task<Cards.Views.People> PeopleAsync(IEnumerable<string> ids, CancellationToken cancellationToken) =>
        _cards.PeopleAsync(ids, null, cancellationToken);

    /// <summary>A name for each id, from the directory; ids it does not know are shown as they are.</summary>
    private async Task<Func<string, string>> NamesAsync(IEnumerable<string> ids, CancellationToken cancellationToken) =>
        (await PeopleAsync(ids, cancellationToken).ConfigureAwait(false)).Name;

    private async Task<Core.People.UserProfile> ResolveUserAsync(string key, CancellationToken cancellationToken) =>
        await _people.ResolveAsync(key, cancellationToken).ConfigureAwait(false)
        ?? throw new WorkflowException(Refusal.UnknownUser,
            $"I haven't met '{key}' yet. Ask them to open the bot in Teams once (say hi to it), then try again.");
}
