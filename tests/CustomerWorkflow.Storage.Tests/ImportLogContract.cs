using CustomerWorkflow.Core.Import;
using CustomerWorkflow.Core.Settings;

namespace CustomerWorkflow.Storage.Tests;

/// <summary>
/// The contract of the import log: a record is written once and found by id and by idempotency key, a key belongs to
/// one import, row pages round-trip (reasons cut to the stored length), and the list shows the newest first.
/// </summary>
public abstract class ImportLogContract : StoreContract<IImportLog>
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.UtcNow.AddMinutes(-30);

    protected static ImportRecord Record(string id, DateTimeOffset? at = null, string? key = null) => new()
    {
        Id = id,
        At = at ?? T0,
        EntryPoint = ImportEntryPoint.Api,
        ActorId = "app:erp-sync",
        ActorName = "ERP sync",
        FileName = "customers.csv",
        Bytes = 1234,
        Behaviour = ImportBehaviour.Propose,
        Rows = 3,
        Applied = 1,
        Proposed = 1,
        Rejected = 1,
        Submitted = 1,
        SubmittedProposals = ["US-001-P1"],
        Problems = ["US-009-P2 was not submitted: no approver"],
        RowsKept = ImportRowsKept.All,
        Pages = 1,
        IdempotencyKey = key,
        RequestHash = key is null ? null : "sha256:abc",
        Duration = TimeSpan.FromMilliseconds(1500),
    };

    private static readonly IReadOnlyList<ImportRowResult> Rows =
    [
        new(1, "US-001", ImportOutcome.Proposed, null, [new("CreditLimit", ImportOutcome.Proposed), new("City", ImportOutcome.Applied)]),
        new(2, "US-404", ImportOutcome.Rejected, "There is no customer US-404.", []),
        new(3, "US-002", ImportOutcome.Rejected, "'x' is not a valid Email.", [new("Email", ImportOutcome.Rejected, "'x' is not a valid Email.")]),
    ];

    private static string Json(ImportRecord? record) => record is null ? "(none)" : ImportLogShapes.Record(record);

    private static string Json(IReadOnlyList<ImportRowResult> rows) => ImportLogShapes.Rows(rows);

    [Fact]
    public async Task A_recorded_import_is_found_by_id_and_by_its_key()
    {
        var record = Record("imp-1", key: "api|erp|key-1");

        Assert.True(await Store.RecordAsync(record));

        Assert.Equal(Json(record), Json(await Store.GetImportAsync("imp-1")));
        Assert.Equal(Json(record), Json(await Store.FindImportByKeyAsync("api|erp|key-1")));
        Assert.Null(await Store.GetImportAsync("imp-2"));
        Assert.Null(await Store.FindImportByKeyAsync("api|erp|other"));
    }

    [Fact]
    public async Task An_idempotency_key_belongs_to_the_first_import_that_records_it()
    {
        Assert.True(await Store.RecordAsync(Record("imp-1", key: "api|erp|same")));
        var second = await OpenSecondInstanceAsync();

        Assert.False(await second.RecordAsync(Record("imp-2", key: "api|erp|same")));

        Assert.Equal("imp-1", (await Store.FindImportByKeyAsync("api|erp|same"))?.Id);
        Assert.Null(await Store.GetImportAsync("imp-2"));
    }

    [Fact]
    public async Task An_import_is_recorded_once()
    {
        Assert.True(await Store.RecordAsync(Record("imp-1")));

        Assert.False(await Store.RecordAsync(Record("imp-1") with { Rows = 99 }));

        Assert.Equal(3, (await Store.GetImportAsync("imp-1"))?.Rows);
    }

    [Fact]
    public async Task Row_pages_round_trip_and_a_missing_page_is_empty()
    {
        await Store.AddRowPageAsync("imp-1", 0, Rows);
        await Store.AddRowPageAsync("imp-1", 1, [Rows[1]]);

        Assert.Equal(Json(Rows), Json(await Store.GetRowPageAsync("imp-1", 0)));
        Assert.Equal(Json([Rows[1]]), Json(await Store.GetRowPageAsync("imp-1", 1)));
        Assert.Empty(await Store.GetRowPageAsync("imp-1", 2));
        Assert.Empty(await Store.GetRowPageAsync("imp-other", 0));
    }

    [Fact]
    public async Task A_page_written_again_replaces_the_first()
    {
        await Store.AddRowPageAsync("imp-1", 0, Rows);

        await Store.AddRowPageAsync("imp-1", 0, [Rows[2]]);

        Assert.Equal(Json([Rows[2]]), Json(await Store.GetRowPageAsync("imp-1", 0)));
    }

    [Fact]
    public async Task A_long_reason_is_kept_cut_to_the_stored_length()
    {
        var cell = new string('x', 10_000);
        var row = new ImportRowResult(1, "US-001", ImportOutcome.Rejected, $"'{cell}' is not a valid Email.", [new("Email", ImportOutcome.Rejected, $"'{cell}' is not a valid Email.")]);

        await Store.AddRowPageAsync("imp-1", 0, [row]);

        var stored = Assert.Single(await Store.GetRowPageAsync("imp-1", 0));
        Assert.Equal(ImportLogShapes.MaxReasonLength, stored.Reason!.Length);
        Assert.EndsWith("…", stored.Reason, StringComparison.Ordinal);
        Assert.Equal(ImportLogShapes.MaxReasonLength, Assert.Single(stored.Fields).Reason!.Length);
    }

    [Fact]
    public async Task The_list_shows_imports_since_a_time_newest_first()
    {
        var now = DateTimeOffset.UtcNow;
        Assert.True(await Store.RecordAsync(Record("imp-old", now.AddHours(-5))));
        Assert.True(await Store.RecordAsync(Record("imp-a", now.AddMinutes(-20))));
        Assert.True(await Store.RecordAsync(Record("imp-b", now.AddMinutes(-10))));
        Assert.True(await Store.RecordAsync(Record("imp-c", now.AddMinutes(-1))));

        var recent = await Store.ListImportsAsync(now.AddHours(-1), 10);
        var newestTwo = await Store.ListImportsAsync(now.AddHours(-1), 2);

        Assert.Equal(["imp-c", "imp-b", "imp-a"], recent.Select(r => r.Id));
        Assert.Equal(["imp-c", "imp-b"], newestTwo.Select(r => r.Id));
    }
}
