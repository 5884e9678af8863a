using CustomerWorkflow.Bot.Tests.Infrastructure;
using CustomerWorkflow.Core.Proposals;
using CustomerWorkflow.Core.Settings;

namespace CustomerWorkflow.Bot.Tests.Conversations;

/// <summary>The clerk's proposed-changes card and the admin's settings card act like the commands they stand for.</summary>
public sealed class ClerkAndSettingsCardTests : IAsyncLifetime
{
    private BotTestHost _host = null!;

    private TestUser Clerk => _host.Clerk;

    public async Task InitializeAsync()
    {
        _host = await BotTestHost.StartAsync();
        await _host.Approver.SendAsync("hi");
        await _host.Finance.SendAsync("hi");
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private static string Texts(Turn click) => CardTexts.Of(click.InvokeBody["value"]);

    [Fact]
    public async Task Remove_submit_and_recall_from_the_proposed_changes_card()
    {
        await Clerk.SendAsync("set US-001 CreditLimit=300000 PaymentTerms=Net60");
        var card = (await Clerk.SendAsync("changes US-001")).Reply;

        var removed = await Clerk.ClickAsync(card, "Remove", field: "PaymentTerms");
        Assert.Contains("1 change left", Texts(removed), StringComparison.Ordinal);
        Assert.Single((await _host.Engine.GetProposalAsync("US-001-P1")).Lines);

        var submitted = await Clerk.ClickAsync(card, "Submit", new Dictionary<string, string> { ["comment"] = "Q1 volume" });
        Assert.Contains("changes pending approval", Texts(submitted), StringComparison.Ordinal);
        Assert.Single(submitted.SentTo(_host.Approver));
        Assert.Equal(ProposalStatus.PendingApproval, (await _host.Engine.GetProposalAsync("US-001-P1")).Status);

        var pendingCard = (await Clerk.SendAsync("changes US-001")).Reply;
        var recalled = await Clerk.ClickAsync(pendingCard, "Recall");
        Assert.Contains("Recalled proposal US-001-P1", Texts(recalled), StringComparison.Ordinal);
        Assert.Equal(ProposalStatus.NotSubmitted, (await _host.Engine.GetProposalAsync("US-001-P1")).Status);
    }

    [Fact]
    public async Task Discard_all_from_the_card_and_a_second_click_changes_nothing()
    {
        await Clerk.SendAsync("set US-001 CreditLimit=300000");
        var card = (await Clerk.SendAsync("changes US-001")).Reply;

        var discarded = await Clerk.ClickAsync(card, "Discard all");
        var again = await Clerk.ClickAsync(card, "Discard all");

        Assert.Contains("Discarded proposal US-001-P1", Texts(discarded), StringComparison.Ordinal);
        Assert.Contains("has no proposed changes", Texts(again), StringComparison.Ordinal);
        Assert.Equal(ProposalStatus.Discarded, (await _host.Engine.GetProposalAsync("US-001-P1")).Status);
    }

    [Fact]
    public async Task The_settings_card_saves_in_one_recorded_change_and_refuses_a_stale_card()
    {
        var admin = _host.User("sample-admin", "Adam Admin", BotTestHost.AdminUpn);
        var card = (await admin.SendAsync("config")).Reply;
        var inputs = new Dictionary<string, string> { ["approvals"] = "false", ["import"] = "Reject", ["field.Email"] = "true", ["field.CreditLimit"] = "true" };

        var saved = await admin.ClickAsync(card, "Save", inputs);

        Assert.Contains("Saved.", Texts(saved), StringComparison.Ordinal);
        var settings = (await _host.Engine.GetSettingsAsync()).Settings;
        Assert.False(settings.ApprovalsEnabled);
        Assert.Equal(ImportBehaviour.Reject, settings.ImportBehaviour);
        Assert.Equal(["CreditLimit", "Email"], settings.ApprovalFields);

        var stale = await admin.ClickAsync(card, "Save", new Dictionary<string, string> { ["approvals"] = "true", ["import"] = "Allow" });
        Assert.Contains("changed by someone else", Texts(stale), StringComparison.Ordinal);
        Assert.False((await _host.Engine.GetSettingsAsync()).Settings.ApprovalsEnabled);

        var clerkClick = await Clerk.ClickAsync(card, "Save", inputs);
        Assert.Contains("Only admins", Texts(clerkClick), StringComparison.Ordinal);
    }
}
