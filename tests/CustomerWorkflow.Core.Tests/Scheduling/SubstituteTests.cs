using System.Collections.Concurrent;
using CustomerWorkflow.Core.Engine;
using CustomerWorkflow.Core.People;
using CustomerWorkflow.Core.Proposals;
using CustomerWorkflow.Core.Scheduling;
using CustomerWorkflow.Core.Settings;
using CustomerWorkflow.Core.Tests.TestData;

namespace CustomerWorkflow.Core.Tests.Scheduling;

/// <summary>
/// Substitutes: an approver who is away (set by hand, or out of office in their mailbox) has their place in a step that
/// starts handed to their substitute, recorded in the history; and the reminder of an overdue step does the same.
/// </summary>
public sealed class SubstituteTests : SchedulerTestBase
{
    private readonly FakeOutOfOffice _outOfOffice = new();
    private ProposalEngine _engine = null!;
    private UserDirectory _directory = null!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        _engine = new ProposalEngine(Store, Time) { Availability = new Availability(Store, Time, _outOfOffice) };
        _directory = new UserDirectory(Store);
        foreach (var (id, name) in new[] { ("ann", "Ann Approver"), ("bob", "Bob Approver"), ("sam", "Sam Substitute"), ("tom", "Tom Temp"), ("clerk", "Cleo Clerk"), ("admin", "Ada Admin") })
        {
            await Store.SaveUserAsync(new UserProfile(id, name), 0);
        }

        await GivenStepsAsync(Step("Finance", OverdueAction.Remind));
    }

    private Task<ProposalResult> SubmitAsync() => SubmitAsync(_engine);

    private async Task<ProposalResult> SubmitAsync(ProposalEngine engine)
    {
        await SetAsync((Core.Fields.FieldCatalog.CreditLimit, "5000"));
        return await engine.SubmitAsync(Users.Clerk, "US-001");
    }

    private Task AwayAsync(string user, string substitute, TimeSpan? for_ = null) =>
        _directory.SetSubstituteAsync(Users.Admin, user, substitute, for_ is { } span ? Time.UtcNow + span : null, Time.UtcNow);

    [Fact]
    public async Task An_approver_away_by_hand_has_their_place_routed_to_their_substitute()
    {
        await AwayAsync("ann", "sam", TimeSpan.FromDays(7));

        var submitted = await SubmitAsync();

        Assert.Equal(["sam", "bob"], submitted.Proposal.DueApprovers);
        Assert.Equal("ann", submitted.Proposal.Steps[0].Approvers[0].DelegatedFrom);
        var routed = Assert.Single(await HistoryAsync(HistoryAction.Substituted));
        Assert.Equal(("system", 1), (routed.ActorId, routed.Step));
        Assert.Equal("routed to Sam Substitute: Ann Approver is away until 2026-11-27 09:00 UTC", routed.Detail);
        // Ann's away date said enough; her substitute's mailbox was asked whether he is in.
        Assert.Equal(["sam"], _outOfOffice.Asked);
        // The substitute acts in the away approver's place.
        Assert.Equal(ProposalStatus.Applied, (await _engine.ApproveAsync(Users.Approver("sam"), "US-001-P1")).Proposal.Status);
    }

    [Fact]
    public async Task A_proposal_an_import_submits_is_routed_like_one_a_clerk_submits()
    {
        await AwayAsync("ann", "sam", TimeSpan.FromDays(7));
        var current = (await Store.GetSettingsAsync())!;
        await Store.SaveSettingsAsync(current.Settings with { ImportBehaviour = ImportBehaviour.Propose }, current.Version, []);

        var summary = await _engine.ImportAsync(Users.Admin, Core.Import.ImportReaders.ReadCsvAsync(new MemoryStream("CustomerId,CreditLimit\nUS-001,5000\n"u8.ToArray())));

        Assert.Equal(["US-001-P1"], summary.SubmittedProposals);
        Assert.Equal(["sam", "bob"], (await _engine.GetProposalAsync("US-001-P1")).DueApprovers);
        Assert.Single(await HistoryAsync(HistoryAction.Substituted));
    }

    [Fact]
    public async Task An_approver_whose_out_of_office_is_on_is_routed_too()
    {
        await AwayAsync("ann", "sam");
        _outOfOffice.Away["ann"] = new OutOfOffice(Time.UtcNow.AddDays(3));

        var submitted = await SubmitAsync();

        Assert.Equal(["sam", "bob"], submitted.Proposal.DueApprovers);
        Assert.Equal("routed to Sam Substitute: Ann Approver is out of office until 2026-11-23 09:00 UTC", Assert.Single(await HistoryAsync(HistoryAction.Substituted)).Detail);
    }

    [Fact]
    public async Task Nobody_is_routed_when_present_or_without_a_substitute_and_nobody_without_one_is_looked_up()
    {
        await AwayAsync("ann", "sam");
        _outOfOffice.Away["bob"] = new OutOfOffice(null);

        var submitted = await SubmitAsync();

        Assert.Equal(["ann", "bob"], submitted.Proposal.DueApprovers);
        Assert.Empty(await HistoryAsync(HistoryAction.Substituted));
        // Ann was looked up (she named a substitute); Bob, with none, was not.
        Assert.Equal(["ann"], _outOfOffice.Asked);
    }

    [Fact]
    public async Task An_away_date_that_has_passed_no_longer_routes()
    {
        await AwayAsync("ann", "sam", TimeSpan.FromDays(1));
        Time.Advance(TimeSpan.FromDays(1));

        var submitted = await SubmitAsync();

        Assert.Equal(["ann", "bob"], submitted.Proposal.DueApprovers);
    }

    [Fact]
    public async Task A_substitute_who_is_away_too_hands_on_to_their_own_substitute()
    {
        await AwayAsync("ann", "sam", TimeSpan.FromDays(7));
        await AwayAsync("sam", "tom", TimeSpan.FromDays(7));

        var submitted = await SubmitAsync();

        Assert.Equal(["tom", "bob"], submitted.Proposal.DueApprovers);
        Assert.Equal("routed to Tom Temp: Ann Approver is away until 2026-11-27 09:00 UTC", Assert.Single(await HistoryAsync(HistoryAction.Substituted)).Detail);
    }

    [Fact]
    public async Task A_circle_of_substitutes_who_are_all_away_leaves_the_approver_in_place()
    {
        await AwayAsync("ann", "sam", TimeSpan.FromDays(7));
        await AwayAsync("sam", "ann", TimeSpan.FromDays(7));

        var submitted = await SubmitAsync();

        Assert.Equal(["ann", "bob"], submitted.Proposal.DueApprovers);
    }

    [Fact]
    public async Task The_submitter_is_never_made_an_approver_of_their_own_proposal_as_a_substitute()
    {
        await AwayAsync("ann", Users.Clerk.Id, TimeSpan.FromDays(7));

        var submitted = await SubmitAsync();

        Assert.Equal(["ann", "bob"], submitted.Proposal.DueApprovers);
        Assert.Empty(await HistoryAsync(HistoryAction.Substituted));
    }

    [Fact]
    public async Task The_next_step_routes_its_away_approvers_when_it_starts()
    {
        await GivenStepsAsync(Step("Manager", OverdueAction.Remind, approvers: "bob"), Step("Finance", OverdueAction.Remind, approvers: "ann"));
        await AwayAsync("ann", "sam", TimeSpan.FromDays(7));
        await SubmitAsync();

        var moved = await _engine.ApproveAsync(Users.Bob, "US-001-P1");

        Assert.Equal(["sam"], moved.Proposal.DueApprovers);
        Assert.Equal(2, Assert.Single(await HistoryAsync(HistoryAction.Substituted)).Step);
    }

    [Fact]
    public async Task A_reminder_routes_an_approver_who_went_away_after_the_step_started()
    {
        await SubmitAsync();
        await AwayAsync("ann", "sam", TimeSpan.FromDays(7));
        var processor = new DueWorkProcessor(Store, Store, _engine, Time);

        Time.Advance(TwoDays);
        await processor.RunOnceAsync(Handler);

        var outcome = Assert.Single(Handler.Outcomes);
        Assert.Equal(OverdueAction.Remind, outcome.Taken);
        Assert.Equal(["sam", "bob"], outcome.Told);
        Assert.Equal("sam", Assert.Single(outcome.Routed).ToUserId);
        Assert.Equal([HistoryAction.Substituted, HistoryAction.Reminded], (await HistoryAsync(HistoryAction.Substituted, HistoryAction.Reminded)).Select(h => h.Action));
    }

    [Fact]
    public async Task People_set_their_own_substitute_and_only_admins_set_anyone_elses()
    {
        var ann = new Actor("ann", "Ann Approver", Roles.Approver);

        var set = await _directory.SetSubstituteAsync(ann, "ann", "sam", Time.UtcNow.AddDays(2), Time.UtcNow);
        var notAllowed = await Assert.ThrowsAsync<WorkflowException>(() => _directory.SetSubstituteAsync(ann, "bob", "sam", null, Time.UtcNow));
        var byAdmin = await _directory.SetSubstituteAsync(Users.Admin, "bob", "tom", null, Time.UtcNow);
        var cleared = await _directory.SetSubstituteAsync(ann, "ann", null, null, Time.UtcNow);

        Assert.Equal(("sam", Time.UtcNow.AddDays(2)), (set.SubstituteId, set.AwayUntil));
        Assert.Equal(Refusal.NotAllowed, notAllowed.Refusal);
        Assert.Equal("tom", (await Store.GetUserAsync("bob"))!.SubstituteId);
        Assert.Equal("tom", byAdmin.SubstituteId);
        Assert.Equal((null, null), (cleared.SubstituteId, cleared.AwayUntil));
    }

    public static TheoryData<string, string?, int, Refusal> BadSubstitutes() => new()
    {
        { "ann", "ann", 1, Refusal.InvalidValue },
        { "ann", "nobody", 1, Refusal.UnknownUser },
        { "ann", "sam", -1, Refusal.InvalidValue },
        { "ann", null, 1, Refusal.InvalidValue },
        { "ghost", "sam", 1, Refusal.UnknownUser },
    };

    [Theory]
    [MemberData(nameof(BadSubstitutes))]
    public async Task Wrong_substitute_settings_are_refused_and_change_nothing(string user, string? substitute, int awayDays, Refusal refusal)
    {
        var refused = await Assert.ThrowsAsync<WorkflowException>(() =>
            _directory.SetSubstituteAsync(Users.Admin, user, substitute, Time.UtcNow.AddDays(awayDays), Time.UtcNow));

        Assert.Equal(refusal, refused.Refusal);
        Assert.Null((await Store.GetUserAsync("ann"))!.SubstituteId);
    }

    [Fact]
    public async Task The_notification_preference_is_kept_per_person()
    {
        var ann = new Actor("ann", "Ann Approver", Roles.Approver);

        await _directory.SetNotificationsAsync(ann, "ann", NotificationPreference.DailyDigest);
        var refused = await Assert.ThrowsAsync<WorkflowException>(() => _directory.SetNotificationsAsync(ann, "bob", NotificationPreference.DailyDigest));

        Assert.Equal(NotificationPreference.DailyDigest, (await Store.GetUserAsync("ann"))!.Notify);
        Assert.Equal(NotificationPreference.AtOnce, (await Store.GetUserAsync("bob"))!.Notify);
        Assert.Equal(Refusal.NotAllowed, refused.Refusal);
    }

    /// <summary>Out-of-office as a mailbox would say it, and who was asked about.</summary>
    private sealed class FakeOutOfOffice : IOutOfOfficeSource
    {
        private readonly ConcurrentQueue<string> _asked = new();

        public Dictionary<string, OutOfOffice> Away { get; } = new(StringComparer.OrdinalIgnoreCase);

        public IReadOnlyList<string> Asked => [.. _asked];

        public Task<OutOfOffice?> GetOutOfOfficeAsync(string userId, CancellationToken cancellationToken = default)
        {
            _asked.Enqueue(userId);
            return Task.FromResult(Away.GetValueOrDefault(userId));
        }
    }
}
