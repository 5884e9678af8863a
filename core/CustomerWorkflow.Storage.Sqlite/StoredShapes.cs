using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Serialization;
using CustomerWorkflow.Core.Proposals;
using CustomerWorkflow.Core.Settings;

namespace CustomerWorkflow.Storage.Sqlite;

/// <summary>The JSON shapes this adapter stores; core's types are mapped here, not annotated for storage.</summary>
internal static class StoredShapes
{
    public static JsonSerializerOptions Json { get; } = new(JsonSerializerDefaults.General)
    {
        Converters = { new JsonStringEnumConverter() },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static string Fields(IReadOnlyDictionary<string, string> values) => JsonSerializer.Serialize(values, Json);

    public static Dictionary<string, string> Fields(string json) =>
        JsonSerializer.Deserialize<Dictionary<string, string>>(json, Json) ?? [];

    public static string Proposal(Proposal proposal) => JsonSerializer.Serialize(proposal.ToState(), Json);

    public static Proposal Proposal(string json) =>
        Core.Proposals.Proposal.FromState(JsonSerializer.Deserialize<ProposalState>(json, Json)
            ?? throw new InvalidDataException("A stored proposal is empty."));

    public static string Settings(WorkflowSettings settings) => JsonSerializer.Serialize(StoredSettings.From(settings), Json);

    public static WorkflowSettings Settings(string json) =>
        (JsonSerializer.Deserialize<StoredSettings>(json, Json) ?? throw new InvalidDataException("The stored settings are empty.")).ToSettings();

    /// <summary>Settings as stored: plain lists, so set comparers are rebuilt on load rather than trusted to the serializer.</summary>
    private sealed record StoredSettings(
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
}
