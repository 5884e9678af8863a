using System.Buffers;
using System.Buffers.Text;
using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using CustomerWorkflow.Core.Proposals;
using CustomerWorkflow.Core.Settings;
using CustomerWorkflow.Core.Workflows;

namespace CustomerWorkflow.Core.Storage;

/// <summary>
/// The compact stored shape of a proposal (<see cref="CompactProposalJson"/>), written and read by hand. The serializer
/// writes it byte for byte the same, but the shape's renaming modifier takes it off its fast path: on SQLite's write and
/// read paths it cost more than the database did. <see cref="CompactProposalJson"/> stays the reference the tests hold
/// this codec to, byte for byte; the writer's escaping is the serializer's because both use the default encoder.
/// </summary>
public static partial class ProposalCodec
{
    // Past this, a thread's scratch buffer is let go after the write rather than kept for the next one.
    private const int ScratchKeptBytes = 64 * 1024;

    // The longest TimeSpan in the constant ("c") format: "-10675199.02:48:05.4775808".
    private const int MaxTimeSpanLength = 26;

    [ThreadStatic]
    private static Scratch? _threadScratch;

    /// <summary>The proposal's state as compact UTF-8 JSON.</summary>
    public static byte[] ToUtf8(ProposalState state)
    {
        var scratch = Scratch.Rent();
        try
        {
            Write(scratch.Writer, state);
            scratch.Writer.Flush();
            return scratch.Buffer.WrittenSpan.ToArray();
        }
        finally
        {
            scratch.Return();
        }
    }

    /// <summary>The proposal's state as compact JSON text.</summary>
    public static string ToJson(ProposalState state)
    {
        var scratch = Scratch.Rent();
        try
        {
            Write(scratch.Writer, state);
            scratch.Writer.Flush();
            return Encoding.UTF8.GetString(scratch.Buffer.WrittenSpan);
        }
        finally
        {
            scratch.Return();
        }
    }

    /// <summary>
    /// Writes the proposal's state to <paramref name="writer"/>, for callers that bring their own (pooled) buffer. The
    /// writer's options decide the escaping: the default encoder gives the stored shape.
    /// </summary>
    public static void Write(Utf8JsonWriter writer, ProposalState state)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(state);

        // The order is the declaration order, as the serializer's; values that are their type's default are left out.
        writer.WriteStartObject();
        String(writer, StateNames.Id, state.Id);
        String(writer, StateNames.CustomerId, state.CustomerId);
        Number(writer, StateNames.Number, state.Number);
        Enum(writer, StateNames.Status, state.Status);
        Number(writer, StateNames.Version, state.Version);
        Array(writer, StateNames.Lines, state.Lines, WriteLine);

        String(writer, StateNames.CreatedBy, state.CreatedBy);
        Time(writer, StateNames.CreatedAt, state.CreatedAt);
        String(writer, StateNames.SubmittedBy, state.SubmittedBy);
        String(writer, StateNames.SubmittedByName, state.SubmittedByName);
        Time(writer, StateNames.SubmittedAt, state.SubmittedAt);
        String(writer, StateNames.SubmitComment, state.SubmitComment);
        Array(writer, StateNames.Workflow, state.Workflow, WriteDefinition);

        if (state.Run is { } run)
        {
            writer.WritePropertyName(StateNames.Run);
            WriteRun(writer, run);
        }

        Boolean(writer, StateNames.SubmitterMayApprove, state.SubmitterMayApprove);
        Array(writer, StateNames.Steps, state.Steps, WriteStep);

        Number(writer, StateNames.CurrentStep, state.CurrentStep);
        String(writer, StateNames.DecisionComment, state.DecisionComment);
        Strings(writer, StateNames.ConflictFields, state.ConflictFields);
        Time(writer, StateNames.ClosedAt, state.ClosedAt);
        Number(writer, StateNames.HistoryCount, state.HistoryCount);
        writer.WriteEndObject();
    }

    private static void WriteLine(Utf8JsonWriter writer, ProposedChange line)
    {
        writer.WriteStartObject();
        String(writer, LineNames.Field, line.Field);
        String(writer, LineNames.OriginalValue, line.OriginalValue);
        String(writer, LineNames.ProposedValue, line.ProposedValue);
        String(writer, LineNames.ProposedBy, line.ProposedBy);
        Time(writer, LineNames.ProposedAt, line.ProposedAt);
        writer.WriteEndObject();
    }

    private static void WriteDefinition(Utf8JsonWriter writer, ApprovalStepDefinition definition)
    {
        writer.WriteStartObject();
        String(writer, DefinitionNames.Name, definition.Name);
        Strings(writer, DefinitionNames.Approvers, definition.Approvers);
        Policy(writer, DefinitionNames.Policy, definition.Policy);
        if (definition.DueIn is { } dueIn)
        {
            // The serializer's TimeSpan format: constant ("c"), as in "2.00:00:00".
            Span<byte> text = stackalloc byte[MaxTimeSpanLength];
            Utf8Formatter.TryFormat(dueIn, text, out var length, new StandardFormat('c'));
            writer.WriteString(DefinitionNames.DueIn, text[..length]);
        }

        Enum(writer, DefinitionNames.OnOverdue, definition.OnOverdue);
        String(writer, DefinitionNames.EscalateTo, definition.EscalateTo);
        writer.WriteEndObject();
    }

    private static void Policy(Utf8JsonWriter writer, JsonEncodedText name, CompletionPolicy? policy)
    {
        if (policy is null)
        {
            return;
        }

        // A single-approver policy has nothing but defaults, and is written as {}.
        writer.WriteStartObject(name);
        Enum(writer, PolicyNames.Kind, policy.Kind);
        Number(writer, PolicyNames.Percent, policy.Percent);
        writer.WriteEndObject();
    }

    private static void WriteRun(Utf8JsonWriter writer, WorkflowRun run)
    {
        writer.WriteStartObject();
        String(writer, RunNames.Code, run.Code);
        Number(writer, RunNames.Version, run.Version);
        String(writer, RunNames.Reason, run.Reason);
        Array(writer, RunNames.Reactions, run.Reactions, WriteReaction);

        writer.WriteEndObject();
    }

    private static void WriteReaction(Utf8JsonWriter writer, WorkflowReaction reaction)
    {
        writer.WriteStartObject();
        Number(writer, ReactionNames.Step, reaction.Step);
        String(writer, ReactionNames.Event, reaction.Event);
        String(writer, ReactionNames.Response, reaction.Response);
        Strings(writer, ReactionNames.Users, reaction.Users);
        String(writer, ReactionNames.Channel, reaction.Channel);
        String(writer, ReactionNames.Message, reaction.Message);
        writer.WriteEndObject();
    }

    private static void WriteStep(Utf8JsonWriter writer, ApprovalStep step)
    {
        // Outcome and Undecided are computed from the rest, so not stored.
        writer.WriteStartObject();
        String(writer, StepNames.Name, step.Name);
        Policy(writer, StepNames.Policy, step.Policy);
        Array(writer, StepNames.Approvers, step.Approvers, WriteSlot);

        Time(writer, StepNames.DueAt, step.DueAt);
        Enum(writer, StepNames.OnOverdue, step.OnOverdue);
        String(writer, StepNames.EscalateTo, step.EscalateTo);
        writer.WriteEndObject();
    }

    private static void WriteSlot(Utf8JsonWriter writer, ApproverSlot slot)
    {
        writer.WriteStartObject();
        String(writer, SlotNames.UserId, slot.UserId);
        Enum(writer, SlotNames.Decision, slot.Decision);
        Time(writer, SlotNames.DecidedAt, slot.DecidedAt);
        String(writer, SlotNames.Comment, slot.Comment);
        String(writer, SlotNames.DelegatedFrom, slot.DelegatedFrom);
        Boolean(writer, SlotNames.Automatic, slot.Automatic);
        writer.WriteEndObject();
    }

    private static void String(Utf8JsonWriter writer, JsonEncodedText name, string? value)
    {
        if (value is not null)
        {
            writer.WriteString(name, value);
        }
    }

    private static void Strings(Utf8JsonWriter writer, JsonEncodedText name, IReadOnlyList<string>? values) =>
        Array(writer, name, values, static (w, value) => w.WriteStringValue(value));

    /// <summary>A list as a JSON array, each item written by <paramref name="write"/> (null items as null); nothing when the list is null.</summary>
    private static void Array<T>(Utf8JsonWriter writer, JsonEncodedText name, IReadOnlyList<T>? items, Action<Utf8JsonWriter, T> write)
    {
        if (items is null)
        {
            return;
        }

        writer.WriteStartArray(name);
        for (var i = 0; i < items.Count; i++)
        {
            // A null item is written as null, as the serializer does; write is only ever given an item.
            if (items[i] is { } item)
            {
                write(writer, item);
            }
            else
            {
                writer.WriteNullValue();
            }
        }

        writer.WriteEndArray();
    }

    private static void Number(Utf8JsonWriter writer, JsonEncodedText name, int value)
    {
        if (value != 0)
        {
            writer.WriteNumber(name, value);
        }
    }

    private static void Number(Utf8JsonWriter writer, JsonEncodedText name, long value)
    {
        if (value != 0)
        {
            writer.WriteNumber(name, value);
        }
    }

    private static void Boolean(Utf8JsonWriter writer, JsonEncodedText name, bool value)
    {
        if (value)
        {
            writer.WriteBoolean(name, value);
        }
    }

    private static void Time(Utf8JsonWriter writer, JsonEncodedText name, DateTimeOffset value)
    {
        // The serializer's test for the default: DateTimeOffset equality, which compares the instant, not the offset.
        if (value != default)
        {
            writer.WriteString(name, value);
        }
    }

    private static void Time(Utf8JsonWriter writer, JsonEncodedText name, DateTimeOffset? value)
    {
        // A nullable's default is null: a value is written even when it is DateTimeOffset's default.
        if (value is { } time)
        {
            writer.WriteString(name, time);
        }
    }

    private static void Enum<T>(Utf8JsonWriter writer, JsonEncodedText name, T value)
        where T : struct, Enum
    {
        var number = Unsafe.BitCast<T, int>(value);
        if (number == 0)
        {
            return;
        }

        var names = EnumNames<T>.Encoded;
        if ((uint)number < (uint)names.Length)
        {
            writer.WriteString(name, names[number]);
        }
        else
        {
            // A value without a name is written as its number, as the serializer's string enum converter does.
            writer.WriteNumber(name, number);
        }
    }

    /// <summary>The members' names, pre-encoded and indexed by value (the stored enums run 0, 1, 2, … without gaps).</summary>
    private static class EnumNames<T>
        where T : struct, Enum
    {
        public static readonly JsonEncodedText[] Encoded = Encode();

        private static JsonEncodedText[] Encode()
        {
            var values = System.Enum.GetValues<T>();
            for (var i = 0; i < values.Length; i++)
            {
                if (Unsafe.BitCast<T, int>(values[i]) != i)
                {
                    throw new InvalidOperationException($"{typeof(T).Name} is stored by name and its values must run 0, 1, 2, … without gaps.");
                }
            }

            return [.. values.Select(v => JsonEncodedText.Encode(v.ToString()))];
        }
    }

    /// <summary>A thread's buffer and writer, reused from one proposal to the next, as the serializer reuses its own.</summary>
    private sealed class Scratch
    {
        public ArrayBufferWriter<byte> Buffer { get; } = new(1024);

        public Utf8JsonWriter Writer { get; }

        // Without the writer's structure checks, as the serializer writes: the tests hold the output to the serializer's.
        private Scratch() => Writer = new Utf8JsonWriter(Buffer, new JsonWriterOptions { SkipValidation = true });

        public static Scratch Rent()
        {
            // Taken off the thread while in use: never shared, even if a write were to start another.
            var scratch = _threadScratch ?? new Scratch();
            _threadScratch = null;
            return scratch;
        }

        public void Return()
        {
            // Reset also clears the state a failed write may have left.
            Writer.Reset();
            if (Buffer.Capacity <= ScratchKeptBytes)
            {
                Buffer.ResetWrittenCount();
                _threadScratch = this;
            }
        }
    }
}
