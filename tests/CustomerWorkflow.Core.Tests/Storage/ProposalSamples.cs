using System.Collections.Immutable;
using CustomerWorkflow.Core.Fields;
using CustomerWorkflow.Core.Proposals;
using CustomerWorkflow.Core.Settings;
using CustomerWorkflow.Core.Tests.TestData;
using CustomerWorkflow.Core.Workflows;

namespace CustomerWorkflow.Core.Tests.Storage;

/// <summary>
/// Proposals to hold the hand-written codec to the serializer with: driven by the actions users and the system take
/// wherever that can get them there, and made as state directly for what no action makes (nulls, odd offsets, hostile text).
/// </summary>
internal static class ProposalSamples
{
    /// <summary>Text that the escaping has to get right: quotes, controls, HTML, surrogate pairs, non-ASCII, templates.</summary>
    public static IReadOnlyList<string> HostileTexts { get; } =
    [
        "\"quoted\" and \\back\\slashed\\",
        "controls \0 \u0001 \u0007 \b \f \n \r \t \u001f \u007f \u0085 end",
        "emoji 😀 👍🏽 👨‍👩‍👧 and 𝄞",
        "<script>alert('x')</script> & a+b=c `tick`",
        "Müller ß Straße, 中文, 日本語, Ελληνικά, עברית, العربية",
        "{{ template }} ${x} %s {0} }}{{",
        "line\u2028separator\u2029paragraph",
        "  padded  ",
        string.Empty,
    ];

    public static string VeryLong { get; } = string.Concat(Enumerable.Repeat("ü<x>\"😀\\ ", 20_000)) + new string('a', 100_000);

    private static readonly DateTimeOffset T0 = new(2026, 11, 21, 7, 29, 57, TimeSpan.Zero);

    /// <summary>Every sample by name, each made fresh.</summary>
    public static IReadOnlyDictionary<string, Func<ProposalState>> All { get; } = Build();

    public static TheoryData<string> Names() => [.. All.Keys];

    /// <summary>
    /// A state with every stored property of every type in it set to a value that is not its type's default, so the
    /// serializer writes all of them (a test checks that by reflection, so a property added later must be set here).
    /// </summary>
    public static ProposalState EverythingSet() => new()
    {
        Id = "US-009-P3",
        CustomerId = "US-009",
        Number = 3,
        Status = ProposalStatus.Conflict,
        Version = 12,
        Lines = [new ProposedChange(FieldCatalog.CreditLimit, "1000.00", "5000.00", "clerk", T0)],
        CreatedBy = "clerk",
        CreatedAt = T0,
        SubmittedBy = "clerk",
        SubmittedByName = "Cleo Clerk",
        SubmittedAt = T0.AddMinutes(1),
        SubmitComment = "please",
        Workflow = [new ApprovalStepDefinition("Finance", ["ann", "bob"], CompletionPolicy.PercentageOf(60), TimeSpan.FromHours(36), OverdueAction.Escalate, "eve")],
        Run = new WorkflowRun("CREDIT", 2, "the credit limit rises")
        {
            Reactions = [new WorkflowReaction(2, "Approved", "Notify") { Users = ["clerk"], Channel = "19:finance@thread.tacv2", Message = "Done." }],
        },
        SubmitterMayApprove = true,
        Steps =
        [
            new ApprovalStep(
                "Finance",
                CompletionPolicy.PercentageOf(60),
                [new ApproverSlot("zed", ApprovalDecision.Approved, T0.AddHours(2), "fine", "ann", Automatic: true)],
                T0.AddDays(2),
                OverdueAction.Escalate,
                "eve"),
        ],
        CurrentStep = 1,
        DecisionComment = "no longer matches",
        ConflictFields = [FieldCatalog.CreditLimit],
        ClosedAt = T0.AddHours(3),
        HistoryCount = 9,
    };

    private static Dictionary<string, Func<ProposalState>> Build()
    {
        var samples = new Dictionary<string, Func<ProposalState>>(StringComparer.Ordinal);
        foreach (var status in Enum.GetValues<ProposalStatus>())
        {
            samples[$"status {status}"] = () => A.Proposal().InStatus(status).ToState();
        }

        samples["everything set"] = EverythingSet;
        samples["typical applied single step"] = () => TypicalApplied().ToState();
        samples["three steps, applied"] = () => ThreeStepsApplied().ToState();
        samples["three steps, waiting in the second"] = () => ThreeStepsWaiting().ToState();
        samples["every completion policy, applied"] = () => EveryPolicy(applyAll: true).ToState();
        samples["every completion policy, partly decided"] = () => EveryPolicy(applyAll: false).ToState();
        samples["delegated"] = () => Delegated().ToState();
        samples["overdue, approved automatically"] = () => Overdue(OverdueAction.Approve).ToState();
        samples["overdue, escalated"] = () => Overdue(OverdueAction.Escalate).ToState();
        samples["overdue, reminded"] = () => Overdue(OverdueAction.Remind).ToState();
        samples["substituted"] = () => Substituted().ToState();
        samples["rejected with a comment"] = () => RejectedWithComment().ToState();
        samples["change requested, resubmitted"] = () => Resubmitted().ToState();
        samples["recalled"] = () => Recalled().ToState();
        samples["workflow run with reactions"] = () => UnderWorkflow(automatic: null).ToState();
        samples["workflow run, approved automatically"] = () => UnderWorkflow(new AutomaticDecision(true, "small change")).ToState();
        samples["workflow run, rejected automatically"] = () => UnderWorkflow(new AutomaticDecision(false, "blocked customer")).ToState();
        samples["conflict on two fields"] = () => ConflictOnTwo().ToState();
        samples["minimal state"] = () => new ProposalState { Id = "X-P1", CustomerId = "X", CreatedBy = "c" };
        samples["nulls everywhere they can be"] = NullsEverywhere;
        samples["odd times and durations"] = OddTimes;
        samples["extreme numbers and unnamed enum values"] = Extremes;
        samples["very long values"] = () => WithText(VeryLong);
        for (var i = 0; i < HostileTexts.Count; i++)
        {
            var text = HostileTexts[i];
            samples[$"hostile text {i}, through the proposal"] = () => HostileThroughProposal(text).ToState();
            samples[$"hostile text {i}, in every string"] = () => WithText(text);
        }

        return samples;
    }

    /// <summary>Like the stored example: one finance step, approved by one of two approvers, applied.</summary>
    public static Proposal TypicalApplied()
    {
        var settings = A.Settings().WithSteps(new ApprovalStepDefinition("Finance approval", ["sample-approver", "sample-finance"], CompletionPolicy.SingleApprover, TimeSpan.FromDays(2)));
        var builder = A.Proposal().Under(settings).Proposing(FieldCatalog.CreditLimit, "15000.00");
        var proposal = builder.NotSubmitted();
        proposal.Submit(Users.Admin, T0, "Submitted by import", SubmitPlan.FromSettings(settings), false);
        proposal.Approve(Users.Approver("sample-approver"), T0.AddSeconds(1), null);
        proposal.Apply(builder.Customer, T0.AddSeconds(1));
        return proposal;
    }

    /// <summary>Three steps of different policies and due times, all approved and applied.</summary>
    public static Proposal ThreeStepsApplied()
    {
        var (proposal, customer) = ThreeSteps();
        proposal.Approve(Users.Approver("a2"), T0.AddHours(2), "second of three");
        proposal.Approve(Users.Approver("b1"), T0.AddHours(3), null);
        proposal.Approve(Users.Approver("b2"), T0.AddHours(4), "and me");
        proposal.Approve(Users.Approver("c1"), T0.AddHours(5), "last");
        proposal.Apply(customer, T0.AddHours(5));
        return proposal;
    }

    private static Proposal ThreeStepsWaiting()
    {
        var (proposal, _) = ThreeSteps();
        proposal.Approve(Users.Approver("a2"), T0.AddHours(2), "second of three");
        return proposal;
    }

    private static (Proposal Proposal, Customers.Customer Customer) ThreeSteps()
    {
        var settings = A.Settings().WithSteps(
            new ApprovalStepDefinition("Sales", ["a1", "a2", "a3"], CompletionPolicy.SingleApprover, TimeSpan.FromHours(8)),
            new ApprovalStepDefinition("Finance", ["b1", "b2"], CompletionPolicy.AllApprovers, TimeSpan.FromDays(2), OverdueAction.Remind),
            new ApprovalStepDefinition("Board", ["c1", "c2", "c3"], CompletionPolicy.PercentageOf(30), null, OverdueAction.None));
        var builder = A.Proposal().Under(settings).Proposing(FieldCatalog.CreditLimit, "25000.00").Proposing(FieldCatalog.PaymentTerms, "Net60");
        var proposal = builder.NotSubmitted();
        proposal.Submit(Users.Clerk, T0.AddHours(1), "three steps", settings);
        return (proposal, builder.Customer);
    }

    private static Proposal EveryPolicy(bool applyAll)
    {
        var settings = A.Settings().WithSteps(
            A.Step("Single", CompletionPolicy.SingleApprover, "s1", "s2"),
            A.Step("Majority", CompletionPolicy.Majority, "m1", "m2", "m3"),
            A.Step("Percentage", CompletionPolicy.PercentageOf(50), "p1", "p2", "p3", "p4"),
            A.Step("All", CompletionPolicy.AllApprovers, "l1", "l2"));
        var builder = A.Proposal().Under(settings);
        var proposal = builder.Pending();
        string[] approvers = applyAll ? ["s2", "m1", "m3", "p1", "p4", "l1", "l2"] : ["s1", "m2", "m1", "p3"];
        foreach (var approver in approvers)
        {
            proposal.Approve(Users.Approver(approver), T0, $"ok from {approver}");
        }

        if (applyAll)
        {
            proposal.Apply(builder.Customer, T0.AddMinutes(5));
        }

        return proposal;
    }

    private static Proposal Delegated()
    {
        var settings = A.Settings().WithSteps(A.Step("Board", CompletionPolicy.AllApprovers, "ann", "bob"));
        var proposal = A.Proposal().Under(settings).Pending();
        proposal.Delegate(Users.Ann, T0, "zed", "On holiday.");
        proposal.Approve(Users.Zed, T0.AddMinutes(3), "for ann");
        return proposal;
    }

    private static Proposal Overdue(OverdueAction action)
    {
        var settings = A.Settings().WithSteps(
            new ApprovalStepDefinition("Finance", ["ann", "bob"], CompletionPolicy.Majority, TimeSpan.FromHours(4), action, "eve"),
            new ApprovalStepDefinition("Board", ["cat"], CompletionPolicy.SingleApprover, TimeSpan.FromHours(4)));
        var builder = A.Proposal().Under(settings);
        var proposal = builder.NotSubmitted();
        proposal.Submit(Users.Clerk, T0, null, settings);
        var dueAt = proposal.Steps[0].DueAt!.Value;
        Assert.Equal(action, proposal.ActOnOverdue(0, dueAt, dueAt.AddMinutes(1)));
        return proposal;
    }

    private static Proposal Substituted()
    {
        var proposal = A.Proposal().Pending();
        proposal.RouteToSubstitutes([new Substitution("ann", "dan", "is away until Friday", "Ann", "Dan")], T0);
        return proposal;
    }

    private static Proposal RejectedWithComment()
    {
        var settings = A.Settings().WithSteps(A.Step("Finance", CompletionPolicy.AllApprovers, "ann", "bob"));
        var proposal = A.Proposal().Under(settings).Pending();
        proposal.Approve(Users.Ann, T0, "fine by me");
        proposal.Reject(Users.Bob, T0.AddMinutes(1), "Too risky: see the \"credit check\".");
        return proposal;
    }

    private static Proposal Resubmitted()
    {
        var proposal = A.Proposal().Pending();
        proposal.RequestChange(Users.Ann, T0, "Please attach the credit check.");
        proposal.Propose(FieldCatalog.PaymentTerms, "Net30", "Net45", Users.Clerk, T0.AddMinutes(1));
        proposal.Submit(Users.Clerk, T0.AddMinutes(2), "attached", A.Settings());
        return proposal;
    }

    private static Proposal Recalled()
    {
        var proposal = A.Proposal().Pending();
        proposal.Recall(Users.Clerk, T0, "wrong customer");
        return proposal;
    }

    private static Proposal UnderWorkflow(AutomaticDecision? automatic)
    {
        var run = new WorkflowRun("CREDIT", 4, "the credit limit rises above 10 000")
        {
            Reactions =
            [
                new WorkflowReaction(3, "Approved", "Notify") { Users = ["clerk", "ann"], Message = "Approved: {proposal}" },
                new WorkflowReaction(4, "Rejected", "PostToChannel") { Channel = "19:abc@thread.tacv2" },
                new WorkflowReaction(5, "Submitted", "Notify"),
            ],
        };
        var steps = ImmutableList.Create(A.Step("Finance", CompletionPolicy.Majority, "ann", "bob", "cat"));
        var plan = new SubmitPlan(steps, run, "CREDIT v4: the credit limit rises") { Automatic = automatic };
        var proposal = A.Proposal().NotSubmitted();
        proposal.Submit(Users.Clerk, T0, "under a workflow", plan, submitterMayApprove: true);
        return proposal;
    }

    private static Proposal ConflictOnTwo()
    {
        var builder = A.Proposal().Proposing(FieldCatalog.CreditLimit, "9000.00").Proposing(FieldCatalog.PaymentTerms, "Net90");
        var proposal = builder.Pending();
        proposal.Approve(ProposalBuilder.FirstDue(proposal), T0, null);
        proposal.Apply(builder.Customer.With(FieldCatalog.CreditLimit, "1.00").With(FieldCatalog.PaymentTerms, "COD"), T0);
        return proposal;
    }

    private static Proposal HostileThroughProposal(string text)
    {
        var builder = A.Proposal().Proposing(FieldCatalog.Name, "Name " + text);
        var proposal = builder.Pending();
        var approver = ProposalBuilder.FirstDue(proposal);
        // The engine trims user ids, so the delegate's is trimmed here too.
        var delegateId = ("zed" + text).Trim();
        proposal.Delegate(approver, T0, delegateId, text);
        proposal.Reject(Users.Approver(delegateId), T0, "Reason: " + text);
        return proposal;
    }

    /// <summary>The text in every string of <see cref="EverythingSet"/>, names and ids included.</summary>
    private static ProposalState WithText(string text)
    {
        var state = EverythingSet();
        var step = state.Steps[0];
        var definition = state.Workflow[0];
        var reaction = state.Run!.Reactions[0];
        return state with
        {
            Id = text,
            CustomerId = text,
            Lines = [new ProposedChange(text, text, text, text, T0), new ProposedChange("Name", "a", text, "b", T0)],
            CreatedBy = text,
            SubmittedBy = text,
            SubmittedByName = text,
            SubmitComment = text,
            Workflow = [definition with { Name = text, Approvers = [text, text], EscalateTo = text }],
            Run = state.Run with { Code = text, Reason = text, Reactions = [reaction with { Event = text, Response = text, Users = [text], Channel = text, Message = text }] },
            Steps = [step with { Name = text, EscalateTo = text, Approvers = [new ApproverSlot(text, ApprovalDecision.Rejected, T0, text, text)] }],
            DecisionComment = text,
            ConflictFields = [text, text],
        };
    }

    /// <summary>Null wherever a reference can be null, lists included, and null elements inside lists.</summary>
    private static ProposalState NullsEverywhere() => new()
    {
        Id = "X-P1",
        CustomerId = "X",
        CreatedBy = "c",
        Lines = [new ProposedChange(null!, null!, null!, null!, default), null!],
        Workflow = [new ApprovalStepDefinition(null!, null!, null!), new ApprovalStepDefinition("n", [null!], CompletionPolicy.SingleApprover), null!],
        Run = new WorkflowRun(null!, 0, null!) { Reactions = [new WorkflowReaction(0, null!, null!) { Users = [null!] }, null!] },
        Steps = [new ApprovalStep(null!, null!, null!, null), new ApprovalStep("s", CompletionPolicy.Majority, [new ApproverSlot(null!), null!], null), null!],
        ConflictFields = [null!, "CreditLimit"],
    };

    /// <summary>Offsets, fractions of a second and durations of every shape, and defaults that are written because nullable.</summary>
    private static ProposalState OddTimes()
    {
        var state = EverythingSet();
        return state with
        {
            CreatedAt = new DateTimeOffset(2026, 3, 29, 1, 59, 59, TimeSpan.FromHours(5.5)).AddTicks(1),
            SubmittedAt = default(DateTimeOffset),
            ClosedAt = DateTimeOffset.MaxValue,
            Lines = [state.Lines[0] with { ProposedAt = new DateTimeOffset(1999, 12, 31, 23, 59, 59, 120, TimeSpan.FromHours(-8)) }],
            Workflow =
            [
                state.Workflow[0] with { DueIn = TimeSpan.Zero },
                state.Workflow[0] with { DueIn = TimeSpan.FromMilliseconds(1500.25) },
                state.Workflow[0] with { DueIn = TimeSpan.FromDays(-1.5) },
                state.Workflow[0] with { DueIn = TimeSpan.MaxValue },
                state.Workflow[0] with { DueIn = TimeSpan.MinValue },
                state.Workflow[0] with { DueIn = TimeSpan.FromTicks(1) },
            ],
            Steps =
            [
                state.Steps[0] with { DueAt = DateTimeOffset.MinValue },
                state.Steps[0] with { DueAt = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.FromHours(14)).AddTicks(1_234_500) },
                state.Steps[0] with { DueAt = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.FromHours(-14)).AddTicks(1_000_000) },
            ],
        };
    }

    /// <summary>The biggest and smallest numbers, and enum values without a name (the serializer writes them as numbers).</summary>
    private static ProposalState Extremes()
    {
        var state = EverythingSet();
        return state with
        {
            Number = int.MinValue,
            Version = long.MaxValue,
            Status = (ProposalStatus)42,
            CurrentStep = -1,
            HistoryCount = int.MaxValue,
            Workflow = [state.Workflow[0] with { Policy = new CompletionPolicy((CompletionKind)9, -5), OnOverdue = (OverdueAction)77 }],
            Run = state.Run! with { Version = int.MaxValue, Reactions = [state.Run.Reactions[0] with { Step = int.MinValue }] },
            Steps = [state.Steps[0] with { Policy = new CompletionPolicy(CompletionKind.Percentage, 100), Approvers = [new ApproverSlot("u", (ApprovalDecision)3)] }],
        };
    }
}
