using System.Text.Json;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using CustomerWorkflow.Core.Proposals;
using CustomerWorkflow.Core.Settings;
using CustomerWorkflow.Core.Storage;

namespace CustomerWorkflow.Benchmarks;

/// <summary>
/// A proposal's stored body written and read by the hand-written codec against the serializer-made compact shape it
/// replaced (<see cref="CompactProposalJson"/>, each category's baseline): a typical applied single-step proposal, and a
/// three-step one. No database: only the JSON work the SQLite store does per proposal.
/// </summary>
[Config(typeof(Config))]
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class ProposalCodecBenchmarks
{
    // A closed proposal as the SQLite store holds it.
    private const string Typical = """
        {"i":"AT-000036-P1","c":"AT-000036","n":1,"st":"Applied","v":4,"l":[{"f":"CreditLimit","o":"14000.00","p":"15000.00","b":"sample-admin","a":"2026-11-21T07:29:57.6893158+00:00"}],"cb":"sample-admin","ca":"2026-11-21T07:29:57.6893158+00:00","sb":"sample-admin","sn":"Adam Admin","sa":"2026-11-21T07:29:57.781834+00:00","sc":"Submitted by import","w":[{"n":"Finance approval","a":["sample-approver","sample-finance"],"p":{},"d":"2.00:00:00"}],"s":[{"n":"Finance approval","p":{},"a":[{"u":"sample-approver","d":"Approved","t":"2026-11-21T07:29:57.8829401+00:00"},{"u":"sample-finance"}],"d":"2026-11-23T07:29:57.781834+00:00"}],"cf":[],"x":"2026-11-21T07:29:57.8829401+00:00","h":5}
        """;

    private Proposal _proposal = null!;
    private byte[] _stored = [];

    [Params("single step", "three steps")]
    public string Shape { get; set; } = "single step";

    [GlobalSetup]
    public void Setup()
    {
        var typical = StoredShapes.Proposal(Typical);
        _proposal = Shape == "three steps" ? ThreeSteps(typical) : typical;
        _stored = JsonSerializer.SerializeToUtf8Bytes(_proposal.ToState(), CompactProposalJson.State);
        if (!_stored.AsSpan().SequenceEqual(StoredShapes.ProposalUtf8(_proposal)))
        {
            throw new InvalidOperationException("The codec does not write what the serializer writes.");
        }
    }

    [Benchmark(Baseline = true, Description = "serializer")]
    [BenchmarkCategory("write")]
    public string WriteSerializer() => JsonSerializer.Serialize(_proposal.ToState(), CompactProposalJson.State);

    [Benchmark(Description = "codec, string")]
    [BenchmarkCategory("write")]
    public string WriteCodec() => StoredShapes.Proposal(_proposal);

    [Benchmark(Description = "codec, UTF-8")]
    [BenchmarkCategory("write")]
    public byte[] WriteCodecUtf8() => StoredShapes.ProposalUtf8(_proposal);

    [Benchmark(Baseline = true, Description = "serializer")]
    [BenchmarkCategory("read")]
    public Proposal ReadSerializer() => Proposal.FromState(JsonSerializer.Deserialize(_stored, CompactProposalJson.State)!);

    [Benchmark(Description = "codec")]
    [BenchmarkCategory("read")]
    public Proposal ReadCodec() => StoredShapes.Proposal(_stored.AsSpan());

    /// <summary>The typical proposal under three steps of different policies, two lines, decisions with comments.</summary>
    private static Proposal ThreeSteps(Proposal typical)
    {
        var state = typical.ToState();
        var at = state.ClosedAt!.Value;
        var definitions = new[]
        {
            new ApprovalStepDefinition("Sales approval", ["sample-sales", "sample-sales-2", "sample-sales-3"], CompletionPolicy.SingleApprover, TimeSpan.FromHours(8)),
            new ApprovalStepDefinition("Finance approval", ["sample-approver", "sample-finance"], CompletionPolicy.AllApprovers, TimeSpan.FromDays(2), OverdueAction.Remind),
            new ApprovalStepDefinition("Board approval", ["sample-board-1", "sample-board-2", "sample-board-3"], CompletionPolicy.PercentageOf(60), TimeSpan.FromDays(5), OverdueAction.Escalate, "sample-admin"),
        };
        return Proposal.FromState(state with
        {
            Version = 9,
            Lines = [.. state.Lines, new ProposedChange("PaymentTerms", "Net30", "Net60", "sample-admin", state.CreatedAt)],
            Workflow = [.. definitions],
            Steps =
            [
                new ApprovalStep("Sales approval", CompletionPolicy.SingleApprover,
                    [new ApproverSlot("sample-sales", ApprovalDecision.Approved, at, "Fine by sales."), new ApproverSlot("sample-sales-2"), new ApproverSlot("sample-sales-3")], at.AddHours(8)),
                new ApprovalStep("Finance approval", CompletionPolicy.AllApprovers,
                    [new ApproverSlot("sample-approver", ApprovalDecision.Approved, at), new ApproverSlot("sample-finance-deputy", ApprovalDecision.Approved, at, "For Frank.", "sample-finance")],
                    at.AddDays(2), OverdueAction.Remind),
                new ApprovalStep("Board approval", CompletionPolicy.PercentageOf(60),
                    [new ApproverSlot("sample-board-1", ApprovalDecision.Approved, at), new ApproverSlot("sample-board-2", ApprovalDecision.Approved, at, "Agreed."), new ApproverSlot("sample-board-3")],
                    at.AddDays(5), OverdueAction.Escalate, "sample-admin"),
            ],
            CurrentStep = 2,
            HistoryCount = 14,
        });
    }

    /// <summary>
    /// In process like the project's other benchmarks (no separate build), with many operations per iteration as
    /// microsecond work needs, and a fixed number of iterations so a run takes about a minute a case.
    /// </summary>
    private sealed class Config : ManualConfig
    {
        public Config() => AddJob(Job.Default.WithToolchain(InProcessEmitToolchain.Instance).WithWarmupCount(6).WithIterationCount(20));
    }
}
