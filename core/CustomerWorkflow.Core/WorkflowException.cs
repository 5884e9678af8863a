namespace CustomerWorkflow.Core;

/// <summary>Why a use case refused. The bot maps these to short answers; the message is already readable.</summary>
public enum Refusal
{
    UnknownCustomer,
    UnknownProposal,
    UnknownField,
    InvalidValue,
    NotAllowed,
    IllegalTransition,
    NothingToSubmit,
    NotYourTurn,
    SegregationOfDuties,
    StaleVersion,
    CommentRequired,
    InvalidConfiguration,
    Busy,
    UnknownUser,
}

/// <summary>
/// A refusal: the input was wrong or the action is not allowed now. Nothing was changed.
/// The message is meant for the user as it stands.
/// </summary>
public sealed class WorkflowException : Exception
{
    public WorkflowException(Refusal refusal, string message) : base(message) => Refusal = refusal;

    public Refusal Refusal { get; }
}
