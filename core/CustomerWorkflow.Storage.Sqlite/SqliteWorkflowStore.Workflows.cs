using System.Globalization;
using CustomerWorkflow.Core.Storage;
using CustomerWorkflow.Core.Workflows;
using Microsoft.Data.Sqlite;

namespace CustomerWorkflow.Storage.Sqlite;

/// <summary>
/// Workflow definitions: a head row per workflow (state, current version, revision) and each version's body once, never
/// rewritten. What runs under a workflow is the customers' <c>open_workflow</c>, written with the proposal.
/// </summary>
public sealed partial class SqliteWorkflowStore
{
    private const string WorkflowQuery = """
        SELECT w.state, w.revision, w.updated_at, w.updated_by, v.body
        FROM workflows w JOIN workflow_versions v ON v.code = w.code AND v.version = w.version
        """;

    public Task<IReadOnlyList<WorkflowRecord>> ListWorkflowsAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<WorkflowRecord>>(_pool.Read(c =>
        {
            using var reader = c.Command(WorkflowQuery + " ORDER BY w.code").ExecuteReader();
            var records = new List<WorkflowRecord>();
            while (reader.Read())
            {
                records.Add(ReadWorkflow(reader));
            }

            return records;
        }));

    public Task<WorkflowRecord?> GetWorkflowAsync(string code, CancellationToken cancellationToken = default) =>
        Task.FromResult(_pool.Read(c =>
        {
            var command = c.Command(WorkflowQuery + " WHERE w.code = $code");
            command.Parameters.AddWithValue("$code", code);
            using var reader = command.ExecuteReader();
            return reader.Read() ? ReadWorkflow(reader) : null;
        }));

    public Task<WorkflowDefinition?> GetWorkflowVersionAsync(string code, int version, CancellationToken cancellationToken = default) =>
        Task.FromResult(_pool.Read(c =>
        {
            var command = c.Command("SELECT body FROM workflow_versions WHERE code = $code AND version = $version");
            command.Parameters.AddWithValue("$code", code);
            command.Parameters.AddWithValue("$version", version);
            return command.ExecuteScalar() is string body ? StoredShapes.Workflow(body) : null;
        }));

    public async Task<long> SaveWorkflowAsync(WorkflowRecord record, long expectedRevision, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        var revision = expectedRevision + 1;
        await InWriteTransaction(c =>
        {
            var head = expectedRevision == 0
                ? c.Command("""
                    INSERT INTO workflows (code, state, version, revision, updated_at, updated_by)
                    VALUES ($code, $state, $version, 1, $at, $by) ON CONFLICT (code) DO NOTHING
                    """)
                : c.Command("""
                    UPDATE workflows SET state = $state, version = $version, revision = revision + 1, updated_at = $at, updated_by = $by
                    WHERE code = $code AND revision = $expected
                    """);
            head.Parameters.AddWithValue("$code", record.Code);
            head.Parameters.AddWithValue("$state", record.State.ToString());
            head.Parameters.AddWithValue("$version", record.Definition.Version);
            head.Parameters.AddWithValue("$at", Timestamp(record.UpdatedAt));
            head.Parameters.AddWithValue("$by", record.UpdatedBy);
            if (expectedRevision != 0)
            {
                head.Parameters.AddWithValue("$expected", expectedRevision);
            }

            if (head.ExecuteNonQuery() != 1)
            {
                throw new ConcurrencyException(expectedRevision == 0
                    ? $"There is a workflow {record.Code} already."
                    : $"Workflow {record.Code} was changed by someone else.");
            }

            // A version is written once; saving a state change names a version that is there already.
            var version = c.Command("INSERT INTO workflow_versions (code, version, body) VALUES ($code, $version, $body) ON CONFLICT (code, version) DO NOTHING");
            version.Parameters.AddWithValue("$code", record.Code);
            version.Parameters.AddWithValue("$version", record.Definition.Version);
            version.Parameters.AddWithValue("$body", StoredShapes.Workflow(record.Definition));
            version.ExecuteNonQuery();
        }, cancellationToken).ConfigureAwait(false);
        return revision;
    }

    public async Task<bool> DeleteWorkflowAsync(string code, long expectedRevision, CancellationToken cancellationToken = default)
    {
        var deleted = false;
        await InWriteTransaction(c =>
        {
            // In the same transaction as the check, so no proposal can start running under it in between.
            if (CountRunning(c, code) > 0)
            {
                return;
            }

            var head = c.Command("DELETE FROM workflows WHERE code = $code AND revision = $expected");
            head.Parameters.AddWithValue("$code", code);
            head.Parameters.AddWithValue("$expected", expectedRevision);
            if (head.ExecuteNonQuery() != 1)
            {
                throw new ConcurrencyException($"Workflow {code} was changed by someone else.");
            }

            var versions = c.Command("DELETE FROM workflow_versions WHERE code = $code");
            versions.Parameters.AddWithValue("$code", code);
            versions.ExecuteNonQuery();
            deleted = true;
        }, cancellationToken).ConfigureAwait(false);
        return deleted;
    }

    public Task<int> CountRunningAsync(string code, CancellationToken cancellationToken = default) =>
        Task.FromResult(_pool.Read(c => CountRunning(c, code)));

    private static int CountRunning(PooledConnection c, string code)
    {
        var command = c.Command("SELECT count(*) FROM customers WHERE open_workflow = $code");
        command.Parameters.AddWithValue("$code", code);
        return Convert.ToInt32(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    private static WorkflowRecord ReadWorkflow(SqliteDataReader reader) =>
        new(StoredShapes.Workflow(reader.GetString(4)), Enum.Parse<WorkflowState>(reader.GetString(0)), reader.GetInt64(1))
        {
            UpdatedAt = DateTimeOffset.Parse(reader.GetString(2), CultureInfo.InvariantCulture),
            UpdatedBy = reader.GetString(3),
        };
}
