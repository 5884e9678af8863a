using CustomerWorkflow.Core;
using CustomerWorkflow.Core.People;
using CustomerWorkflow.Core.Storage;

namespace CustomerWorkflow.Storage.Tests;

/// <summary>
/// The contract of the people port and the idempotency claims: every key finds the person, writes are version-checked,
/// a claim is granted once across instances, and the directory merges concurrent meetings without losing roles.
/// </summary>
public abstract class PeopleStoreContract : StoreContract<IUserStore>
{

    private IIdempotencyStore Claims => (IIdempotencyStore)Store;

    private static UserProfile Ann => new("aad-ann", "Ann Lee", "ann@contoso.com", "ann.lee@contoso.com", "29:ann", Roles.Clerk, "{\"address\":1}");

    [Fact]
    public async Task A_person_is_found_by_each_of_their_keys_case_insensitively()
    {
        Assert.Equal(1, await Store.SaveUserAsync(Ann, 0));

        foreach (var key in new[] { "aad-ann", "AAD-ANN", "ann@contoso.com", "ANN.LEE@contoso.com", "29:ann" })
        {
            var found = await Store.FindUserAsync(key);
            Assert.Equal(Ann with { Version = 1 }, found);
        }

        Assert.Null(await Store.FindUserAsync("bob@contoso.com"));
        Assert.Equal("aad-ann", Assert.Single(await Store.FindUsersByNameAsync("ann lee", 5)).Id);
        Assert.Equal(Ann with { Version = 1 }, await Store.GetUserAsync("aad-ann"));
    }

    [Fact]
    public async Task A_substitute_an_away_date_and_a_digest_preference_are_kept()
    {
        var away = DateTimeOffset.Parse("2026-12-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
        var ann = Ann with { SubstituteId = "aad-bob", AwayUntil = away, Notify = NotificationPreference.DailyDigest };
        await Store.SaveUserAsync(ann, 0);

        Assert.Equal(ann with { Version = 1 }, await Store.GetUserAsync("aad-ann"));
        Assert.Equal(ann with { Version = 1 }, await Store.FindUserAsync("ann@contoso.com"));

        await Store.SaveUserAsync(ann with { SubstituteId = null, AwayUntil = null, Notify = NotificationPreference.AtOnce }, 1);

        Assert.Equal(Ann with { Version = 2 }, await Store.GetUserAsync("aad-ann"));
    }

    [Fact]
    public async Task Writes_are_version_checked()
    {
        await Store.SaveUserAsync(Ann, 0);

        await Assert.ThrowsAsync<ConcurrencyException>(() => Store.SaveUserAsync(Ann, 0));
        Assert.Equal(2, await Store.SaveUserAsync(Ann with { Roles = Roles.Approver }, 1));
        await Assert.ThrowsAsync<ConcurrencyException>(() => Store.SaveUserAsync(Ann with { Roles = Roles.Admin }, 1));
        Assert.Equal(Roles.Approver, (await Store.GetUserAsync("aad-ann"))!.Roles);
    }

    [Fact]
    public async Task Only_people_with_roles_are_listed()
    {
        await Store.SaveUserAsync(Ann, 0);
        await Store.SaveUserAsync(new UserProfile("aad-bob", "Bob"), 0);

        Assert.Equal(["aad-ann"], (await Store.ListUsersWithRolesAsync()).Select(u => u.Id));
    }

    [Fact]
    public async Task A_claim_is_granted_once_across_instances_and_can_be_given_back()
    {
        var second = (IIdempotencyStore)await OpenSecondInstanceAsync();
        Track(second);
        var now = DateTimeOffset.UtcNow;

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => (i % 2 == 0 ? Claims : second).TryClaimAsync("activity|1", now)));

        Assert.Single(results, r => r);
        await Claims.ReleaseClaimAsync("activity|1");
        Assert.True(await second.TryClaimAsync("activity|1", now));
        Assert.True(await Claims.TryClaimAsync("activity|2", now));
    }

    [Fact]
    public async Task Concurrent_meetings_and_a_role_change_all_land()
    {
        var second = await OpenSecondInstanceAsync();
        Track(second);
        await Store.SaveUserAsync(new UserProfile("aad-ann", "Ann"), 0);
        var admin = new Actor("aad-admin", "Admin", Roles.Admin);
        var one = new UserDirectory(Store);
        var two = new UserDirectory(second);

        await Task.WhenAll(
            one.MeetAsync(new UserProfile("aad-ann", "Ann Lee", Upn: "ann@contoso.com")),
            two.MeetAsync(new UserProfile("aad-ann", "Ann Lee", ChannelUserId: "29:ann")),
            one.SetRolesAsync(admin, "aad-ann", Roles.Clerk | Roles.Approver));

        var ann = await Store.GetUserAsync("aad-ann");
        Assert.Equal("ann@contoso.com", ann!.Upn);
        Assert.Equal("29:ann", ann.ChannelUserId);
        Assert.Equal(Roles.Clerk | Roles.Approver, ann.Roles);
    }

    [Fact]
    public async Task Meeting_someone_unchanged_does_not_write()
    {
        var directory = new UserDirectory(Store);
        var first = await directory.MeetAsync(new UserProfile("aad-ann", "Ann Lee", Upn: "ann@contoso.com"));
        var again = await directory.MeetAsync(new UserProfile("aad-ann", "Ann Lee"));

        Assert.Equal(first.Version, again.Version);
        Assert.Equal("ann@contoso.com", again.Upn);
    }

    [Fact]
    public async Task Sent_cards_are_kept_once_per_activity_and_listed_per_proposal()
    {
        var delivery = (IDeliveryStore)Store;
        var at = DateTimeOffset.Parse("2026-11-02T09:30:00Z", System.Globalization.CultureInfo.InvariantCulture);
        await delivery.AddSentCardAsync(new SentCard("US-001-P1", "aad-ann", "{ref:1}", "act-1", at));
        await delivery.AddSentCardAsync(new SentCard("US-001-P1", "aad-ann", "{ref:1}", "act-1", at));
        await delivery.AddSentCardAsync(new SentCard("US-001-P1", "aad-bob", "{ref:2}", "act-2", at.AddSeconds(1)));
        await delivery.AddSentCardAsync(new SentCard("US-002-P1", "aad-bob", "{ref:2}", "act-3", at));

        var cards = await delivery.ListSentCardsAsync("US-001-P1");

        Assert.Equal(["act-1", "act-2"], cards.Select(c => c.ActivityId));
        Assert.Equal(new SentCard("US-001-P1", "aad-ann", "{ref:1}", "act-1", at), cards[0]);
    }

    [Fact]
    public async Task Notices_are_appended_and_listed_per_customer_in_order()
    {
        var delivery = (IDeliveryStore)Store;
        var at = DateTimeOffset.Parse("2026-11-02T09:30:00Z", System.Globalization.CultureInfo.InvariantCulture);
        await delivery.AddNoticeAsync(new NoticeRecord("US-001-P1", "US-001", at, "aad-ann", false, "never met"));
        await delivery.AddNoticeAsync(new NoticeRecord("US-001-P1", "US-001", at.AddMinutes(1), "aad-bob", true, "sent"));
        await delivery.AddNoticeAsync(new NoticeRecord("US-002-P1", "US-002", at, "aad-bob", true, "sent"));

        var notices = await delivery.ListNoticesAsync("US-001");

        Assert.Equal(["aad-ann", "aad-bob"], notices.Select(n => n.UserId));
        Assert.False(notices[0].Delivered);
        Assert.Equal("never met", notices[0].Detail);
    }
}
