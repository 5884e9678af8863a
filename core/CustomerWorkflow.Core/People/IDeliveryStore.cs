namespace CustomerWorkflow.Core.People;

/// <summary>A card the bot sent about a proposal: where it is, so it can be updated for everyone later.</summary>
/// <param name="Address">Opaque to the core: the chat adapter's conversation reference.</param>
public sealed record SentCard(string ProposalId, string UserId, string Address, string ActivityId, DateTimeOffset At);

/// <summary>What became of a notice to someone about a proposal (shown with the proposal's history).</summary>
public sealed record NoticeRecord(string ProposalId, string CustomerId, DateTimeOffset At, string UserId, bool Delivered, string Detail);

/// <summary>The delivery port: the cards sent per proposal, and what became of notices.</summary>
public interface IDeliveryStore
{
    /// <summary>Remembers a sent card; the same activity recorded twice is kept once.</summary>
    Task AddSentCardAsync(SentCard card, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<SentCard>> ListSentCardsAsync(string proposalId, CancellationToken cancellationToken = default);

    /// <summary>Appends a notice outcome; records are never rewritten.</summary>
    Task AddNoticeAsync(NoticeRecord notice, CancellationToken cancellationToken = default);

    /// <summary>The notice records of a customer's proposals, in order.</summary>
    Task<IReadOnlyList<NoticeRecord>> ListNoticesAsync(string customerId, CancellationToken cancellationToken = default);
}
