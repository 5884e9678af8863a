using System.Text.Json;
using System.Text.Json.Serialization;
using CustomerWorkflow.Core.People;
using CustomerWorkflow.Core.Proposals;
using CustomerWorkflow.Core.Scheduling;
using CustomerWorkflow.Core.Settings;

namespace CustomerWorkflow.Storage.Cosmos;

// The documents of the one container, by partition (see DESIGN.md next to this project). Every document has "pk" (its
// partition key) and "t" (its kind). Property names are short because every byte of a document is paid for in RUs.

/// <summary>
/// A customer unit: the customer with its open proposal, in partition <c>c|{customerId}</c> under id <c>unit</c>.
/// <see cref="Committed"/> is what readers see; <see cref="Pending"/> is a multi-customer write in flight.
/// </summary>
internal sealed class UnitDoc
{
    [JsonPropertyName("id")] public string Id { get; set; } = Keys.UnitId;
    [JsonPropertyName("pk")] public required string Pk { get; set; }
    [JsonPropertyName("t")] public string Type { get; set; } = "unit";
    [JsonPropertyName("c")] public UnitState? Committed { get; set; }
    [JsonPropertyName("px")] public PendingUnit? Pending { get; set; }
}

/// <summary>The state of a customer unit at one version.</summary>
internal sealed class UnitState
{
    [JsonPropertyName("id")] public required string CustomerId { get; set; }
    [JsonPropertyName("v")] public long Version { get; set; }
    /// <summary>The write that produced this state: a retried write recognises itself by it.</summary>
    [JsonPropertyName("w")] public required string WriteId { get; set; }
    [JsonPropertyName("f")] public required Dictionary<string, string> Fields { get; set; }
    [JsonPropertyName("n")] public int ProposalSequence { get; set; }
    /// <summary>The open proposal (compact shape), its id, and its history so far.</summary>
    [JsonPropertyName("oi")] public string? OpenId { get; set; }
    [JsonPropertyName("o")] public JsonElement? Open { get; set; }
    [JsonPropertyName("oh")] public List<HistoryEntry>? OpenHistory { get; set; }
    /// <summary>
    /// The outbox: the proposal this write closed, kept here so the close is one atomic write. Its own document is
    /// written right after; the unit's next write makes sure it exists and lets go of it.
    /// </summary>
    [JsonPropertyName("x")] public ClosedProposalDoc? LastClosed { get; set; }
}

/// <summary>A multi-customer write in flight: the state this unit takes if transaction <see cref="Tx"/> commits.</summary>
internal sealed class PendingUnit
{
    [JsonPropertyName("tx")] public required string Tx { get; set; }
    [JsonPropertyName("at")] public DateTimeOffset At { get; set; }
    [JsonPropertyName("s")] public required UnitState State { get; set; }
}

/// <summary>The decision of a multi-customer write, in partition <c>tx|{id}</c>: created once, by its committer or by whoever aborts it.</summary>
internal sealed class TxDoc
{
    [JsonPropertyName("id")] public string Id { get; set; } = "tx";
    [JsonPropertyName("pk")] public required string Pk { get; set; }
    [JsonPropertyName("t")] public string Type { get; set; } = "tx";
    [JsonPropertyName("committed")] public bool Committed { get; set; }
    [JsonPropertyName("at")] public DateTimeOffset At { get; set; }
}

/// <summary>A closed proposal with its whole history, in its customer's partition under id <c>p|{proposalId}</c>. Never changes once written.</summary>
internal sealed class ClosedProposalDoc
{
    [JsonPropertyName("id")] public required string Id { get; set; }
    [JsonPropertyName("pk")] public required string Pk { get; set; }
    [JsonPropertyName("t")] public string Type { get; set; } = "proposal";
    [JsonPropertyName("n")] public int Number { get; set; }
    [JsonPropertyName("u")] public DateTimeOffset UpdatedAt { get; set; }
    [JsonPropertyName("p")] public JsonElement Proposal { get; set; }
    [JsonPropertyName("h")] public List<HistoryEntry> History { get; set; } = [];
}

/// <summary>
/// An entry of a per-user list, in the user's partition <c>u|{userId}</c>: <c>a|{proposalId}</c> (awaiting the user) or
/// <c>b|{proposalId}</c> (created or submitted by the user). Written before the unit; checked against the unit when read.
/// </summary>
internal sealed class UserListDoc
{
    [JsonPropertyName("id")] public required string Id { get; set; }
    [JsonPropertyName("pk")] public required string Pk { get; set; }
    [JsonPropertyName("t")] public required string Type { get; set; }
    [JsonPropertyName("p")] public required string ProposalId { get; set; }
    [JsonPropertyName("at")] public DateTimeOffset At { get; set; }
}

/// <summary>A customer's entry in the search index, in bucket partition <c>s|{n}</c>: its lower-case id and name (old and new while a rename is in flight).</summary>
internal sealed class SearchDoc
{
    [JsonPropertyName("id")] public required string Id { get; set; }
    [JsonPropertyName("pk")] public required string Pk { get; set; }
    [JsonPropertyName("t")] public string Type { get; set; } = "search";
    [JsonPropertyName("s")] public required string Text { get; set; }
    /// <summary>Written ahead of its unit: whether the customer exists (or is named so) is for the unit to say.</summary>
    [JsonPropertyName("p")] public bool Pending { get; set; }
}

/// <summary>The settings, in partition <c>settings</c>, with the change records of their last save (their outbox).</summary>
internal sealed class SettingsDoc
{
    [JsonPropertyName("id")] public string Id { get; set; } = "settings";
    [JsonPropertyName("pk")] public string Pk { get; set; } = Keys.SettingsPk;
    [JsonPropertyName("t")] public string Type { get; set; } = "settings";
    [JsonPropertyName("v")] public long Version { get; set; }
    [JsonPropertyName("w")] public required string WriteId { get; set; }
    [JsonPropertyName("s")] public required JsonElement Settings { get; set; }
    [JsonPropertyName("ch")] public List<SettingsChangeDoc> LastChanges { get; set; } = [];
}

/// <summary>A settings change record, <c>chg|{version}|{index}</c> in partition <c>settings</c>.</summary>
internal sealed class SettingsChangeDoc
{
    [JsonPropertyName("id")] public required string Id { get; set; }
    [JsonPropertyName("pk")] public string Pk { get; set; } = Keys.SettingsPk;
    [JsonPropertyName("t")] public string Type { get; set; } = "change";
    [JsonPropertyName("c")] public required SettingsChange Change { get; set; }
}

/// <summary>A person, in partition <c>u|{id}</c> under id <c>profile</c>, next to their lists.</summary>
internal sealed class ProfileDoc
{
    [JsonPropertyName("id")] public string Id { get; set; } = "profile";
    [JsonPropertyName("pk")] public required string Pk { get; set; }
    [JsonPropertyName("t")] public string Type { get; set; } = "profile";
    [JsonPropertyName("w")] public required string WriteId { get; set; }
    [JsonPropertyName("u")] public required UserProfile User { get; set; }
}

/// <summary>
/// A pointer to a person: by one of their keys (<c>k|{key}</c>, id <c>k</c>), by name (<c>n|{name}</c>, id = their id) or
/// in the list of people with roles (<c>roles</c>, id = their id). Written before the profile; checked against it when read.
/// </summary>
internal sealed class PointerDoc
{
    [JsonPropertyName("id")] public required string Id { get; set; }
    [JsonPropertyName("pk")] public required string Pk { get; set; }
    [JsonPropertyName("t")] public string Type { get; set; } = "pointer";
    [JsonPropertyName("u")] public required string UserId { get; set; }
}

/// <summary>An idempotency claim, in partition <c>claim|{key}</c>; expires on its own (<c>ttl</c>).</summary>
internal sealed class ClaimDoc
{
    [JsonPropertyName("id")] public string Id { get; set; } = "claim";
    [JsonPropertyName("pk")] public required string Pk { get; set; }
    [JsonPropertyName("t")] public string Type { get; set; } = "claim";
    [JsonPropertyName("at")] public DateTimeOffset At { get; set; }
    [JsonPropertyName("ttl")] public int TimeToLive { get; set; }
}

/// <summary>A card sent about a proposal, in its customer's partition under id <c>card|{proposalId}|{activityId}</c>.</summary>
internal sealed class SentCardDoc
{
    [JsonPropertyName("id")] public required string Id { get; set; }
    [JsonPropertyName("pk")] public required string Pk { get; set; }
    [JsonPropertyName("t")] public string Type { get; set; } = "card";
    [JsonPropertyName("c")] public required SentCard Card { get; set; }
}

/// <summary>A notice outcome, in its customer's partition; <see cref="Written"/> orders notices with the same time.</summary>
internal sealed class NoticeDoc
{
    [JsonPropertyName("id")] public required string Id { get; set; }
    [JsonPropertyName("pk")] public required string Pk { get; set; }
    [JsonPropertyName("t")] public string Type { get; set; } = "notice";
    [JsonPropertyName("w")] public long Written { get; set; }
    [JsonPropertyName("n")] public required NoticeRecord Notice { get; set; }
}

/// <summary>
/// A workflow's head, in partition <c>workflows</c> under its code: the state, the revision admins' saves are checked
/// against, and the current version's definition (so choosing a workflow at submit is one single-partition query).
/// </summary>
internal sealed class WorkflowDoc
{
    [JsonPropertyName("id")] public required string Id { get; set; }
    [JsonPropertyName("pk")] public string Pk { get; set; } = Keys.WorkflowsPk;
    [JsonPropertyName("t")] public string Type { get; set; } = "workflow";
    [JsonPropertyName("r")] public long Revision { get; set; }
    [JsonPropertyName("w")] public required string WriteId { get; set; }
    [JsonPropertyName("s")] public required string State { get; set; }
    [JsonPropertyName("ua")] public DateTimeOffset UpdatedAt { get; set; }
    [JsonPropertyName("ub")] public required string UpdatedBy { get; set; }
    [JsonPropertyName("d")] public required JsonElement Definition { get; set; }
}

/// <summary>A stored workflow version, in partition <c>wf|{code}</c> under <c>v|{version}</c>. Never changes once written.</summary>
internal sealed class WorkflowVersionDoc
{
    [JsonPropertyName("id")] public required string Id { get; set; }
    [JsonPropertyName("pk")] public required string Pk { get; set; }
    [JsonPropertyName("t")] public string Type { get; set; } = "version";
    [JsonPropertyName("d")] public required JsonElement Definition { get; set; }
}

/// <summary>
/// A pointer to a proposal running under a workflow, in partition <c>wf|{code}</c> under <c>run|{proposalId}</c>. Written
/// before the unit write that makes it true; checked against the unit when counted.
/// </summary>
internal sealed class RunPointerDoc
{
    [JsonPropertyName("id")] public required string Id { get; set; }
    [JsonPropertyName("pk")] public required string Pk { get; set; }
    [JsonPropertyName("t")] public string Type { get; set; } = "run";
    [JsonPropertyName("p")] public required string ProposalId { get; set; }
    [JsonPropertyName("at")] public DateTimeOffset At { get; set; }
}

/// <summary>Any document's id, to delete a partition's documents.</summary>
internal sealed record DocumentId([property: JsonPropertyName("id")] string Id);


/// A due item of the scheduler, in the bucket partition of its due hour (<c>due|{yyyyMMddHH}</c>, UTC), so the items that
/// are due are found by single-partition queries of the buckets up to now. Claimed by an ETag-checked replace that sets
/// the owner and the lease; completed by an ETag-checked delete.
/// </summary>
internal sealed class DueDoc
{
    [JsonPropertyName("id")] public required string Id { get; set; }
    [JsonPropertyName("pk")] public required string Pk { get; set; }
    [JsonPropertyName("t")] public string Type { get; set; } = "due";
    [JsonPropertyName("k")] public DueItemKind Kind { get; set; }
    [JsonPropertyName("sj")] public required string Subject { get; set; }
    [JsonPropertyName("n")] public int Step { get; set; }
    [JsonPropertyName("d")] public DateTimeOffset DueAt { get; set; }
    [JsonPropertyName("o")] public string? Owner { get; set; }
    [JsonPropertyName("l")] public DateTimeOffset? LeaseUntil { get; set; }
    /// <summary>Read from the server with the document; never written (null then).</summary>
    [JsonPropertyName("_etag")] public string? ETag { get; set; }
}

/// <summary>The earliest due bucket that may hold items, in partition <c>due</c>: where a claim pass starts scanning.</summary>
internal sealed class DueCursorDoc
{
    [JsonPropertyName("id")] public string Id { get; set; } = "cursor";
    [JsonPropertyName("pk")] public string Pk { get; set; } = Keys.DueCursorPk;
    [JsonPropertyName("t")] public string Type { get; set; } = "cursor";
    [JsonPropertyName("h")] public DateTimeOffset Hour { get; set; }
}

/// <summary>A notice held for a person's daily digest, in their partition <c>u|{userId}</c> under id <c>dg|{entry id}</c>.</summary>
internal sealed class DigestDoc
{
    [JsonPropertyName("id")] public required string Id { get; set; }
    [JsonPropertyName("pk")] public required string Pk { get; set; }
    [JsonPropertyName("t")] public string Type { get; set; } = "digest";
    [JsonPropertyName("e")] public required DigestEntry Entry { get; set; }
}

/// <summary>
/// An import's record: in the import's partition <c>import|{id}</c> under id <c>import</c>, and a copy in its month's
/// partition <c>imports|{yyyy-MM}</c> under the import's id (for the list).
/// </summary>
internal sealed class ImportDoc
{
    [JsonPropertyName("id")] public string Id { get; set; } = "import";
    [JsonPropertyName("pk")] public required string Pk { get; set; }
    [JsonPropertyName("t")] public string Type { get; set; } = "import";
    [JsonPropertyName("at")] public DateTimeOffset At { get; set; }
    [JsonPropertyName("r")] public JsonElement Record { get; set; }
}

/// <summary>A page of an import's row results, <c>rows|{page}</c> in the import's partition.</summary>
internal sealed class ImportRowsDoc
{
    [JsonPropertyName("id")] public required string Id { get; set; }
    [JsonPropertyName("pk")] public required string Pk { get; set; }
    [JsonPropertyName("t")] public string Type { get; set; } = "rows";
    [JsonPropertyName("p")] public int Page { get; set; }
    [JsonPropertyName("b")] public JsonElement Rows { get; set; }
}

/// <summary>The import an idempotency key belongs to, in partition <c>importkey|{key}</c> under id <c>k</c>.</summary>
internal sealed class ImportKeyDoc
{
    [JsonPropertyName("id")] public string Id { get; set; } = "k";
    [JsonPropertyName("pk")] public required string Pk { get; set; }
    [JsonPropertyName("t")] public string Type { get; set; } = "importkey";
    [JsonPropertyName("i")] public required string ImportId { get; set; }
}

/// <summary>A search entry's id and whether it is settled, for counting customers.</summary>
internal sealed record IndexEntry([property: JsonPropertyName("id")] string Id, [property: JsonPropertyName("p")] bool Pending);

[JsonSourceGenerationOptions(UseStringEnumConverter = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(UnitDoc))]
[JsonSerializable(typeof(TxDoc))]
[JsonSerializable(typeof(ClosedProposalDoc))]
[JsonSerializable(typeof(UserListDoc))]
[JsonSerializable(typeof(SearchDoc))]
[JsonSerializable(typeof(SettingsDoc))]
[JsonSerializable(typeof(SettingsChangeDoc))]
[JsonSerializable(typeof(ProfileDoc))]
[JsonSerializable(typeof(PointerDoc))]
[JsonSerializable(typeof(ClaimDoc))]
[JsonSerializable(typeof(SentCardDoc))]
[JsonSerializable(typeof(NoticeDoc))]
[JsonSerializable(typeof(IndexEntry))]
[JsonSerializable(typeof(WorkflowDoc))]
[JsonSerializable(typeof(WorkflowVersionDoc))]
[JsonSerializable(typeof(RunPointerDoc))]
[JsonSerializable(typeof(DocumentId))]
[JsonSerializable(typeof(DueDoc))]
[JsonSerializable(typeof(DueCursorDoc))]
[JsonSerializable(typeof(DigestDoc))]
[JsonSerializable(typeof(ImportDoc))]
[JsonSerializable(typeof(ImportRowsDoc))]
[JsonSerializable(typeof(ImportKeyDoc))]
internal sealed partial class DocJson : JsonSerializerContext;
