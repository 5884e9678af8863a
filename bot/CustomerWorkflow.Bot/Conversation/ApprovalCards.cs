using CustomerWorkflow.Bot.Protocol.Schema;
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
        IEnumerable<string> ids = last is null ? Involved(proposal) : [.. Involved(proposal), last.ActorId];
        var people = await PeopleAsync(ids, id => last?.ActorId == id ? last.ActorName : null, cancellationToken).ConfigureAwait(false);
        return new ApprovalView(proposal, customer, people, last, note);
    }

    /// <summary>The creator, submitter and approvers of a proposal, for the clerk's cards.</summary>
    public Task<People> PeopleAsync(Proposal proposal, CancellationToken cancellationToken) =>
        PeopleAsync(Involved(proposal), null, cancellationToken);

    /// <summary>
    /// The people cards name, from the directory (name and channel id); someone it does not know is shown by
    /// <paramref name="fallbackName"/>, else by their id.
    /// </summary>
    public async Task<People> PeopleAsync(IEnumerable<string> ids, Func<string, string?>? fallbackName, CancellationToken cancellationToken)
    {
        var people = new List<Person>();
        foreach (var id in ids.Distinct(StringComparer.OrdinalIgnoreCase))
        {
            var person = await directory.GetAsync(id, cancellationToken).ConfigureAwait(false);
            people.Add(new Person(id, person?.Name ?? fallbackName?.Invoke(id) ?? id, person?.ChannelUserId));
        }

        return new People(people);
    }

    public async Task<AdaptiveCard> CardAsync(Proposal proposal, Customer? customer, string? viewerId, string? note, CancellationToken cancellationToken) =>
        ApprovalCard.Build(await ViewAsync(proposal, customer, note, cancellationToken).ConfigureAwait(false), viewerId);

    public static System.Text.Json.JsonElement Json(AdaptiveCard card) => CardJson.ToElement(card);

    /// <summary>A card as a message attachment.</summary>
    public static Attachment Attachment(AdaptiveCard card) => new() { ContentType = AdaptiveCard.ContentType, Content = Json(card) };

    private static IEnumerable<string> Involved(Proposal proposal) =>
        [proposal.CreatedBy, .. proposal.SubmittedBy is { } submitter ? [submitter] : Array.Empty<string>(), .. proposal.Steps.SelectMany(s => s.Approvers).Select(a => a.UserId)];
}
