namespace CustomerWorkflow.Bot.Teams;

/// <summary>
/// The activity-feed notices the app declares in its manifest (<c>activities.activityTypes</c>): Graph's
/// <c>sendActivityNotification</c> accepts only a declared type, with a value for each parameter of its template text.
/// Whoever sends a notice uses these names; a test holds them and the manifest template together.
/// </summary>
public static class ActivityFeedTypes
{
    /// <summary>An approver is due to act: <c>{submitter}</c> asks for approval of changes to <c>{customer}</c>.</summary>
    public const string ApprovalRequested = "approvalRequested";

    /// <summary>The submitter is asked to change the proposal: by <c>{approver}</c>, for <c>{customer}</c>.</summary>
    public const string ChangeRequested = "changeRequested";

    /// <summary>The submitter's proposal for <c>{customer}</c> is decided: <c>{outcome}</c> reads "approved and applied", "rejected", ….</summary>
    public const string ProposalDecided = "proposalDecided";

    /// <summary>Each type's template parameters, in the order its text uses them (Teams fills <c>{actor}</c> itself).</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<string>> TemplateParameters { get; } = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal)
    {
        [ApprovalRequested] = ["submitter", "customer"],
        [ChangeRequested] = ["approver", "customer"],
        [ProposalDecided] = ["customer", "outcome"],
    };
}
