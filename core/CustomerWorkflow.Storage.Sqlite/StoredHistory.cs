using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using CustomerWorkflow.Core.Proposals;

namespace CustomerWorkflow.Storage.Sqlite;

/// <summary>
/// A proposal's history as it is stored with the proposal (schema 9): a JSON array of entries in sequence order,
/// <c>[{"s":1,"t":"2026-…Z","u":"actor","n":"Actor Name","a":"Approved","p":1,"c":"comment","d":"detail"},…]</c>,
/// absent optional values left out. The proposal id is not repeated in each entry: the row that holds the array says
/// whose it is. Entries are only ever appended, by text (<see cref="AppendSql"/>).
/// </summary>
internal static class StoredHistory
{
    /// <summary>The entries as a UTF-8 JSON array, or null when there are none (so a write with nothing new leaves the stored text alone).</summary>
    public static byte[]? Write(IReadOnlyList<HistoryEntry> entries)
    {
        if (entries.Count == 0)
        {
            return null;
        }

        var buffer = new ArrayBufferWriter<byte>(192 * entries.Count);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            foreach (var entry in entries)
            {
                writer.WriteStartObject();
                writer.WriteNumber("s"u8, entry.Sequence);
                writer.WriteString("t"u8, SqliteWorkflowStore.Timestamp(entry.At));
                writer.WriteString("u"u8, entry.ActorId);
                writer.WriteString("n"u8, entry.ActorName);
                writer.WriteString("a"u8, entry.Action.ToString());
                if (entry.Step is { } step)
                {
                    writer.WriteNumber("p"u8, step);
                }

                if (entry.Comment is { } comment)
                {
                    writer.WriteString("c"u8, comment);
                }

                if (entry.Detail is { } detail)
                {
                    writer.WriteString("d"u8, detail);
                }

                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>
    /// SQL for a stored history column with the entries bound as <c>$added</c> appended: the stored text up to its
    /// closing bracket is kept as it is, so earlier entries are never rewritten (the schema's triggers check exactly
    /// that). Either may be NULL, and <c>[]</c> counts as nothing stored.
    /// </summary>
    public static string AppendSql(string stored) => $"""
        CASE WHEN $added IS NULL THEN {stored}
             WHEN {stored} IS NULL OR {stored} = '[]' THEN $added
             ELSE substr({stored}, 1, length({stored}) - 1) || ',' || substr($added, 2) END
        """;

    /// <summary>The entries of one proposal's stored history, in sequence order.</summary>
    public static void Read(string proposalId, ReadOnlySpan<byte> utf8Json, List<HistoryEntry> into)
    {
        try
        {
            var reader = new Utf8JsonReader(utf8Json);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartArray)
            {
                throw new InvalidDataException($"The stored history of {proposalId} is not a JSON array.");
            }

            var first = into.Count;
            while (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
            {
                into.Add(ReadEntry(proposalId, ref reader));
            }

            // Stored in order by construction (appended); migrated arrays are sorted too, but order is cheap to be sure of.
            into.Sort(first, into.Count - first, BySequence.Instance);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"The stored history of {proposalId} is not valid JSON: {e.Message}", e);
        }
    }

    private static HistoryEntry ReadEntry(string proposalId, ref Utf8JsonReader reader)
    {
        int? sequence = null, step = null;
        string? at = null, actor = null, name = null, action = null, comment = null, detail = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var property = reader.ValueSpan.Length == 1 && !reader.ValueIsEscaped ? (char)reader.ValueSpan[0] : '\0';
            reader.Read();
            var isNull = reader.TokenType == JsonTokenType.Null;
            switch (property)
            {
                case 's': sequence = reader.GetInt32(); break;
                case 'p': step = isNull ? null : reader.GetInt32(); break;
                case 't': at = reader.GetString(); break;
                case 'u': actor = reader.GetString(); break;
                case 'n': name = reader.GetString(); break;
                case 'a': action = reader.GetString(); break;
                case 'c': comment = isNull ? null : reader.GetString(); break;
                case 'd': detail = isNull ? null : reader.GetString(); break;
                default: reader.Skip(); break;
            }
        }

        if (sequence is null || at is null || actor is null || name is null || action is null
            || !Enum.TryParse<HistoryAction>(action, out var kind)
            || !DateTimeOffset.TryParse(at, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var when))
        {
            throw new InvalidDataException($"A stored history entry of {proposalId} lacks its sequence, time, actor or action, or has one this build does not know.");
        }

        return new HistoryEntry(proposalId, sequence.Value, when, actor, name, kind, step, comment, detail);
    }

    private sealed class BySequence : IComparer<HistoryEntry>
    {
        public static readonly BySequence Instance = new();

        public int Compare(HistoryEntry? x, HistoryEntry? y) => x!.Sequence.CompareTo(y!.Sequence);
    }
}
