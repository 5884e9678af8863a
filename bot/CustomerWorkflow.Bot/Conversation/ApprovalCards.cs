using CustomerWorkflow.Cards;
using CustomerWorkflow.Cards.Model;
using CustomerWorkflow.Cards.Views;
using CustomerWorkflow.Core.Customers;
using CustomerWorkflow.Core.Engine;
using CustomerWorkflow.Core.People;
using CustomerWorkflow.Core.Proposals;

namespace CustomerWorkflow.Bot.Conversation;

/// <summary>Builds the approval card of a proposal for a viewer: the people in it from the directory, and its last action.</summary>
internal sealed class ApprovalCards(ProposalEngine engine, UserDirectory directory)
{
    public async Task<ApprovalView> ViewAsync(Proposal proposal, Customer? customer, string? note, CancellationToken cancellationToken)
    {
        customer ??= (await engine.GetCustomerAsync(proposal.CustomerId, cancellationToken).ConfigureAwait(false)).Customer;
        var history = await engine.GetHistoryAsync(proposal.CustomerId, cancellationToken).ConfigureAwait(false);
        var last = ApprovalView.LastDecision(history, proposal.Id);
        var ids = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { proposal.CreatedBy };
        if (proposal.SubmittedBy is { } submitter)
        {
            ids.Add(submitter);
        }

        ids.UnionWith(proposal.Steps.SelectMany(s => s.Approvers).Select(a => a.UserId));
        if (last is not null)
        {
            ids.Add(last.ActorId);
        }

        var people = new List<Person>();
        foreach (var id in ids)
        {
            var person = await directory.GetAsync(id, cancellationToken).ConfigureAwait(false);
            people.Add(new Person(id, person?.Name ?? (last?.ActorId == id ? last.ActorName : id), person?.ChannelUserId));
        }

        return new ApprovalView(proposal, customer, new People(people), last, note);
    }

    /// <summary>The submitter and the approvers of a proposal, for the clerk's cards.</summary>
    public async Task<People> PeopleAsync(Proposal proposal, CancellationToken cancellationToken) =>
        (await ViewAsync(proposal, null, null, cancellationToken).ConfigureAwait(false)).People;

    public async Task<AdaptiveCard> CardAsync(Proposal proposal, Customer? customer, string? viewerId, string? note, CancellationToken cancellationToken) =>
        ApprovalCard.Build(await ViewAsync(proposal, customer, note, cancellationToken).ConfigureAwait(false), viewerId);

    public static System.Text.Json.JsonElement Json(AdaptiveCard card) => CardJson.ToElement(card);
}
