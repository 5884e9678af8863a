using System.Buffers;
using System.Collections.Immutable;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using CustomerWorkflow.Core.Proposals;
using CustomerWorkflow.Core.Settings;

namespace CustomerWorkflow.Storage.Sqlite;

/// <summary>
/// The JSON shapes this adapter stores; core's types are mapped here, not annotated for storage. Serialization
/// is source-generated (and the field map hand-written), because on the write path it cost more than SQLite did.
/// </summary>
internal static class StoredShapes
{
    /// <summary>A customer's field map as a flat JSON object of strings.</summary>
    public static string Fields(IReadOnlyDictionary<string, string> values)
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

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
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
            var field = reader.GetString()!;
            reader.Read();
            values[field] = reader.GetString() ?? string.Empty;
        }

        return values;
    }

    public static string Proposal(Proposal proposal) => JsonSerializer.Serialize(proposal.ToState(), StoredJson.Default.ProposalState);

    public static Proposal Proposal(string json) =>
        Core.Proposals.Proposal.FromState(JsonSerializer.Deserialize(json, StoredJson.Default.ProposalState)
            ?? throw new InvalidDataException("A stored proposal is empty."));

    /// <summary>A proposal from its stored UTF-8 text, as SQLite holds it (no detour through a string).</summary>
    public static Proposal Proposal(ReadOnlySpan<byte> utf8Json) =>
        Core.Proposals.Proposal.FromState(JsonSerializer.Deserialize(utf8Json, StoredJson.Default.ProposalState)
            ?? throw new InvalidDataException("A stored proposal is empty."));

    public static string Settings(WorkflowSettings settings) => JsonSerializer.Serialize(StoredSettings.From(settings), StoredJson.Default.StoredSettings);

    public static WorkflowSettings Settings(string json) =>
        (JsonSerializer.Deserialize(json, StoredJson.Default.StoredSettings) ?? throw new InvalidDataException("The stored settings are empty.")).ToSettings();
}

/// <summary>Settings as stored: plain lists, so set comparers are rebuilt on load rather than trusted to the serializer.</summary>
internal sealed record StoredSettings(
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
internal sealed partial class StoredJson : JsonSerializerContext;
