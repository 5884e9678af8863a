using CustomerWorkflow.Bot.Tests.Infrastructure;

namespace CustomerWorkflow.Bot.Tests.Conversations;

/// <summary>The user's shape end to end: a clerk proposes, an approver approves from the inbox, the customer changes.</summary>
public sealed class WholeFlowTests
{
    [Fact]
    public async Task Clerk_proposes_approver_approves_and_the_customer_shows_the_new_values()
    {
        await using var host = await BotTestHost.StartAsync();
        var clerk = host.Clerk;
        var approver = host.Approver;
        (await approver.SendAsync("hi")).ReplyText("help");
        (await host.Finance.SendAsync("hi")).ReplyText("help");

        var set = await clerk.SendAsync("set US-001 CreditLimit=300000 PaymentTerms=Net45 City=\"New Town\"");
        set.ReplyText("Changed at once: City Redmond → New Town", "CreditLimit 250000.00 → 300000.00", "PaymentTerms Net30 → Net45", "not submitted");

        (await clerk.SendAsync("changes US-001")).ReplyText("CreditLimit 250000.00 300000.00 Remove", "PaymentTerms Net30 Net45 Remove", "not submitted");
        (await clerk.SendAsync("customer US-001")).ReplyText("City New Town", "CreditLimit 🔒 250000.00 300000.00");

        var submit = await clerk.SendAsync("submit US-001 \"bigger order volume\"");
        submit.ReplyText("Submitted proposal US-001-P1", "pending approval", "Arun Approver");
        var notice = Assert.Single(submit.SentTo(approver));
        Assert.Contains("Chloe Clerk asks for your approval", notice.Text, StringComparison.Ordinal);
        BotTestHost.CardOf(notice);
        Assert.Single(submit.SentTo(host.Finance));

        var inbox = await approver.SendAsync("inbox");
        Assert.Equal(2, inbox.Replies.Count);
        Assert.Contains("US-001-P1", inbox.Replies[1].Text, StringComparison.Ordinal);

        var approve = await approver.SendAsync("approve US-001-P1 looks right");
        approve.ReplyText("Approved: proposal US-001-P1 is applied to US-001 Contoso Retail");
        var outcome = Assert.Single(approve.SentTo(clerk));
        Assert.Contains("approved and applied", outcome.Text, StringComparison.Ordinal);

        (await clerk.SendAsync("customer US-001")).ReplyText("CreditLimit 🔒 300000.00", "PaymentTerms 🔒 Net45", "City New Town", "No open proposal");
        (await clerk.SendAsync("history US-001")).ReplyText("Chloe Clerk submitted", "Arun Approver approved", "looks right");
    }
}
