using CustomerWorkflow.Bot.Tests.Infrastructure;

namespace CustomerWorkflow.Bot.Tests.Conversations;

/// <summary>The clerk's commands, with each wrong input refused by a specific answer that changes nothing.</summary>
public sealed class ClerkCommandTests : IAsyncLifetime
{
    private BotTestHost _host = null!;

    private TestUser Clerk => _host.Clerk;

    public async Task InitializeAsync() => _host = await BotTestHost.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private async Task<string> City(string id = "US-001") => (await _host.Engine.GetCustomerAsync(id)).Customer["City"];

    [Fact]
    public async Task Customer_shows_values_the_fields_that_need_approval_and_the_proposal()
    {
        (await Clerk.SendAsync("customer us-001")).ReplyText("US-001 Contoso Retail", "CreditLimit 🔒 250000.00", "City Redmond", "No open proposal");
        (await Clerk.SendAsync("customer XX-999")).ReplyText("There is no customer XX-999.");
        (await Clerk.SendAsync("customer not-an-id!")).ReplyText("is not a customer id");
        (await Clerk.SendAsync("customer")).ReplyText("Say which customer", "Usage: `customer <id>`");
    }

    [Fact]
    public async Task Find_matches_ids_and_names()
    {
        (await Clerk.SendAsync("find contoso")).ReplyText("1 customer found", "US-001 Contoso Retail");
        (await Clerk.SendAsync("search \"Van der Berg\"")).ReplyText("NL-001 Van der Berg Groothandel B.V.");
        (await Clerk.SendAsync("find zzzz")).ReplyText("No customer's id or name contains \"zzzz\".");
        (await Clerk.SendAsync("find")).ReplyText("Say what to look for");
    }

    [Fact]
    public async Task Set_one_field_with_a_quoted_value_applies_a_free_field_at_once()
    {
        (await Clerk.SendAsync("set US-001 City \"New York\"")).ReplyText("Changed at once: City Redmond → New York");
        Assert.Equal("New York", await City());
        (await Clerk.SendAsync("SET us-001 street “Main Street 1”")).ReplyText("Street 1 Microsoft Way → Main Street 1");
    }

    [Fact]
    public async Task Set_an_approval_field_proposes_and_keeps_the_customer_value()
    {
        (await Clerk.SendAsync("propose US-001 creditlimit 300000")).ReplyText("Proposed", "CreditLimit 250000.00 → 300000.00", "Proposal US-001-P1 is not submitted");
        Assert.Equal("250000.00", (await _host.Engine.GetCustomerAsync("US-001")).Customer["CreditLimit"]);
        (await Clerk.SendAsync("set US-001 CreditLimit=250000")).ReplyText("Set back to the original, so the proposed change is gone: CreditLimit");
    }

    [Theory]
    [InlineData("set US-001 Colour=Red", "Colour")]
    [InlineData("set US-001 CreditLimit=-5", "CreditLimit")]
    [InlineData("set US-001 Country=XX", "Country")]
    [InlineData("set US-001 BankAccount=NL00BANK0123456789", "BankAccount")]
    [InlineData("set US-001 City=Paris Email=not-an-email", "Email")]
    [InlineData("set US-001 City=Paris City=Rome", "City is given more than once")]
    [InlineData("set XX-404 City=Paris", "There is no customer XX-404")]
    [InlineData("set US-001 City=Paris Rome", "is not a field=value pair")]
    [InlineData("set US-001 City \"Paris", "A quote is not closed")]
    [InlineData("set US-001", "Say which field to set")]
    [InlineData("set US-001 City", "Say the new value of City")]
    public async Task Set_refuses_bad_input_and_changes_nothing(string command, string expected)
    {
        (await Clerk.SendAsync(command)).ReplyText(expected);
        Assert.Equal("Redmond", await City());
        Assert.Null((await _host.Engine.GetCustomerAsync("US-001")).OpenProposal);
    }

    [Fact]
    public async Task Changes_remove_and_discard_edit_the_proposal()
    {
        (await Clerk.SendAsync("changes US-001")).ReplyText("US-001 Contoso Retail has no proposed changes.");
        await Clerk.SendAsync("set US-001 CreditLimit=300000 PaymentTerms=Net60");
        (await Clerk.SendAsync("changes US-001")).ReplyText("CreditLimit 250000.00 300000.00 Remove", "PaymentTerms Net30 Net60 Remove", "Discard all");

        (await Clerk.SendAsync("remove US-001 paymentterms")).ReplyText("Removed the proposed change", "1 change left");
        (await Clerk.SendAsync("remove US-001 Email")).ReplyText("has no proposed change for Email");
        (await Clerk.SendAsync("remove US-001 Nonsense")).ReplyText("Nonsense");
        (await Clerk.SendAsync("discard US-001")).ReplyText("Discarded proposal US-001-P1; US-001 keeps its values.");
        (await Clerk.SendAsync("discard US-001")).ReplyText("Customer US-001 has no proposed changes.");
        Assert.Null((await _host.Engine.GetCustomerAsync("US-001")).OpenProposal);
    }

    [Fact]
    public async Task Submit_and_recall_follow_the_workflow_and_refuse_out_of_turn()
    {
        (await Clerk.SendAsync("submit US-001")).ReplyText("no proposed changes");
        await Clerk.SendAsync("set US-001 CreditLimit=300000");

        var submit = await Clerk.SendAsync("submit US-001 please");
        Assert.Equal(2, submit.Replies.Count);
        Assert.Contains("changes pending approval", submit.Replies[0].Text, StringComparison.Ordinal);
        Assert.Contains("couldn't notify Arun Approver, Farah Finance", submit.Replies[1].Text, StringComparison.Ordinal);

        (await Clerk.SendAsync("submit US-001")).ReplyText("You can't submit proposal US-001-P1: it is pending approval.");
        (await Clerk.SendAsync("set US-001 CreditLimit=1")).ReplyText("pending approval");
        (await Clerk.SendAsync("recall US-001 wrong amount")).ReplyText("Recalled proposal US-001-P1", "not submitted");
        (await Clerk.SendAsync("recall US-001")).ReplyText("You can't recall proposal US-001-P1: it is not submitted.");
        (await Clerk.SendAsync("changes US-001")).ReplyText("not submitted", "300000.00");
    }

    [Fact]
    public async Task Mine_lists_the_callers_proposals()
    {
        (await Clerk.SendAsync("mine")).ReplyText("You have no proposals.");
        await Clerk.SendAsync("set US-001 CreditLimit=300000");
        await Clerk.SendAsync("set NL-001 PaymentTerms=Net60");
        (await Clerk.SendAsync("MINE")).ReplyText("US-001-P1: not submitted, 1 change (CreditLimit)", "NL-001-P1: not submitted, 1 change (PaymentTerms)");
    }

    [Fact]
    public async Task History_lists_every_action_with_its_comment()
    {
        (await Clerk.SendAsync("history US-001")).ReplyText("has no workflow history yet");
        await Clerk.SendAsync("set US-001 CreditLimit=300000");
        await Clerk.SendAsync("submit US-001 \"for the Q3 deal\"");
        (await Clerk.SendAsync("history US-001")).ReplyText("Chloe Clerk proposed", "Chloe Clerk submitted", "for the Q3 deal");
        (await Clerk.SendAsync("history ZZ-1")).ReplyText("ZZ-1");
    }

    [Fact]
    public async Task Unknown_commands_and_empty_messages_get_a_pointer_to_help()
    {
        (await Clerk.SendAsync("sumbit US-001")).ReplyText("I don't know the command 'sumbit'", "help");
        (await Clerk.SendAsync("sub US-001")).ReplyText("Did you mean `submit`?");
        (await Clerk.SendAsync("   ")).ReplyText("Type `help`");
    }
}
