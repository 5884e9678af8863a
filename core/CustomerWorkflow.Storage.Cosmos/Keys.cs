using System.Security.Cryptography;
using System.Text;

namespace CustomerWorkflow.Storage.Cosmos;

/// <summary>The partition keys and document ids of the container, in one place.</summary>
internal static class Keys
{
    public const string UnitId = "unit";
    public const string SettingsPk = "settings";
    public const string RolesPk = "roles";
    public const string WorkflowsPk = "workflows";

    public const string DueCursorPk = "due";

    public static string Customer(string customerId) => "c|" + customerId;

    /// <summary>The due bucket of an hour: <c>due|yyyyMMddHH</c> in UTC.</summary>
    public static string DueBucket(DateTimeOffset at) => "due|" + at.UtcDateTime.ToString("yyyyMMddHH", System.Globalization.CultureInfo.InvariantCulture);

    public static string Digest(string entryId) => Id("dg|" + entryId);

    public static string ClosedProposal(string proposalId) => Id("p|" + proposalId);

    public static string User(string userId) => "u|" + userId.ToLowerInvariant();

    public static string Awaiting(string proposalId) => Id("a|" + proposalId);

    public static string ByUser(string proposalId) => Id("b|" + proposalId);

    public static string UserKey(string key) => "k|" + key.ToLowerInvariant();

    public static string UserName(string name) => "n|" + name.ToLowerInvariant();

    public static string Claim(string key) => "claim|" + key;

    /// <summary>The partition of a workflow's versions and of the pointers to the proposals running under it.</summary>
    public static string Workflow(string code) => "wf|" + code.ToUpperInvariant();

    /// <summary>A workflow's head document in the <see cref="WorkflowsPk"/> partition.</summary>
    public static string WorkflowHead(string code) => Id(code.ToUpperInvariant());

    public static string WorkflowVersion(int version) => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"v|{version:D6}");

    public static string Run(string proposalId) => Id("run|" + proposalId);

    public static string Tx(string txId) => "tx|" + txId;

    public static string Import(string importId) => "import|" + importId;

    public static string ImportRows(int page) => "rows|" + page.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public static string ImportKey(string idempotencyKey) => "importkey|" + idempotencyKey;

    public static string ImportMonth(DateTimeOffset at) => "imports|" + at.UtcDateTime.ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture);

    public static string SentCard(string proposalId, string activityId) => Id($"card|{proposalId}|{activityId}");

    public static string SearchBucket(string customerId, int buckets) => "s|" + Bucket(customerId, buckets);

    public static string SearchBucket(int bucket) => "s|" + bucket;

    /// <summary>
    /// A document id from any text: ids may not hold '/', '\', '?' or '#' and are at most 255 characters, so text that
    /// breaks either rule is replaced by its SHA-256 (partition keys have no such rule and keep the text).
    /// </summary>
    public static string Id(string text)
    {
        if (text.Length <= 200 && text.AsSpan().IndexOfAny("/\\?#") < 0)
        {
            return text;
        }

        return "h|" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }

    /// <summary>A stable bucket (FNV-1a of the id), the same in every process, unlike <see cref="string.GetHashCode()"/>.</summary>
    public static int Bucket(string customerId, int buckets)
    {
        var hash = 2166136261u;
        foreach (var b in Encoding.UTF8.GetBytes(customerId))
        {
            hash = (hash ^ b) * 16777619u;
        }

        return (int)(hash % (uint)buckets);
    }
}
