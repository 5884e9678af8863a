using System.Text.Json;

namespace CustomerWorkflow.Core.Storage;

// The compact shape's short names, as CompactProposalJson gives them, encoded once for the writer. The reader matches the
// same letters in its switches; the tests hold both to the serializer's output.
public static partial class ProposalCodec
{
    private static JsonEncodedText Encode(string name) => JsonEncodedText.Encode(name);

    private static class StateNames
    {
        public static readonly JsonEncodedText Id = Encode("i"), CustomerId = Encode("c"), Number = Encode("n"), Status = Encode("st"),
            Version = Encode("v"), Lines = Encode("l"), CreatedBy = Encode("cb"), CreatedAt = Encode("ca"), SubmittedBy = Encode("sb"),
            SubmittedByName = Encode("sn"), SubmittedAt = Encode("sa"), SubmitComment = Encode("sc"), Workflow = Encode("w"),
            Run = Encode("wr"), SubmitterMayApprove = Encode("sm"), Steps = Encode("s"), CurrentStep = Encode("cs"),
            DecisionComment = Encode("dc"), ConflictFields = Encode("cf"), ClosedAt = Encode("x"), HistoryCount = Encode("h");
    }

    private static class LineNames
    {
        public static readonly JsonEncodedText Field = Encode("f"), OriginalValue = Encode("o"), ProposedValue = Encode("p"),
            ProposedBy = Encode("b"), ProposedAt = Encode("a");
    }

    private static class DefinitionNames
    {
        public static readonly JsonEncodedText Name = Encode("n"), Approvers = Encode("a"),
            Policy = Encode("p"), DueIn = Encode("d"), OnOverdue = Encode("o"),
            EscalateTo = Encode("e");
    }

    private static class PolicyNames
    {
        public static readonly JsonEncodedText Kind = Encode("k"), Percent = Encode("p");
    }

    private static class StepNames
    {
        public static readonly JsonEncodedText Name = Encode("n"), Policy = Encode("p"),
            Approvers = Encode("a"), DueAt = Encode("d"), OnOverdue = Encode("o"),
            EscalateTo = Encode("e");
    }

    private static class SlotNames
    {
        public static readonly JsonEncodedText UserId = Encode("u"), Decision = Encode("d"), DecidedAt = Encode("t"), Comment = Encode("c"),
            DelegatedFrom = Encode("f"), Automatic = Encode("s");
    }

    private static class RunNames
    {
        public static readonly JsonEncodedText Code = Encode("c"), Version = Encode("v"), Reason = Encode("r"), Reactions = Encode("x");
    }

    private static class ReactionNames
    {
        public static readonly JsonEncodedText Step = Encode("s"), Event = Encode("e"), Response = Encode("r"), Users = Encode("u"),
            Channel = Encode("ch"), Message = Encode("m");
    }
}
