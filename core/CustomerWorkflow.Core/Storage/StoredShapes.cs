using System.Buffers;
using System.Collections.Immutable;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using CustomerWorkflow.Core.Proposals;
using CustomerWorkflow.Core.Settings;
using CustomerWorkflow.Core.Workflows;

namespace CustomerWorkflow.Core.Storage;

/// <summary>
/// The JSON shapes the storage adapters store; core's types are mapped here, not annotated for storage. Serialization
/// is source-generated (and the field map hand-written), because on the write path it cost more than SQLite did.
/// </summary>
public static class StoredShapes
{
    /// <summary>A customer's field map as a flat JSON object of strings.</summary>
    public static string Fields(IReadOnlyDictionary<string, string> values) => Encoding.UTF8.GetString(FieldsUtf8(values));

    /// <summary>The field map as UTF-8 JSON, for a store that binds bytes (no detour through a string).</summary>
    public static byte[] FieldsUtf8(IReadOnlyDictionary<string, string> values)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var (field, value) in values)
            {
                writer.WriteString(field, value);
            }

            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>User ids as a JSON array of strings (the due list the <c>awaiting</c> trigger reads).</summary>
    public static string UserList(IReadOnlyList<string> users)
    {
        var buffer = new ArrayBufferWriter<byte>(64);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            foreach (var user in users)
            {
                writer.WriteStringValue(user);
            }

            writer.WriteEndArray();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    public static Dictionary<string, string> Fields(string json) => Fields(Encoding.UTF8.GetBytes(json));

    /// <summary>The field map from its stored UTF-8 text, as SQLite holds it (no detour through a string).</summary>
    public static Dictionary<string, string> Fields(ReadOnlySpan<byte> utf8Json)
    {
        var values = new Dictionary<string, string>(16, StringComparer.OrdinalIgnoreCase);
        var reader = new Utf8JsonReader(utf8Json);
        reader.Read();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var field = CatalogName(ref reader) ?? reader.GetString()!;
            reader.Read();
            values[field] = reader.GetString() ?? string.Empty;
        }

        return values;
    }

    private static readonly (byte[] Utf8, string Name)[] CatalogNames = [.. Core.Fields.FieldCatalog.All.Select(f => (Encoding.UTF8.GetBytes(f.Name), f.Name))];

    /// <summary>
    /// The catalog's own string for a stored field name: stored names are the catalog's, so reading a customer allocates
    /// no names (15 strings per customer, 500 customers per import chunk).
    /// </summary>
    private static string? CatalogName(ref Utf8JsonReader reader)
    {
        if (reader.HasValueSequence || reader.ValueIsEscaped)
        {
            return null;
        }

        var name = reader.ValueSpan;
        foreach (var (utf8, text) in CatalogNames)
        {
            if (name.SequenceEqual(utf8))
            {
                return text;
            }
        }

        return null;
    }

    /// <summary>A proposal in its compact stored shape (see <see cref="ProposalCodec"/>).</summary>
    public static string Proposal(Proposal proposal) => ProposalCodec.ToJson(proposal.ToState());

    /// <summary>A proposal in its compact stored shape, as UTF-8, for a caller that can store the bytes as they are.</summary>
    public static byte[] ProposalUtf8(Proposal proposal) => ProposalCodec.ToUtf8(proposal.ToState());

    public static Proposal Proposal(string json)
    {
        // Transcoded into a pooled buffer: the text is only parsed, never kept.
        var buffer = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(json.Length));
        try
        {
            return Proposal(buffer.AsSpan(0, Encoding.UTF8.GetBytes(json, buffer)));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>A proposal from its stored UTF-8 text, in either shape: the compact one, or the full names stored before it.</summary>
    /// <exception cref="InvalidDataException">The text is not a stored proposal.</exception>
    public static Proposal Proposal(ReadOnlySpan<byte> utf8Json) =>
        Core.Proposals.Proposal.FromState(utf8Json.StartsWith("{\"Id\":"u8) ? FullProposal(utf8Json) : ProposalCodec.Read(utf8Json));

    /// <summary>The full shape, read by the serializer: only bodies stored before the compact shape have it.</summary>
    private static ProposalState FullProposal(ReadOnlySpan<byte> utf8Json)
    {
        try
        {
            return JsonSerializer.Deserialize(utf8Json, StoredJson.Default.ProposalState) ?? throw new InvalidDataException("A stored proposal is empty.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"A stored proposal is not valid JSON: {e.Message}", e);
        }
    }

    public static string Settings(WorkflowSettings settings) => JsonSerializer.Serialize(StoredSettings.From(settings), StoredJson.Default.StoredSettings);

    /// <summary>A workflow version as stored: every step, condition, option and parameter, never changed once written.</summary>
    public static string Workflow(WorkflowDefinition definition) => JsonSerializer.Serialize(definition, StoredJson.Default.WorkflowDefinition);

    public static WorkflowDefinition Workflow(string json) =>
        JsonSerializer.Deserialize(json, StoredJson.Default.WorkflowDefinition) ?? throw new InvalidDataException("A stored workflow is empty.");

    public static WorkflowSettings Settings(string json) =>
        (JsonSerializer.Deserialize(json, StoredJson.Default.StoredSettings) ?? throw new InvalidDataException("The stored settings are empty.")).ToSettings();
}

/// <summary>
/// The compact stored shape of a proposal: short property names, no values that are their type's default (they read
/// back as the default), no computed properties (a step's outcome and undecided approvers). A proposal body is most
/// of a customer row while it is open and all of a closed-proposal row; at about half the bytes of the full shape,
/// a row that gains an open proposal overflows its page less often and more closed proposals fit on one.
/// Stored bodies in the full shape (<see cref="StoredJson"/>) are still read.
/// <see cref="ProposalCodec"/> writes and reads this shape by hand on SQLite's hot paths; this serializer-made one is the
/// reference it is tested against, byte for byte (and the Cosmos adapter's, through JsonElement).
/// </summary>
public static class CompactProposalJson
{
    // Every serialised property has a name here: a property added to the proposal's state fails the first write
    // (and so the tests) until it is given one, rather than taking a name that may clash.
    private static readonly Dictionary<(Type, string), string> Names = new()
    {
        [(typeof(ProposalState), nameof(ProposalState.Id))] = "i",
        [(typeof(ProposalState), nameof(ProposalState.CustomerId))] = "c",
        [(typeof(ProposalState), nameof(ProposalState.Number))] = "n",
        [(typeof(ProposalState), nameof(ProposalState.Status))] = "st",
        [(typeof(ProposalState), nameof(ProposalState.Version))] = "v",
        [(typeof(ProposalState), nameof(ProposalState.Lines))] = "l",
        [(typeof(ProposalState), nameof(ProposalState.CreatedBy))] = "cb",
        [(typeof(ProposalState), nameof(ProposalState.CreatedAt))] = "ca",
        [(typeof(ProposalState), nameof(ProposalState.SubmittedBy))] = "sb",
        [(typeof(ProposalState), nameof(ProposalState.SubmittedByName))] = "sn",
        [(typeof(ProposalState), nameof(ProposalState.SubmittedAt))] = "sa",
        [(typeof(ProposalState), nameof(ProposalState.SubmitComment))] = "sc",
        [(typeof(ProposalState), nameof(ProposalState.Workflow))] = "w",
        [(typeof(ProposalState), nameof(ProposalState.Run))] = "wr",
        [(typeof(ProposalState), nameof(ProposalState.SubmitterMayApprove))] = "sm",
        [(typeof(ProposalState), nameof(ProposalState.Steps))] = "s",
        [(typeof(ProposalState), nameof(ProposalState.CurrentStep))] = "cs",
        [(typeof(ProposalState), nameof(ProposalState.DecisionComment))] = "dc",
        [(typeof(ProposalState), nameof(ProposalState.ConflictFields))] = "cf",
        [(typeof(ProposalState), nameof(ProposalState.ClosedAt))] = "x",
        [(typeof(ProposalState), nameof(ProposalState.HistoryCount))] = "h",
        [(typeof(ProposedChange), nameof(ProposedChange.Field))] = "f",
        [(typeof(ProposedChange), nameof(ProposedChange.OriginalValue))] = "o",
        [(typeof(ProposedChange), nameof(ProposedChange.ProposedValue))] = "p",
        [(typeof(ProposedChange), nameof(ProposedChange.ProposedBy))] = "b",
        [(typeof(ProposedChange), nameof(ProposedChange.ProposedAt))] = "a",
        [(typeof(ApprovalStepDefinition), nameof(ApprovalStepDefinition.Name))] = "n",
        [(typeof(ApprovalStepDefinition), nameof(ApprovalStepDefinition.Approvers))] = "a",
        [(typeof(ApprovalStepDefinition), nameof(ApprovalStepDefinition.Policy))] = "p",
        [(typeof(ApprovalStepDefinition), nameof(ApprovalStepDefinition.DueIn))] = "d",
        [(typeof(ApprovalStepDefinition), nameof(ApprovalStepDefinition.OnOverdue))] = "o",
        [(typeof(ApprovalStepDefinition), nameof(ApprovalStepDefinition.EscalateTo))] = "e",
        [(typeof(CompletionPolicy), nameof(CompletionPolicy.Kind))] = "k",
        [(typeof(CompletionPolicy), nameof(CompletionPolicy.Percent))] = "p",
        [(typeof(ApprovalStep), nameof(ApprovalStep.Name))] = "n",
        [(typeof(ApprovalStep), nameof(ApprovalStep.Policy))] = "p",
        [(typeof(ApprovalStep), nameof(ApprovalStep.Approvers))] = "a",
        [(typeof(ApprovalStep), nameof(ApprovalStep.DueAt))] = "d",
        [(typeof(ApprovalStep), nameof(ApprovalStep.OnOverdue))] = "o",
        [(typeof(ApprovalStep), nameof(ApprovalStep.EscalateTo))] = "e",
        [(typeof(WorkflowRun), nameof(WorkflowRun.Code))] = "c",
        [(typeof(WorkflowRun), nameof(WorkflowRun.Version))] = "v",
        [(typeof(WorkflowRun), nameof(WorkflowRun.Reason))] = "r",
        [(typeof(WorkflowRun), nameof(WorkflowRun.Reactions))] = "x",
        [(typeof(WorkflowReaction), nameof(WorkflowReaction.Step))] = "s",
        [(typeof(WorkflowReaction), nameof(WorkflowReaction.Event))] = "e",
        [(typeof(WorkflowReaction), nameof(WorkflowReaction.Response))] = "r",
        [(typeof(WorkflowReaction), nameof(WorkflowReaction.Users))] = "u",
        [(typeof(WorkflowReaction), nameof(WorkflowReaction.Channel))] = "ch",
        [(typeof(WorkflowReaction), nameof(WorkflowReaction.Message))] = "m",
        [(typeof(ApproverSlot), nameof(ApproverSlot.UserId))] = "u",
        [(typeof(ApproverSlot), nameof(ApproverSlot.Decision))] = "d",
        [(typeof(ApproverSlot), nameof(ApproverSlot.DecidedAt))] = "t",
        [(typeof(ApproverSlot), nameof(ApproverSlot.Comment))] = "c",
        [(typeof(ApproverSlot), nameof(ApproverSlot.DelegatedFrom))] = "f",

        // The overdue options of a step (issue 8, scheduler).
        [(typeof(ApprovalStepDefinition), nameof(ApprovalStepDefinition.OnOverdue))] = "o",
        [(typeof(ApprovalStepDefinition), nameof(ApprovalStepDefinition.EscalateTo))] = "e",
        [(typeof(ApprovalStep), nameof(ApprovalStep.OnOverdue))] = "o",
        [(typeof(ApprovalStep), nameof(ApprovalStep.EscalateTo))] = "e",
        [(typeof(ApproverSlot), nameof(ApproverSlot.Automatic))] = "s",
    };

    private static readonly JsonSerializerOptions Options = new()
    {
        TypeInfoResolver = StoredJson.Default.WithAddedModifier(Compact),
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingDefault,
        Converters = { new JsonStringEnumConverter() },
    };

    public static JsonTypeInfo<ProposalState> State { get; } = (JsonTypeInfo<ProposalState>)Options.GetTypeInfo(typeof(ProposalState));

    private static void Compact(JsonTypeInfo info)
    {
        if (info.Kind != JsonTypeInfoKind.Object)
        {
            return;
        }

        for (var i = info.Properties.Count - 1; i >= 0; i--)
        {
            var property = info.Properties[i];
            if (property.Set is null && property.AssociatedParameter is null)
            {
                // Computed from the rest (a step's outcome): never read back, so not stored.
                info.Properties.RemoveAt(i);
                continue;
            }

            property.Name = Names.TryGetValue((info.Type, property.Name), out var name)
                ? name
                : throw new InvalidOperationException($"The compact proposal shape has no name for {info.Type.Name}.{property.Name}.");
        }
    }
}

/// <summary>Settings as stored: plain lists, so set comparers are rebuilt on load rather than trusted to the serializer.</summary>
public sealed record StoredSettings(
    bool ApprovalsEnabled,
    ImportBehaviour ImportBehaviour,
    List<string> ApprovalFields,
    bool SubmitterMayApprove,
    List<ApprovalStepDefinition> Steps,
    List<string> PaymentTerms,
    List<string> CustomerGroups)
{
    public static StoredSettings From(WorkflowSettings s) =>
        new(s.ApprovalsEnabled, s.ImportBehaviour, [.. s.ApprovalFields], s.SubmitterMayApprove, [.. s.Steps], [.. s.PaymentTerms], [.. s.CustomerGroups]);

    public WorkflowSettings ToSettings() => new()
    {
        ApprovalsEnabled = ApprovalsEnabled,
        ImportBehaviour = ImportBehaviour,
        ApprovalFields = ImmutableSortedSet.CreateRange(StringComparer.OrdinalIgnoreCase, ApprovalFields),
        SubmitterMayApprove = SubmitterMayApprove,
        Steps = [.. Steps],
        PaymentTerms = PaymentTerms,
        CustomerGroups = CustomerGroups,
    };
}

[JsonSourceGenerationOptions(UseStringEnumConverter = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ProposalState))]
[JsonSerializable(typeof(StoredSettings))]
[JsonSerializable(typeof(WorkflowDefinition))]
public sealed partial class StoredJson : JsonSerializerContext;
