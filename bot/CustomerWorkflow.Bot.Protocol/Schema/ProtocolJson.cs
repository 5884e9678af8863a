using System.Text.Json;
using System.Text.Json.Serialization;

namespace CustomerWorkflow.Bot.Protocol.Schema;

/// <summary>The wire settings of the Bot Framework: camelCase, nulls left out, field names matched case-insensitively.</summary>
public static class ProtocolJson
{
    public static JsonSerializerOptions Options { get; } = Create();

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        };
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
