using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace CustomerWorkflow.Storage.Sqlite;

/// <summary>
/// A statement of the hot paths (a customer read, and the writes of set, submit and decide), prepared once on its
/// connection and run straight through SQLitePCLRaw. Microsoft.Data.Sqlite looks every parameter up by name and builds
/// a data reader on each execution, which on this machine cost about 2 us a statement and 0.3 us a parameter: a
/// quarter of what .NET may spend on an approval within its target (see the SqliteFloor benchmarks). Parameters are
/// looked up once; values are bound by position; failures become the same <see cref="SqliteException"/> (with its
/// SQLite code) that Microsoft.Data.Sqlite throws, so callers handle both alike. Runs on its connection's transaction,
/// whichever API began it.
/// </summary>
internal sealed class RawStatement : IDisposable
{
    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _statement;
    private readonly Dictionary<string, int> _parameters = new(StringComparer.Ordinal);

    public RawStatement(sqlite3 db, string sql)
    {
        _db = db;
        var rc = raw.sqlite3_prepare_v2(db, sql, out _statement);
        if (rc != raw.SQLITE_OK)
        {
            SqliteException.ThrowExceptionForRC(rc, db);
        }

        for (var i = 1; i <= raw.sqlite3_bind_parameter_count(_statement); i++)
        {
            _parameters[raw.sqlite3_bind_parameter_name(_statement, i).utf8_to_string()] = i;
        }
    }

    /// <summary>Binds a text value, or NULL.</summary>
    public RawStatement Bind(string name, string? value)
    {
        var index = Index(name);
        Check(value is null ? raw.sqlite3_bind_null(_statement, index) : raw.sqlite3_bind_text(_statement, index, value));
        return this;
    }

    /// <summary>Binds text given as UTF-8 bytes (SQLite copies them), or NULL.</summary>
    public RawStatement Bind(string name, byte[]? utf8)
    {
        var index = Index(name);
        Check(utf8 is null ? raw.sqlite3_bind_null(_statement, index) : raw.sqlite3_bind_text(_statement, index, utf8.AsSpan()));
        return this;
    }

    /// <summary>Binds an integer, or NULL.</summary>
    public RawStatement Bind(string name, long? value)
    {
        var index = Index(name);
        Check(value is { } number ? raw.sqlite3_bind_int64(_statement, index, number) : raw.sqlite3_bind_null(_statement, index));
        return this;
    }

    /// <summary>Runs a statement that returns no rows; the number of rows it changed.</summary>
    public int Execute()
    {
        try
        {
            var rc = raw.sqlite3_step(_statement);
            if (rc != raw.SQLITE_DONE && rc != raw.SQLITE_ROW)
            {
                SqliteException.ThrowExceptionForRC(rc, _db);
            }

            return raw.sqlite3_changes(_db);
        }
        finally
        {
            Reset();
        }
    }

    /// <summary>Runs a query and hands its first row, if any, to <paramref name="read"/>.</summary>
    public T? ReadFirst<T>(Func<sqlite3_stmt, T> read)
    {
        try
        {
            var rc = raw.sqlite3_step(_statement);
            if (rc == raw.SQLITE_ROW)
            {
                return read(_statement);
            }

            if (rc != raw.SQLITE_DONE)
            {
                SqliteException.ThrowExceptionForRC(rc, _db);
            }

            return default;
        }
        finally
        {
            Reset();
        }
    }

    /// <summary>The last row id this connection inserted (of the statement just run, when it inserted).</summary>
    public long LastInsertRowId => raw.sqlite3_last_insert_rowid(_db);

    public void Dispose() => _statement.Dispose();

    private void Reset()
    {
        raw.sqlite3_reset(_statement);
        raw.sqlite3_clear_bindings(_statement);
    }

    private int Index(string name) =>
        _parameters.TryGetValue(name, out var index) ? index : throw new ArgumentException($"The statement has no parameter {name}.", nameof(name));

    private void Check(int rc)
    {
        if (rc != raw.SQLITE_OK)
        {
            SqliteException.ThrowExceptionForRC(rc, _db);
        }
    }
}
