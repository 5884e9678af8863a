using System.Globalization;
using CustomerWorkflow.Core.Import;
using Microsoft.Data.Sqlite;

namespace CustomerWorkflow.Storage.Sqlite;

/// <summary>The import log, in the same file as the customers.</summary>
public sealed partial class SqliteWorkflowStore : IImportLog
{
    private const int SqliteConstraint = 19;

    public Task AddRowPageAsync(string importId, int page, IReadOnlyList<ImportRowResult> rows, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(rows);
        return InWriteTransaction(c =>
        {
            var command = c.Command("""
                INSERT INTO import_rows (import_id, page, body) VALUES ($import, $page, $body)
                ON CONFLICT (import_id, page) DO UPDATE SET body = excluded.body
                """);
            command.Parameters.AddWithValue("$import", importId);
            command.Parameters.AddWithValue("$page", page);
            command.Parameters.AddWithValue("$body", ImportLogShapes.Rows(rows));
            command.ExecuteNonQuery();
        }, cancellationToken);
    }

    public async Task<bool> RecordAsync(ImportRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        try
        {
            await InWriteTransaction(c =>
            {
                var command = c.Command("""
                    INSERT INTO imports (id, at, entry_point, actor_id, idempotency_key, body) VALUES ($id, $at, $entry, $actor, $key, $body)
                    """);
                command.Parameters.AddWithValue("$id", record.Id);
                command.Parameters.AddWithValue("$at", Timestamp(record.At));
                command.Parameters.AddWithValue("$entry", record.EntryPoint.ToString());
                command.Parameters.AddWithValue("$actor", record.ActorId);
                command.Parameters.AddWithValue("$key", (object?)record.IdempotencyKey ?? DBNull.Value);
                command.Parameters.AddWithValue("$body", ImportLogShapes.Record(record));
                command.ExecuteNonQuery();
            }, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (SqliteException e) when (e.SqliteErrorCode == SqliteConstraint)
        {
            // The id or the idempotency key is taken: the import was recorded already.
            return false;
        }
    }

    public Task<ImportRecord?> GetImportAsync(string importId, CancellationToken cancellationToken = default) =>
        Task.FromResult(ReadImport("SELECT body FROM imports WHERE id = $p", importId));

    public Task<ImportRecord?> FindImportByKeyAsync(string idempotencyKey, CancellationToken cancellationToken = default) =>
        Task.FromResult(ReadImport("SELECT body FROM imports WHERE idempotency_key = $p", idempotencyKey));

    public Task<IReadOnlyList<ImportRowResult>> GetRowPageAsync(string importId, int page, CancellationToken cancellationToken = default) =>
        Task.FromResult(_pool.Read(c =>
        {
            var command = c.Command("SELECT body FROM import_rows WHERE import_id = $import AND page = $page");
            command.Parameters.AddWithValue("$import", importId);
            command.Parameters.AddWithValue("$page", page);
            return command.ExecuteScalar() is string body ? ImportLogShapes.Rows(body) : [];
        }));

    public Task<IReadOnlyList<ImportRecord>> ListImportsAsync(DateTimeOffset since, int max, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<ImportRecord>>(_pool.Read(c =>
        {
            var command = c.Command("SELECT body FROM imports WHERE at >= $since ORDER BY at DESC, id LIMIT $max");
            command.Parameters.AddWithValue("$since", Timestamp(since));
            command.Parameters.AddWithValue("$max", max);
            using var reader = command.ExecuteReader();
            var records = new List<ImportRecord>();
            while (reader.Read())
            {
                records.Add(ImportLogShapes.Record(reader.GetString(0)));
            }

            return records;
        }));

    private ImportRecord? ReadImport(string sql, string parameter) =>
        _pool.Read(c =>
        {
            var command = c.Command(sql);
            command.Parameters.AddWithValue("$p", parameter);
            return command.ExecuteScalar() is string body ? ImportLogShapes.Record(body) : null;
        });
}
