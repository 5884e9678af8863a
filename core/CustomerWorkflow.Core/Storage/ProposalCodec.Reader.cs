using System.Buffers.Text;
using System.Collections.Immutable;
using System.Text.Json;
using CustomerWorkflow.Core.Proposals;
using CustomerWorkflow.Core.Settings;
using CustomerWorkflow.Core.Workflows;

namespace CustomerWorkflow.Core.Storage;

// Reading the compact shape straight from its UTF-8 text. Properties may come in any order and unknown ones are skipped,
// so a body written by a later version still reads. What is absent takes the value the serializer gave it: the
// property's initial value, or the constructor parameter's default. The short names are those of ProposalCodec.Names.
public static partial class ProposalCodec
{
    // The longest short name is two letters; anything longer is not one of ours (and is skipped).
    private const int MaxNameLength = 8;

    // Enum names are short words; a longer string is read through a string.
    private const int MaxEnumLength = 64;

    /// <summary>A proposal's state from its compact UTF-8 JSON.</summary>
    /// <exception cref="InvalidDataException">The text is not a proposal in the compact shape.</exception>
    public static ProposalState Read(ReadOnlySpan<byte> utf8Json)
    {
        var reader = new Utf8JsonReader(utf8Json);
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                throw Malformed("it is not a JSON object");
            }

            var state = ReadState(ref reader);

            // Trailing text after the object fails here, as the serializer fails on it.
            if (reader.Read())
            {
                throw Malformed("there is more after the proposal");
            }

            return state;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            // The reader's own failures: broken JSON, or text that is not UTF-8.
            throw new InvalidDataException($"A stored proposal is not valid JSON: {e.Message}", e);
        }
    }

    private static ProposalState ReadState(ref Utf8JsonReader reader)
    {
        string? id = null, customerId = null, createdBy = null, submittedBy = null, submittedByName = null, submitComment = null, decisionComment = null;
        int number = 0, currentStep = 0, historyCount = 0;
        long version = 0;
        var status = default(ProposalStatus);
        DateTimeOffset createdAt = default;
        DateTimeOffset? submittedAt = null, closedAt = null;
        ImmutableList<ProposedChange>? lines = null;
        ImmutableList<ApprovalStepDefinition>? workflow = null;
        ImmutableList<ApprovalStep>? steps = null;
        ImmutableList<string>? conflictFields = null;
        WorkflowRun? run = null;
        var submitterMayApprove = false;

        Span<char> name = stackalloc char[MaxNameLength];
        while (NextProperty(ref reader, name, out var length))
        {
            switch (name[..length])
            {
                case "i": id = String(ref reader); break;
                case "c": customerId = String(ref reader); break;
                case "n": number = Int32(ref reader); break;
                case "st": status = Enum<ProposalStatus>(ref reader); break;
                case "v": version = Int64(ref reader); break;
                case "l": lines = List(ref reader, ReadLine); break;
                case "cb": createdBy = String(ref reader); break;
                case "ca": createdAt = Time(ref reader); break;
                case "sb": submittedBy = String(ref reader); break;
                case "sn": submittedByName = String(ref reader); break;
                case "sa": submittedAt = NullableTime(ref reader); break;
                case "sc": submitComment = String(ref reader); break;
                case "w": workflow = List(ref reader, ReadDefinition); break;
                case "wr": run = ReadRun(ref reader); break;
                case "sm": submitterMayApprove = Boolean(ref reader); break;
                case "s": steps = List(ref reader, ReadStep); break;
                case "cs": currentStep = Int32(ref reader); break;
                case "dc": decisionComment = String(ref reader); break;
                case "cf": conflictFields = Strings(ref reader); break;
                case "x": closedAt = NullableTime(ref reader); break;
                case "h": historyCount = Int32(ref reader); break;
                default: reader.Skip(); break;
            }
        }

        // The state's required members: the serializer refused a body without them too.
        return new ProposalState
        {
            Id = id ?? throw Malformed("it has no id"),
            CustomerId = customerId ?? throw Malformed("it has no customer id"),
            Number = number,
            Status = status,
            Version = version,
            Lines = lines ?? [],
            CreatedBy = createdBy ?? throw Malformed("it has no creator"),
            CreatedAt = createdAt,
            SubmittedBy = submittedBy,
            SubmittedByName = submittedByName,
            SubmittedAt = submittedAt,
            SubmitComment = submitComment,
            Workflow = workflow ?? [],
            Run = run,
            SubmitterMayApprove = submitterMayApprove,
            Steps = steps ?? [],
            CurrentStep = currentStep,
            DecisionComment = decisionComment,
            ConflictFields = conflictFields ?? [],
            ClosedAt = closedAt,
            HistoryCount = historyCount,
        };
    }

    private static ProposedChange? ReadLine(ref Utf8JsonReader reader)
    {
        if (IsNull(ref reader, JsonTokenType.StartObject))
        {
            return null;
        }

        string? field = null, originalValue = null, proposedValue = null, proposedBy = null;
        DateTimeOffset proposedAt = default;
        Span<char> name = stackalloc char[MaxNameLength];
        while (NextProperty(ref reader, name, out var length))
        {
            switch (name[..length])
            {
                case "f": field = String(ref reader); break;
                case "o": originalValue = String(ref reader); break;
                case "p": proposedValue = String(ref reader); break;
                case "b": proposedBy = String(ref reader); break;
                case "a": proposedAt = Time(ref reader); break;
                default: reader.Skip(); break;
            }
        }

        // An absent string reads as null, as the serializer read it: the writer leaves out nulls, so they come back.
        return new ProposedChange(field!, originalValue!, proposedValue!, proposedBy!, proposedAt);
    }

    private static ApprovalStepDefinition? ReadDefinition(ref Utf8JsonReader reader)
    {
        if (IsNull(ref reader, JsonTokenType.StartObject))
        {
            return null;
        }

        string? stepName = null, escalateTo = null;
        List<string>? approvers = null;
        CompletionPolicy? policy = null;
        TimeSpan? dueIn = null;
        var onOverdue = OverdueAction.None;
        Span<char> name = stackalloc char[MaxNameLength];
        while (NextProperty(ref reader, name, out var length))
        {
            switch (name[..length])
            {
                case "n": stepName = String(ref reader); break;
                case "a": approvers = StringList(ref reader); break;
                case "p": policy = ReadPolicy(ref reader); break;
                case "d": dueIn = Duration(ref reader); break;
                case "o": onOverdue = Enum<OverdueAction>(ref reader); break;
                case "e": escalateTo = String(ref reader); break;
                default: reader.Skip(); break;
            }
        }

        return new ApprovalStepDefinition(stepName!, approvers!, policy!, dueIn, onOverdue, escalateTo);
    }

    private static CompletionPolicy? ReadPolicy(ref Utf8JsonReader reader)
    {
        if (IsNull(ref reader, JsonTokenType.StartObject))
        {
            return null;
        }

        var kind = CompletionKind.SingleApprover;
        var percent = 0;
        Span<char> name = stackalloc char[MaxNameLength];
        while (NextProperty(ref reader, name, out var length))
        {
            switch (name[..length])
            {
                case "k": kind = Enum<CompletionKind>(ref reader); break;
                case "p": percent = Int32(ref reader); break;
                default: reader.Skip(); break;
            }
        }

        // The shared instances where one is equal (records compare by value): most steps have one of these.
        return (kind, percent) switch
        {
            (CompletionKind.SingleApprover, 0) => CompletionPolicy.SingleApprover,
            (CompletionKind.Majority, 0) => CompletionPolicy.Majority,
            (CompletionKind.AllApprovers, 0) => CompletionPolicy.AllApprovers,
            _ => new CompletionPolicy(kind, percent),
        };
    }

    private static WorkflowRun? ReadRun(ref Utf8JsonReader reader)
    {
        if (IsNull(ref reader, JsonTokenType.StartObject))
        {
            return null;
        }

        string? code = null, reason = null;
        var version = 0;
        ImmutableList<WorkflowReaction>? reactions = null;
        Span<char> name = stackalloc char[MaxNameLength];
        while (NextProperty(ref reader, name, out var length))
        {
            switch (name[..length])
            {
                case "c": code = String(ref reader); break;
                case "v": version = Int32(ref reader); break;
                case "r": reason = String(ref reader); break;
                case "x": reactions = List(ref reader, ReadReaction); break;
                default: reader.Skip(); break;
            }
        }

        return new WorkflowRun(code!, version, reason!) { Reactions = reactions ?? [] };
    }

    private static WorkflowReaction? ReadReaction(ref Utf8JsonReader reader)
    {
        if (IsNull(ref reader, JsonTokenType.StartObject))
        {
            return null;
        }

        string? @event = null, response = null, channel = null, message = null;
        var step = 0;
        ImmutableList<string>? users = null;
        Span<char> name = stackalloc char[MaxNameLength];
        while (NextProperty(ref reader, name, out var length))
        {
            switch (name[..length])
            {
                case "s": step = Int32(ref reader); break;
                case "e": @event = String(ref reader); break;
                case "r": response = String(ref reader); break;
                case "u": users = Strings(ref reader); break;
                case "ch": channel = String(ref reader); break;
                case "m": message = String(ref reader); break;
                default: reader.Skip(); break;
            }
        }

        return new WorkflowReaction(step, @event!, response!) { Users = users ?? [], Channel = channel, Message = message };
    }

    private static ApprovalStep? ReadStep(ref Utf8JsonReader reader)
    {
        if (IsNull(ref reader, JsonTokenType.StartObject))
        {
            return null;
        }

        string? stepName = null, escalateTo = null;
        CompletionPolicy? policy = null;
        ImmutableList<ApproverSlot>? approvers = null;
        DateTimeOffset? dueAt = null;
        var onOverdue = OverdueAction.None;
        Span<char> name = stackalloc char[MaxNameLength];
        while (NextProperty(ref reader, name, out var length))
        {
            switch (name[..length])
            {
                case "n": stepName = String(ref reader); break;
                case "p": policy = ReadPolicy(ref reader); break;
                case "a": approvers = List(ref reader, ReadSlot); break;
                case "d": dueAt = NullableTime(ref reader); break;
                case "o": onOverdue = Enum<OverdueAction>(ref reader); break;
                case "e": escalateTo = String(ref reader); break;
                default: reader.Skip(); break;
            }
        }

        return new ApprovalStep(stepName!, policy!, approvers!, dueAt, onOverdue, escalateTo);
    }

    private static ApproverSlot? ReadSlot(ref Utf8JsonReader reader)
    {
        if (IsNull(ref reader, JsonTokenType.StartObject))
        {
            return null;
        }

        string? userId = null, comment = null, delegatedFrom = null;
        var decision = ApprovalDecision.Pending;
        DateTimeOffset? decidedAt = null;
        var automatic = false;
        Span<char> name = stackalloc char[MaxNameLength];
        while (NextProperty(ref reader, name, out var length))
        {
            switch (name[..length])
            {
                case "u": userId = String(ref reader); break;
                case "d": decision = Enum<ApprovalDecision>(ref reader); break;
                case "t": decidedAt = NullableTime(ref reader); break;
                case "c": comment = String(ref reader); break;
                case "f": delegatedFrom = String(ref reader); break;
                case "s": automatic = Boolean(ref reader); break;
                default: reader.Skip(); break;
            }
        }

        return new ApproverSlot(userId!, decision, decidedAt, comment, delegatedFrom, automatic);
    }

    /// <summary>
    /// Moves to the next property of the object the reader is in and on to its value, with the property's name in
    /// <paramref name="name"/> (unescaped); false at the end of the object. A name too long to be ours comes back empty.
    /// </summary>
    private static bool NextProperty(ref Utf8JsonReader reader, scoped Span<char> name, out int length)
    {
        Next(ref reader);
        if (reader.TokenType == JsonTokenType.EndObject)
        {
            length = 0;
            return false;
        }

        // The reader has checked the structure: inside an object, the token is a property name.
        // UTF-8 never takes fewer bytes than UTF-16 takes chars, nor escaped text fewer than unescaped, so this fits.
        length = reader.ValueSpan.Length <= name.Length ? reader.CopyString(name) : 0;
        Next(ref reader);
        return true;
    }

    private delegate T? ElementReader<T>(ref Utf8JsonReader reader);

    private static ImmutableList<T>? List<T>(ref Utf8JsonReader reader, ElementReader<T> read)
    {
        Expect(ref reader, JsonTokenType.StartArray);
        Next(ref reader);
        if (reader.TokenType == JsonTokenType.EndArray)
        {
            return [];
        }

        // An element may be null where the state held a null; the writer writes it so.
        var first = read(ref reader)!;
        Next(ref reader);
        if (reader.TokenType == JsonTokenType.EndArray)
        {
            // Most lists of a proposal hold one item (one line, one step): no builder for those.
            return ImmutableList.Create(first);
        }

        var items = ImmutableList.CreateBuilder<T>();
        items.Add(first);
        do
        {
            items.Add(read(ref reader)!);
            Next(ref reader);
        }
        while (reader.TokenType != JsonTokenType.EndArray);

        return items.ToImmutable();
    }

    private static ImmutableList<string>? Strings(ref Utf8JsonReader reader) => List(ref reader, String);

    /// <summary>A step definition's approvers: a plain list, as the serializer made for the interface.</summary>
    private static List<string>? StringList(ref Utf8JsonReader reader)
    {
        Expect(ref reader, JsonTokenType.StartArray);
        var items = new List<string>();
        for (Next(ref reader); reader.TokenType != JsonTokenType.EndArray; Next(ref reader))
        {
            items.Add(String(ref reader)!);
        }

        return items;
    }

    private static string? String(ref Utf8JsonReader reader) =>
        IsNull(ref reader, JsonTokenType.String) ? null : reader.GetString()!;

    private static int Int32(ref Utf8JsonReader reader)
    {
        Expect(ref reader, JsonTokenType.Number);
        return reader.TryGetInt32(out var value) ? value : throw Malformed("a number is out of range");
    }

    private static long Int64(ref Utf8JsonReader reader)
    {
        Expect(ref reader, JsonTokenType.Number);
        return reader.TryGetInt64(out var value) ? value : throw Malformed("a number is out of range");
    }

    private static bool Boolean(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.True => true,
        JsonTokenType.False => false,
        _ => throw Malformed($"a {reader.TokenType} is where true or false belongs"),
    };

    private static DateTimeOffset Time(ref Utf8JsonReader reader)
    {
        Expect(ref reader, JsonTokenType.String);
        return reader.TryGetDateTimeOffset(out var value) ? value : throw Malformed("a time is not in ISO 8601 form");
    }

    private static DateTimeOffset? NullableTime(ref Utf8JsonReader reader) =>
        IsNull(ref reader, JsonTokenType.String) ? null : Time(ref reader);

    private static TimeSpan? Duration(ref Utf8JsonReader reader)
    {
        if (IsNull(ref reader, JsonTokenType.String))
        {
            return null;
        }

        // As the serializer reads it: the constant ("c") format, all of the text, no leading space.
        Span<byte> text = stackalloc byte[MaxTimeSpanLength];
        var length = reader.ValueSpan.Length <= text.Length ? reader.CopyString(text) : 0;
        return length > 0 && (char.IsAsciiDigit((char)text[0]) || text[0] == '-')
            && Utf8Parser.TryParse(text[..length], out TimeSpan value, out var consumed, 'c') && consumed == length
                ? value
                : throw Malformed("a duration is not in the form d.hh:mm:ss");
    }

    private static T Enum<T>(ref Utf8JsonReader reader)
        where T : struct, Enum
    {
        if (reader.TokenType == JsonTokenType.Number)
        {
            // A value without a name was written as its number.
            return System.Runtime.CompilerServices.Unsafe.BitCast<int, T>(Int32(ref reader));
        }

        Expect(ref reader, JsonTokenType.String);

        // The names as written, matched on the UTF-8 text (they are plain ASCII words, so encoded as they are).
        var names = EnumNames<T>.Encoded;
        for (var i = 0; i < names.Length; i++)
        {
            if (reader.ValueTextEquals(names[i].EncodedUtf8Bytes))
            {
                return System.Runtime.CompilerServices.Unsafe.BitCast<int, T>(i);
            }
        }

        Span<char> text = stackalloc char[MaxEnumLength];
        ReadOnlySpan<char> value = reader.ValueSpan.Length <= text.Length ? text[..reader.CopyString(text)] : reader.GetString()!;

        // A name in other letter case, which the serializer reads too (this also takes a number in a string).
        return System.Enum.TryParse<T>(value, ignoreCase: true, out var parsed)
            ? parsed
            : throw Malformed($"'{value}' is not a {typeof(T).Name}");
    }

    /// <summary>True at a JSON null; otherwise checks that the token is <paramref name="expected"/>.</summary>
    private static bool IsNull(ref Utf8JsonReader reader, JsonTokenType expected)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return true;
        }

        Expect(ref reader, expected);
        return false;
    }

    private static void Expect(ref Utf8JsonReader reader, JsonTokenType expected)
    {
        if (reader.TokenType != expected)
        {
            throw Malformed($"a {reader.TokenType} is where a {expected} belongs");
        }
    }

    /// <summary>Reads the next token; the text ending before the proposal does is malformed.</summary>
    private static void Next(ref Utf8JsonReader reader)
    {
        if (!reader.Read())
        {
            throw Malformed("it ends early");
        }
    }

    private static InvalidDataException Malformed(string why) => new($"A stored proposal is malformed: {why}.");
}
