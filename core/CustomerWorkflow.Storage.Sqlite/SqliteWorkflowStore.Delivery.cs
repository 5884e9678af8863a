using System.Globalization;
using CustomerWorkflow.Core.People;

namespace CustomerWorkflow.Storage.Sqlite;

/// <summary>Sent cards and notice outcomes, in the same file as the customers.</summary>
public sealed partial class SqliteWorkflowStore
{
    public Task AddSentCardAsync(SentCard card, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(card);
        return InWriteTransaction(c =>
        {
            var command = c.Command("""
                INSERT INTO sent_cards (proposal_id, activity_id, user_id, address, at) VALUES ($proposal, $activity, $user, $address, $at)
                ON CONFLICT (proposal_id, activity_id) DO NOTHING
                """);
            command.Parameters.AddWithValue("$proposal", card.ProposalId);
            command.Parameters.AddWithValue("$activity", card.ActivityId);
            command.Parameters.AddWithValue("$user", card.UserId);
            command.Parameters.AddWithValue("$address", card.Address);
            command.Parameters.AddWithValue("$at", Timestamp(card.At));
            command.ExecuteNonQuery();
        }, cancellationToken);
    }

    public Task<IReadOnlyList<SentCard>> ListSentCardsAsync(string proposalId, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<SentCard>>(_pool.Read(c =>
        {
            var command = c.Command("SELECT proposal_id, user_id, address, activity_id, at FROM sent_cards WHERE proposal_id = $proposal ORDER BY at, activity_id");
            command.Parameters.AddWithValue("$proposal", proposalId);
            var cards = new List<SentCard>();
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                cards.Add(new SentCard(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3),
                    DateTimeOffset.Parse(reader.GetString(4), CultureInfo.InvariantCulture)));
            }

            return cards;
        }));

    public Task AddNoticeAsync(NoticeRecord notice, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(notice);
        return InWriteTransaction(c =>
        {
            var command = c.Command("""
                INSERT INTO notices (customer_id, proposal_id, at, user_id, delivered, detail) VALUES ($customer, $proposal, $at, $user, $delivered, $detail)
                """);
            command.Parameters.AddWithValue("$customer", notice.CustomerId);
            command.Parameters.AddWithValue("$proposal", notice.ProposalId);
            command.Parameters.AddWithValue("$at", Timestamp(notice.At));
            command.Parameters.AddWithValue("$user", notice.UserId);
            command.Parameters.AddWithValue("$delivered", notice.Delivered ? 1 : 0);
            command.Parameters.AddWithValue("$detail", notice.Detail);
            command.ExecuteNonQuery();
        }, cancellationToken);
    }

    public Task<IReadOnlyList<NoticeRecord>> ListNoticesAsync(string customerId, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<NoticeRecord>>(_pool.Read(c =>
        {
            var command = c.Command("SELECT proposal_id, customer_id, at, user_id, delivered, detail FROM notices WHERE customer_id = $customer ORDER BY seq");
            command.Parameters.AddWithValue("$customer", customerId);
            var notices = new List<NoticeRecord>();
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                notices.Add(new NoticeRecord(reader.GetString(0), reader.GetString(1), DateTimeOffset.Parse(reader.GetString(2), CultureInfo.InvariantCulture),
                    reader.GetString(3), reader.GetInt32(4) == 1, reader.GetString(5)));
            }

            return notices;
        }));
}
