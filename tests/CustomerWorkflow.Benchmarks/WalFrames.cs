using System.Buffers.Binary;
using System.Globalization;
using CustomerWorkflow.Core.Engine;
using CustomerWorkflow.Core.Fields;
using Microsoft.Data.Sqlite;

namespace CustomerWorkflow.Benchmarks;

/// <summary>
/// <c>dotnet run -c Release -- --wal-frames [ops]</c>: the WAL frames (pages) each use case writes per commit, by
/// table, on the same seeded databases and engine path as the benchmarks. A commit's cost on disk grows with its
/// frames, and unlike a timing this count does not move with the machine's load. A reader holds a snapshot for
/// the whole run, so no checkpoint can restart the WAL and every frame written stays in it to be counted.
/// </summary>
public static class WalFrames
{
    public static async Task RunAsync(int operations)
    {
        SQLitePCL.Batteries_V2.Init();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"WAL frames per commit over {operations} operations:"));
        await MeasureAsync("CommitCeiling", operations, prepare: null, async (path, _) =>
        {
            using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
            connection.Open();
            Execute(connection, "PRAGMA synchronous=FULL; CREATE TABLE IF NOT EXISTS rows (id INTEGER PRIMARY KEY, payload TEXT NOT NULL);");
            using var insert = connection.CreateCommand();
            insert.CommandText = "INSERT INTO rows (id, payload) VALUES ($id, $payload)";
            insert.Parameters.Add("$id", SqliteType.Integer);
            insert.Parameters.Add("$payload", SqliteType.Text).Value = new string('x', 600);
            var before = CountFrames(path);
            for (var i = 1; i <= operations; i++)
            {
                using var tx = connection.BeginTransaction();
                insert.Transaction = tx;
                insert.Parameters[0].Value = i;
                insert.ExecuteNonQuery();
                tx.Commit();
            }

            await Task.CompletedTask;
            return before;
        });

        await MeasureAsync("SetField", operations, prepare: null, async (path, engine) =>
        {
            var before = CountFrames(path);
            for (var n = 0; n < operations; n++)
            {
                var customer = BenchmarkData.Customers[n % BenchmarkData.Customers.Count];
                var value = BenchmarkData.RaisedCreditLimit(customer, 1 + (n / BenchmarkData.Customers.Count));
                await engine!.SetFieldsAsync(BenchmarkData.Clerk, customer.Id, [new(FieldCatalog.CreditLimit, value)]);
            }

            return before;
        });

        List<string> proposals = [];
        await MeasureAsync("ApproveToApplied", operations,
            prepare: async engine => proposals = [.. (await BenchmarkData.ProposeByImportAsync(engine, BenchmarkData.Customers.Take(operations).ToList())).SubmittedProposals],
            async (path, engine) =>
            {
                var before = CountFrames(path);
                foreach (var id in proposals)
                {
                    await engine!.ApproveAsync(BenchmarkData.Approver, id);
                }

                return before;
            });
    }

    private static async Task MeasureAsync(string name, int operations, Func<ProposalEngine, Task>? prepare, Func<string, ProposalEngine?, Task<long>> run)
    {
        var path = BenchmarkData.NewDatabasePath("frames-" + name);
        try
        {
            ProposalEngine? engine = null;
            using var store = name == "CommitCeiling" ? null : await BenchmarkData.CreateSeededStoreAsync(path);
            if (store is null)
            {
                using var create = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
                create.Open();
                Execute(create, "PRAGMA journal_mode=WAL; CREATE TABLE rows (id INTEGER PRIMARY KEY, payload TEXT NOT NULL);");
            }
            else
            {
                engine = new ProposalEngine(store, TimeProvider.System);
                if (prepare is not null)
                {
                    await prepare(engine);
                }
            }

            BenchmarkData.Checkpoint(path);

            // The snapshot that keeps the WAL from restarting.
            using var reader = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
            reader.Open();
            using var snapshot = reader.BeginTransaction(deferred: true);
            using (var read = reader.CreateCommand())
            {
                read.Transaction = snapshot;
                read.CommandText = "SELECT count(*) FROM sqlite_schema";
                read.ExecuteScalar();
            }

            var before = await run(path, engine);
            var pages = FramePages(path).Skip((int)before).ToList();
            // Page 1 is written when the file grows (its header holds the page count) or its free list changes.
            var headerPages = pages.Count(p => p == 1);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {name,-17} {(double)pages.Count / operations,5:F2}  (page 1: {(double)headerPages / operations:F2}, distinct pages: {pages.Distinct().Count()})"));
        }
        finally
        {
            BenchmarkData.DeleteDatabase(path);
        }
    }

    private static long CountFrames(string path) => FramePages(path).Count;

    /// <summary>The page number of every frame in the WAL, in order (the WAL format: a 32-byte header, then frames).</summary>
    private static List<uint> FramePages(string path)
    {
        var wal = path + "-wal";
        var pages = new List<uint>();
        if (!File.Exists(wal))
        {
            return pages;
        }

        using var file = new FileStream(wal, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        var header = new byte[32];
        if (file.Read(header, 0, 32) < 32)
        {
            return pages;
        }

        var pageSize = (int)BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(8));
        var salt = BinaryPrimitives.ReadUInt64BigEndian(header.AsSpan(16));
        var frame = new byte[24];
        for (long offset = 32; offset + 24 + pageSize <= file.Length; offset += 24 + pageSize)
        {
            file.Position = offset;
            file.ReadExactly(frame);
            // A frame of an earlier generation of the WAL (before a restart) has another salt: the log ends there.
            if (BinaryPrimitives.ReadUInt64BigEndian(frame.AsSpan(8)) != salt)
            {
                break;
            }

            pages.Add(BinaryPrimitives.ReadUInt32BigEndian(frame));
        }

        return pages;
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
