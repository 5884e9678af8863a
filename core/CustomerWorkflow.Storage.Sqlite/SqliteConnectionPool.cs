using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;

namespace CustomerWorkflow.Storage.Sqlite;

/// <summary>
/// Open connections with their pragmas set once and their statements prepared once. One writer (SQLite has one
/// write lock per file anyway; in-process writers queue here instead of spinning on the file lock) and as many
/// readers as are used at once (WAL lets them read beside the writer).
/// </summary>
internal sealed class SqliteConnectionPool : IDisposable
{
    private readonly string _connectionString;
    private readonly SqliteStoreOptions _options;
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private readonly ConcurrentBag<PooledConnection> _readers = [];
    private PooledConnection? _writer;
    private bool _disposed;

    public SqliteConnectionPool(SqliteStoreOptions options)
    {
        _options = options;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = options.DatabasePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = false,
            DefaultTimeout = (int)Math.Ceiling(options.BusyTimeout.TotalSeconds),
        }.ToString();
    }

    /// <summary>Runs work on the writer connection, one at a time.</summary>
    public async Task<T> WriteAsync<T>(Func<PooledConnection, T> work, CancellationToken cancellationToken)
    {
        await _writeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _writer ??= Open();
            return work(_writer);
        }
        finally
        {
            _writeGate.Release();
        }
    }

    /// <summary>
    /// Runs work on a reader connection — or on the writer when it is idle: a connection drops its page cache
    /// whenever another connection commits, so after a write the writer is the one with the pages still warm.
    /// </summary>
    public T Read<T>(Func<PooledConnection, T> work)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_writer is not null && _writeGate.Wait(0))
        {
            try
            {
                return work(_writer);
            }
            finally
            {
                _writeGate.Release();
            }
        }

        if (!_readers.TryTake(out var connection))
        {
            connection = Open();
        }

        try
        {
            return work(connection);
        }
        finally
        {
            if (_disposed)
            {
                connection.Dispose();
            }
            else
            {
                _readers.Add(connection);
            }
        }
    }

    public void Dispose()
    {
        _disposed = true;
        _writeGate.Wait();
        try
        {
            _writer?.Dispose();
            _writer = null;
            while (_readers.TryTake(out var reader))
            {
                reader.Dispose();
            }
        }
        finally
        {
            _writeGate.Release();
        }
    }

    private PooledConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        var pooled = new PooledConnection(connection);
        pooled.Execute($"""
            PRAGMA busy_timeout = {(int)_options.BusyTimeout.TotalMilliseconds};
            PRAGMA synchronous = {(_options.DurableCommits ? "FULL" : "NORMAL")};
            PRAGMA foreign_keys = ON;
            """);
        return pooled;
    }
}

/// <summary>A connection with its prepared statements, reused by SQL text.</summary>
internal sealed class PooledConnection(SqliteConnection connection) : IDisposable
{
    private readonly Dictionary<string, SqliteCommand> _commands = new(StringComparer.Ordinal);
    private readonly Dictionary<string, RawStatement> _statements = new(StringComparer.Ordinal);

    public SqliteConnection Connection { get; } = connection;

    /// <summary>A prepared command for the SQL, its parameters cleared (it runs on the connection's transaction, if any).</summary>
    public SqliteCommand Command(string sql)
    {
        if (!_commands.TryGetValue(sql, out var command))
        {
#pragma warning disable CA2100 // Only the adapter's own constant SQL reaches here; values are bound as parameters.
            command = Connection.CreateCommand();
            command.CommandText = sql;
#pragma warning restore CA2100
            _commands[sql] = command;
        }

        command.Parameters.Clear();
        return command;
    }

    /// <summary>
    /// The work in one immediate transaction on this connection: all of it commits, or none of it. BEGIN, COMMIT and
    /// ROLLBACK are prepared once (Microsoft.Data.Sqlite's transactions prepare them again each time, a few microseconds
    /// of every write), so the work's commands take no <see cref="SqliteTransaction"/>: Microsoft.Data.Sqlite sees no
    /// transaction of its own and runs them on the connection's.
    /// </summary>
    public T InTransaction<T>(Func<PooledConnection, T> work)
    {
        Raw("BEGIN IMMEDIATE").Execute();
        try
        {
            var result = work(this);
            Raw("COMMIT").Execute();
            return result;
        }
        catch
        {
            // SQLite may have rolled back already (some errors end the transaction); otherwise roll back here.
            if (SQLitePCL.raw.sqlite3_get_autocommit(Connection.Handle) == 0)
            {
                Raw("ROLLBACK").Execute();
            }

            throw;
        }
    }

    /// <summary>A statement of the hot paths, prepared once and run through SQLitePCLRaw (see <see cref="RawStatement"/>).</summary>
    public RawStatement Raw(string sql)
    {
        if (!_statements.TryGetValue(sql, out var statement))
        {
            statement = new RawStatement(Connection.Handle!, sql);
            _statements[sql] = statement;
        }

        return statement;
    }

    public void Execute(string sql)
    {
        using var command = Connection.CreateCommand();
#pragma warning disable CA2100 // Constant SQL of the adapter.
        command.CommandText = sql;
#pragma warning restore CA2100
        command.ExecuteNonQuery();
    }

    public void Dispose()
    {
        foreach (var command in _commands.Values)
        {
            command.Dispose();
        }

        foreach (var statement in _statements.Values)
        {
            statement.Dispose();
        }

        Connection.Dispose();
    }
}
