using System.Globalization;
using CustomerWorkflow.Core.Customers;
using CustomerWorkflow.Core.Fields;
using CustomerWorkflow.Core.Engine;
using CustomerWorkflow.Core.Scheduling;
using CustomerWorkflow.Core.Settings;
using CustomerWorkflow.Core.Tests.TestData;

namespace CustomerWorkflow.Core.Tests.Scheduling;

/// <summary>
/// The daily digest: notices held for someone who chose it go out once a day at the digest hour, as one digest listing
/// the approvals that still wait for them and the decisions on their proposals, with counts.
/// </summary>
public sealed class DigestTests : SchedulerTestBase
{
    private static readonly DigestSchedule AtEight = new(8, TimeZoneInfo.Utc);

    private DigestQueue Queue => new(Store, Store, AtEight, Time);

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await GivenCustomersAsync(A.Customer("US-002").Build(), A.Customer("US-003").Build());
    }

    private async Task SubmitAsync(string customerId)
    {
        await Engine.SetFieldsAsync(Users.Clerk, customerId, [new(FieldCatalog.CreditLimit, "5000")]);
        var submitted = await Engine.SubmitAsync(Users.Clerk, customerId);
        await Queue.HoldAsync("ann", DigestKind.ApprovalRequested, submitted.Proposal.Id, customerId, $"Cleo Clerk asks for your approval of {customerId}.");
    }

    private static DateTimeOffset Utc(string text) => DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);

    public static TheoryData<string, int, string, string> DigestTimes() => new()
    {
        // now (UTC), hour, zone, next digest (UTC)
        { "2026-11-20T07:59:00Z", 8, "UTC", "2026-11-20T08:00:00Z" },
        { "2026-11-20T08:00:00Z", 8, "UTC", "2026-11-21T08:00:00Z" },
        { "2026-11-20T09:00:00Z", 8, "UTC", "2026-11-21T08:00:00Z" },
        { "2026-11-20T23:30:00Z", 0, "UTC", "2026-11-21T00:00:00Z" },
        // Amsterdam is UTC+1 in winter and UTC+2 in summer; 08:00 there follows the clock change.
        { "2026-11-20T06:00:00Z", 8, "Europe/Amsterdam", "2026-11-20T07:00:00Z" },
        { "2026-07-01T06:30:00Z", 8, "Europe/Amsterdam", "2026-07-02T06:00:00Z" },
        { "2026-03-28T12:00:00Z", 8, "Europe/Amsterdam", "2026-03-29T06:00:00Z" },
        // 02:00 does not exist in Amsterdam on 29 March 2026: that day's digest goes out at 03:00 local.
        { "2026-03-28T12:00:00Z", 2, "Europe/Amsterdam", "2026-03-29T01:00:00Z" },
    };

    [Theory]
    [MemberData(nameof(DigestTimes))]
    public void The_next_digest_is_the_first_digest_hour_after_now_in_the_zone(string now, int hour, string zone, string expected)
    {
        var schedule = new DigestSchedule(hour, TimeZoneInfo.FindSystemTimeZoneById(zone));

        Assert.Equal(Utc(expected), schedule.NextAfter(Utc(now)));
    }

    [Fact]
    public async Task The_digest_lists_what_still_waits_and_the_decisions_and_counts_what_others_decided_meanwhile()
    {
        // 09:00: three proposals ask for ann's approval; bob decides one of them before the digest.
        await SubmitAsync("US-001");
        Time.Advance(TimeSpan.FromHours(1));
        await SubmitAsync("US-002");
        await SubmitAsync("US-003");
        await Engine.ApproveAsync(Users.Bob, "US-002-P1");
        await Queue.HoldAsync("ann", DigestKind.Decided, "US-009-P4", "US-009", "Your changes to US-009 (proposal US-009-P4) were approved and applied.");
        Time.Advance(TimeSpan.FromMinutes(1));
        await Queue.HoldAsync("ann", DigestKind.Decided, "US-008-P1", "US-008", "Bob rejected your changes to US-008 (proposal US-008-P1): \"no\".");

        // Nothing goes out before 08:00 the next day.
        Assert.Equal(0, (await AfterAsync(TimeSpan.FromHours(22) - TimeSpan.FromMinutes(2))).Claimed);
        await AfterAsync(TimeSpan.FromMinutes(1));

        var digest = Assert.Single(Handler.Digests);
        Assert.Equal(("ann", Utc("2026-11-21T08:00:00Z")), (digest.UserId, digest.At));
        Assert.Equal(["US-001-P1", "US-003-P1"], digest.Waiting.Select(w => w.Proposal.Id));
        Assert.Equal([Utc("2026-11-20T09:00:00Z"), Utc("2026-11-20T10:00:00Z")], digest.Waiting.Select(w => w.Since));
        Assert.Equal("Contoso Retail", digest.Waiting[0].Customer.Name);
        Assert.Equal(["US-009-P4", "US-008-P1"], digest.Decided.Select(d => d.ProposalId));
        Assert.Equal(1, digest.NoLongerWaiting);
        Assert.Empty(await Store.ListDigestEntriesAsync("ann"));

        // Once a day: the next day brings nothing more.
        Assert.Equal(0, (await AfterAsync(TimeSpan.FromDays(1))).Claimed);
        Assert.Single(Handler.Digests);
    }

    [Fact]
    public async Task A_notice_held_after_the_digest_hour_waits_for_the_next_days_digest()
    {
        Time.UtcNow = Utc("2026-11-21T07:30:00Z");
        await SubmitAsync("US-001");
        await AfterAsync(TimeSpan.FromMinutes(30));
        Assert.Equal(["US-001-P1"], Assert.Single(Handler.Digests).Waiting.Select(w => w.Proposal.Id));

        await SubmitAsync("US-002");
        await AfterAsync(TimeSpan.FromHours(23).Add(TimeSpan.FromMinutes(59)));
        Assert.Single(Handler.Digests);

        await AfterAsync(TimeSpan.FromMinutes(1));
        Assert.Equal(["US-002-P1"], Handler.Digests[1].Waiting.Select(w => w.Proposal.Id));
    }

    [Fact]
    public async Task A_digest_whose_every_request_was_decided_by_others_is_not_sent()
    {
        await SubmitAsync("US-001");
        await Engine.ApproveAsync(Users.Bob, "US-001-P1");

        var report = await AfterAsync(TimeSpan.FromDays(1));

        Assert.Equal((1, 1, 0), (report.Claimed, report.Completed, report.Acted));
        Assert.Empty(Handler.Digests);
        Assert.Empty(await Store.ListDigestEntriesAsync("ann"));
    }

    [Fact]
    public async Task Each_person_gets_their_own_digest()
    {
        await SubmitAsync("US-001");
        await Queue.HoldAsync("bob", DigestKind.ApprovalRequested, "US-001-P1", "US-001", "for bob");
        await Queue.HoldAsync(Users.Clerk.Id, DigestKind.Decided, "US-007-P1", "US-007", "for the clerk");

        await AfterAsync(TimeSpan.FromDays(1));

        Assert.Equal(["ann", "bob", Users.Clerk.Id], Handler.Digests.Select(d => d.UserId).Order(StringComparer.Ordinal));
        Assert.All(Handler.Digests.Where(d => d.UserId != Users.Clerk.Id), d => Assert.Equal("US-001-P1", Assert.Single(d.Waiting).Proposal.Id));
        Assert.Equal("for the clerk", Assert.Single(Handler.Digests.Single(d => d.UserId == Users.Clerk.Id).Decided).Text);
    }

    [Fact]
    public async Task A_digest_that_failed_to_go_out_goes_out_after_the_lease_with_nothing_lost()
    {
        await SubmitAsync("US-001");
        Time.Advance(TimeSpan.FromDays(1));
        Handler.Fail = true;
        var failed = await Processor.RunOnceAsync(Handler);
        Assert.Single(failed.Failures);
        Handler.Fail = false;

        await AfterAsync(new DueWorkOptions().Lease);

        Assert.Equal("US-001-P1", Assert.Single(Assert.Single(Handler.Digests).Waiting).Proposal.Id);
    }
}
