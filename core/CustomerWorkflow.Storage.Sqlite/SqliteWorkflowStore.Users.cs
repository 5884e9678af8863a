using System.Globalization;
using CustomerWorkflow.Core;
using CustomerWorkflow.Core.Storage;
using CustomerWorkflow.Core.People;
using Microsoft.Data.Sqlite;

namespace CustomerWorkflow.Storage.Sqlite;

/// <summary>The people and the idempotency claims, in the same file as the customers.</summary>
public sealed partial class SqliteWorkflowStore
{
    private const string UserColumns = "id, name, upn, email, channel_user_id, roles, address, version, manager_id, approval_limit, substitute_id, away_until, notify";

    /// <summary>Claims older than this are forgotten: far beyond any channel's redelivery window.</summary>
    private static readonly TimeSpan _claimLifetime = TimeSpan.FromDays(2);

    private long _claimsSincePrune;

    public Task<UserProfile?> GetUserAsync(string id, CancellationToken cancellationToken = default) =>
        Task.FromResult(_pool.Read(c =>
        {
            var command = c.Command($"SELECT {UserColumns} FROM users WHERE id = $key");
            command.Parameters.AddWithValue("$key", id);
            using var reader = command.ExecuteReader();
            return reader.Read() ? ReadUser(reader) : null;
        }));

    public Task<UserProfile?> FindUserAsync(string key, CancellationToken cancellationToken = default) =>
        Task.FromResult(_pool.Read(c =>
        {
            // Each branch uses its own index; an id match wins over the others.
            var command = c.Command($"""
                SELECT {UserColumns}, 0 AS rank FROM users WHERE id = $key
                UNION ALL SELECT {UserColumns}, 1 FROM users WHERE upn = $key
                UNION ALL SELECT {UserColumns}, 2 FROM users WHERE email = $key
                UNION ALL SELECT {UserColumns}, 3 FROM users WHERE channel_user_id = $key
                ORDER BY rank LIMIT 1
                """);
            command.Parameters.AddWithValue("$key", key);
            using var reader = command.ExecuteReader();
            return reader.Read() ? ReadUser(reader) : null;
        }));

    public Task<IReadOnlyList<UserProfile>> FindUsersByNameAsync(string name, int max, CancellationToken cancellationToken = default) =>
        QueryUsers($"SELECT {UserColumns} FROM users WHERE name = $name ORDER BY id LIMIT $max", name, max);

    public Task<IReadOnlyList<UserProfile>> ListUsersWithRolesAsync(CancellationToken cancellationToken = default) =>
        QueryUsers($"SELECT {UserColumns} FROM users WHERE roles <> 0 ORDER BY name, id LIMIT $max", null, 10_000);

    public async Task<long> SaveUserAsync(UserProfile user, long expectedVersion, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        var version = expectedVersion + 1;
        await InWriteTransaction(c =>
        {
            SqliteCommand command;
            if (expectedVersion == 0)
            {
                command = c.Command($"INSERT INTO users ({UserColumns}) VALUES ($id, $name, $upn, $email, $channel, $roles, $address, 1, $manager, $limit, $substitute, $away, $notify) ON CONFLICT (id) DO NOTHING");
            }
            else
            {
                command = c.Command("""
                    UPDATE users SET name = $name, upn = $upn, email = $email, channel_user_id = $channel, roles = $roles,
                        address = $address, manager_id = $manager, approval_limit = $limit, substitute_id = $substitute, away_until = $away, notify = $notify,
                        version = $version
                    WHERE id = $id AND version = $expected
                    """);
                command.Parameters.AddWithValue("$version", version);
                command.Parameters.AddWithValue("$expected", expectedVersion);
            }

            command.Parameters.AddWithValue("$id", user.Id);
            command.Parameters.AddWithValue("$name", user.Name);
            command.Parameters.AddWithValue("$upn", (object?)user.Upn ?? DBNull.Value);
            command.Parameters.AddWithValue("$email", (object?)user.Email ?? DBNull.Value);
            command.Parameters.AddWithValue("$channel", (object?)user.ChannelUserId ?? DBNull.Value);
            command.Parameters.AddWithValue("$roles", (int)user.Roles);
            command.Parameters.AddWithValue("$address", (object?)user.Address ?? DBNull.Value);
            command.Parameters.AddWithValue("$manager", (object?)user.ManagerId ?? DBNull.Value);
            command.Parameters.AddWithValue("$limit", user.ApprovalLimit is { } limit ? limit.ToString("0.00", CultureInfo.InvariantCulture) : DBNull.Value);
            command.Parameters.AddWithValue("$substitute", (object?)user.SubstituteId ?? DBNull.Value);
            command.Parameters.AddWithValue("$away", user.AwayUntil is { } away ? Timestamp(away) : DBNull.Value);
            command.Parameters.AddWithValue("$notify", user.Notify == NotificationPreference.AtOnce ? DBNull.Value : user.Notify.ToString());
            if (command.ExecuteNonQuery() != 1)
            {
                throw new ConcurrencyException($"The user {user.Id} changed since it was read (expected version {expectedVersion}).");
            }
        }, cancellationToken).ConfigureAwait(false);
        return version;
    }

    public async Task<bool> TryClaimAsync(string key, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        var claimed = false;
        var prune = Interlocked.Increment(ref _claimsSincePrune) % 1000 == 0;
        await InWriteTransaction(c =>
        {
            var command = c.Command("INSERT INTO claims (key, at) VALUES ($key, $at) ON CONFLICT (key) DO NOTHING");
            command.Parameters.AddWithValue("$key", key);
            command.Parameters.AddWithValue("$at", Timestamp(at));
            claimed = command.ExecuteNonQuery() == 1;
            if (prune)
            {
                var old = c.Command("DELETE FROM claims WHERE at < $before");
                old.Parameters.AddWithValue("$before", Timestamp(at - _claimLifetime));
                old.ExecuteNonQuery();
            }
        }, cancellationToken).ConfigureAwait(false);
        return claimed;
    }

    public Task ReleaseClaimAsync(string key, CancellationToken cancellationToken = default) =>
        InWriteTransaction(c =>
        {
            var command = c.Command("DELETE FROM claims WHERE key = $key");
            command.Parameters.AddWithValue("$key", key);
            command.ExecuteNonQuery();
        }, cancellationToken);

    private Task<IReadOnlyList<UserProfile>> QueryUsers(string sql, string? name, int max) =>
        Task.FromResult<IReadOnlyList<UserProfile>>(_pool.Read(c =>
        {
            var command = c.Command(sql);
            if (name is not null)
            {
                command.Parameters.AddWithValue("$name", name);
            }

            command.Parameters.AddWithValue("$max", max);
            var users = new List<UserProfile>();
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                users.Add(ReadUser(reader));
            }

            return users;
        }));

    private static UserProfile ReadUser(SqliteDataReader reader) => new(
        reader.GetString(0),
        reader.GetString(1),
        reader.IsDBNull(2) ? null : reader.GetString(2),
        reader.IsDBNull(3) ? null : reader.GetString(3),
        reader.IsDBNull(4) ? null : reader.GetString(4),
        (Roles)reader.GetInt32(5),
        reader.IsDBNull(6) ? null : reader.GetString(6),
        reader.GetInt64(7),
        reader.IsDBNull(10) ? null : reader.GetString(10),
        reader.IsDBNull(11) ? null : DateTimeOffset.Parse(reader.GetString(11), CultureInfo.InvariantCulture),
        reader.IsDBNull(12) ? NotificationPreference.AtOnce : Enum.Parse<NotificationPreference>(reader.GetString(12)))
    {
        ManagerId = reader.IsDBNull(8) ? null : reader.GetString(8),
        ApprovalLimit = reader.IsDBNull(9) ? null : decimal.Parse(reader.GetString(9), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture),
    };
}
