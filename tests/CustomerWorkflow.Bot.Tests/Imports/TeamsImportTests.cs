using System.Net;
using System.Text;
using System.Text.Json;
using CustomerWorkflow.Bot.Imports;
using CustomerWorkflow.Bot.Protocol.Schema;
using CustomerWorkflow.Bot.Tests.Infrastructure;
using CustomerWorkflow.Core.Import;
using CustomerWorkflow.Core.Proposals;
using CustomerWorkflow.Core.Settings;

namespace CustomerWorkflow.Bot.Tests.Imports;

/// <summary>
/// A file sent to the bot in Teams: posted to /api/messages as the <c>file.download.info</c> attachment Teams sends,
/// downloaded from a loopback HTTPS server standing in for OneDrive, imported under each data entity behaviour, answered
/// with the result card; bad files and links refused with a clear message and nothing imported.
/// </summary>
public sealed class TeamsImportTests : IAsyncLifetime
{
    /// <summary>Small, so an over-limit file is small too; every other file here is far below it.</summary>
    private const int MaxBytes = 4096;

    private ImportTestHost _t = null!;

    private TestUser Admin => _t.Host.User("sample-admin", "Adam Admin", BotTestHost.AdminUpn);

    public async Task InitializeAsync() =>
        _t = await ImportTestHost.StartAsync(new Dictionary<string, string?> { [ImportSettings.MaxBytesKey] = MaxBytes.ToString(System.Globalization.CultureInfo.InvariantCulture) });

    public async Task DisposeAsync() => await _t.DisposeAsync();

    private async Task<string> CustomerValueAsync(string id, string field) => (await _t.Host.Engine.GetCustomerAsync(id)).Customer[field];

    [Theory]
    [InlineData(ImportBehaviour.Allow, "Applied 2", "Rejected 0")]
    [InlineData(ImportBehaviour.Reject, "Applied 1", "Rejected 1")]
    [InlineData(ImportBehaviour.Propose, "Applied 1", "Proposed 1 (1 proposal submitted for approval)")]
    public async Task A_csv_file_sent_in_the_1to1_chat_is_imported_under_the_behaviour(ImportBehaviour behaviour, string applied, string other)
    {
        await _t.SetBehaviourAsync(behaviour);
        await _t.Host.Approver.SendAsync("hi");
        var url = _t.Serve("customers.csv", "CustomerId,CreditLimit,City\nUS-001,300000,Boston\nUS-002,120000,Tacoma\n");

        var sent = await _t.SendFileAsync(Admin, url, "customers.csv");

        Assert.Equal(HttpStatusCode.OK, sent.Turn.Status);
        Assert.Equal("Importing customers.csv. I'll post the result here when it is done.", sent.Said[0].Text);
        sent.Says("Import of customers.csv", "Rows 2", applied, other);
        Assert.Equal("Tacoma", await CustomerValueAsync("US-002", "City"));
        var record = Assert.Single(await _t.ImportsAsync());
        Assert.Equal((ImportEntryPoint.Teams, "sample-admin", "customers.csv", behaviour, false), (record.EntryPoint, record.ActorId, record.FileName, record.Behaviour, record.DryRun));
        switch (behaviour)
        {
            case ImportBehaviour.Allow:
                Assert.Equal(("300000.00", "Boston"), (await CustomerValueAsync("US-001", "CreditLimit"), await CustomerValueAsync("US-001", "City")));
                break;
            case ImportBehaviour.Reject:
                sent.Says("Row 1 · US-001: Imports may not change fields that need approval: CreditLimit.");
                Assert.Equal(("250000.00", "Redmond"), (await CustomerValueAsync("US-001", "CreditLimit"), await CustomerValueAsync("US-001", "City")));
                break;
            default:
                var proposal = Assert.IsType<Proposal>((await _t.Host.Engine.GetCustomerAsync("US-001")).OpenProposal);
                Assert.Equal((ProposalStatus.PendingApproval, "sample-admin"), (proposal.Status, proposal.SubmittedBy));
                Assert.Equal(("250000.00", "Boston"), (await CustomerValueAsync("US-001", "CreditLimit"), await CustomerValueAsync("US-001", "City")));
                // The approvers hear once about the proposals the import submitted; one who never opened the bot is named to the importer.
                var notice = Assert.Single(_t.Host.Approver.Received, a => a.Text?.Contains("import", StringComparison.Ordinal) == true);
                Assert.Equal("Adam Admin's import of customers.csv submitted 1 proposal for approval. Type `inbox` to see the ones waiting for you.", notice.Text);
                sent.Says("I couldn't notify Farah Finance");
                break;
        }
    }

    [Fact]
    public async Task A_json_file_is_imported_too()
    {
        await _t.SetBehaviourAsync(ImportBehaviour.Allow);
        var url = _t.Serve("customers.json", """[{"CustomerId": "US-003", "City": "Spokane", "CreditLimit": 46000}]""");

        var sent = await _t.SendFileAsync(Admin, url, "customers.json");

        sent.Says("Import of customers.json", "Applied 1");
        Assert.Equal(("Spokane", "46000.00"), (await CustomerValueAsync("US-003", "City"), await CustomerValueAsync("US-003", "CreditLimit")));
    }

    [Fact]
    public async Task The_card_shows_the_first_reasons_and_every_rejection_a_page_at_a_time()
    {
        await _t.SetBehaviourAsync(ImportBehaviour.Allow);
        var csv = new StringBuilder("CustomerId,Email\nUS-001,new@contoso.com\n");
        for (var i = 1; i <= 12; i++)
        {
            csv.Append(System.Globalization.CultureInfo.InvariantCulture, $"US-{900 + i},x@contoso.com\n");
        }

        var sent = await _t.SendFileAsync(Admin, _t.Serve("mixed.csv", csv.ToString()), "mixed.csv");

        sent.Says("Rows 13", "Applied 1", "Rejected 12", "The first reasons", "Row 2 · US-901: There is no customer US-901.", "Row 6 · US-905");
        Assert.DoesNotContain("US-906", sent.Text, StringComparison.Ordinal);
        Assert.Equal("new@contoso.com", await CustomerValueAsync("US-001", "Email"));

        var all = await Admin.ClickAsync(sent.ResultMessage, "Show all 12 rejections");
        var page1 = CardTexts.Of(all.InvokeBody["value"]);
        Assert.Contains("Rejections 1–10 of 12", page1, StringComparison.Ordinal);
        Assert.Contains("Row 11 · US-910", page1, StringComparison.Ordinal);
        Assert.DoesNotContain("US-911", page1, StringComparison.Ordinal);

        var next = await Admin.ClickAsync(CardMessage(all), "Next");
        var page2 = CardTexts.Of(next.InvokeBody["value"]);
        Assert.Contains("Rejections 11–12 of 12", page2, StringComparison.Ordinal);
        Assert.Contains("Row 13 · US-912: There is no customer US-912.", page2, StringComparison.Ordinal);
        Assert.Null(TestUser.FindExecute(next.InvokeBody["value"]!.AsObject(), "Next"));
        Assert.NotNull(TestUser.FindExecute(next.InvokeBody["value"]!.AsObject(), "Previous"));
    }

    [Fact]
    public async Task Import_list_and_show_find_an_import_and_its_rejections()
    {
        await _t.SetBehaviourAsync(ImportBehaviour.Reject);
        await _t.SendFileAsync(Admin, _t.Serve("limits.csv", "CustomerId,CreditLimit\nUS-001,1\nUS-002,2\n"), "limits.csv");
        var id = Assert.Single(await _t.ImportsAsync()).Id;

        (await Admin.SendAsync("import list")).ReplyText(id, "teams, Adam Admin: limits.csv — 2 rows, 0 applied, 0 proposed, 2 rejected");
        (await Admin.SendAsync($"import show {id}")).ReplyText("Import of limits.csv", "Rejected 2", "Row 2 · US-002: Imports may not change fields that need approval: CreditLimit.");
        (await Admin.SendAsync($"import show {id} 1")).ReplyText("page 1 of 1", "Rejections 1–2 of 2");
        (await Admin.SendAsync($"import show {id} 2")).ReplyText("has 1 page of rejections; say a page from 1 to 1");
        (await Admin.SendAsync("import show imp-nothere")).ReplyText("There is no import 'imp-nothere'");
        (await Admin.SendAsync("import")).ReplyText("send me a CSV or JSON file in this chat", "at most 4 KB");
        (await _t.Host.Clerk.SendAsync($"import show {id}")).ReplyText("`import` is for admins");
    }

    [Fact]
    public async Task A_redelivered_file_message_is_imported_once()
    {
        await _t.SetBehaviourAsync(ImportBehaviour.Allow);
        var activity = _t.Host.NewActivity(Admin);
        activity.Attachments = [ImportTestHost.FileAttachment(_t.Serve("once.csv", "CustomerId,City\nUS-001,Boston\n"), "once.csv")];

        await _t.PostFileAsync(Admin, activity);
        var again = await _t.PostFileAsync(Admin, activity);

        Assert.Empty(again.Said);
        Assert.Single(await _t.ImportsAsync());
        Assert.Equal(1, _t.Downloads);
    }

    [Fact]
    public async Task Someone_who_may_not_import_is_refused_and_nothing_is_downloaded()
    {
        var sent = await _t.SendFileAsync(_t.Host.Clerk, _t.Serve("c.csv", "CustomerId,City\nUS-001,Boston\n"), "c.csv");

        Assert.Equal("Only admins can import customer data, and you are clerk.", Assert.Single(sent.Said).Text);
        Assert.Equal(0, _t.Downloads);
        Assert.Equal("Redmond", await CustomerValueAsync("US-001", "City"));
    }

    public static TheoryData<string, byte[], string> BadFiles() => new()
    {
        { "latin1.csv", Encoding.Latin1.GetBytes("CustomerId,City\nDE-001,Köln\n"), "The file is not UTF-8 text. Save it as CSV UTF-8" },
        { "unicode.csv", [.. Encoding.Unicode.GetPreamble(), .. Encoding.Unicode.GetBytes("CustomerId,City\nUS-001,Boston\n")], "The file is UTF-16 text" },
        { "noheader.csv", Encoding.UTF8.GetBytes("US-001,Boston\nUS-002,Austin\n"), "The first row must be a header with a CustomerId column" },
        { "colour.csv", Encoding.UTF8.GetBytes("CustomerId,City,Colour\nUS-001,Boston,red\n"), "The header names an unknown column 'Colour'" },
        { "twice.csv", Encoding.UTF8.GetBytes("CustomerId,City,city\nUS-001,Boston,Austin\n"), "The header names column 'City' more than once" },
        { "empty.csv", [], "The file is empty" },
        { "book.csv", [0x50, 0x4B, 0x03, 0x04, 0x14, 0x00, 0x06, 0x00], "This is a spreadsheet workbook, not CSV or JSON" },
        { "broken.json", Encoding.UTF8.GetBytes("""[{"CustomerId": "US-001", "City": "Boston"},"""), "The file is not valid JSON" },
        { "object.json", Encoding.UTF8.GetBytes("""{"CustomerId": "US-001", "City": "Boston"}"""), "The JSON must be an array of customers" },
        { "big.csv", Encoding.UTF8.GetBytes("CustomerId,City\n" + string.Concat(Enumerable.Repeat("US-001,Boston\n", 400))), "The file is larger than the 4 KB an import may have" },
    };

    [Theory]
    [MemberData(nameof(BadFiles))]
    public async Task A_bad_file_is_refused_with_a_clear_message_and_nothing_is_imported(string name, byte[] content, string message)
    {
        await _t.SetBehaviourAsync(ImportBehaviour.Allow);

        var sent = await _t.SendFileAsync(Admin, _t.Serve(name, content), name);

        Assert.Equal(2, sent.Said.Count);
        Assert.StartsWith($"I did not import {name}. {message}", sent.Said[1].Text, StringComparison.Ordinal);
        Assert.Equal("Redmond", await CustomerValueAsync("US-001", "City"));
        Assert.Empty(await _t.ImportsAsync());
    }

    [Fact]
    public async Task A_cell_with_a_bad_value_rejects_that_row_whole_and_the_others_go_in()
    {
        await _t.SetBehaviourAsync(ImportBehaviour.Allow);
        var url = _t.Serve("cells.csv", "CustomerId,City,Email\nUS-001,Boston,not-an-email\nUS-002,Tacoma,ok@fabrikam.com\n");

        var sent = await _t.SendFileAsync(Admin, url, "cells.csv");

        sent.Says("Applied 1", "Rejected 1", "Row 1 · US-001: 'not-an-email' is not a valid Email");
        Assert.Equal(("Redmond", "Tacoma"), (await CustomerValueAsync("US-001", "City"), await CustomerValueAsync("US-002", "City")));
    }

    [Fact]
    public async Task A_download_link_to_a_host_not_allowed_is_never_opened()
    {
        var sent = await _t.SendFileAsync(Admin, new Uri("https://files.evil.example/customers.csv"), "customers.csv");

        Assert.Equal("I only download files from where Teams keeps them (localhost); this link goes to files.evil.example, so I did not open it.", Assert.Single(sent.Said).Text);
        Assert.Empty(await _t.ImportsAsync());
    }

    [Fact]
    public async Task A_download_link_over_plain_http_is_never_opened()
    {
        var sent = await _t.SendFileAsync(Admin, new Uri("http://localhost:9/customers.csv"), "customers.csv");

        Assert.StartsWith("I only download files over https", Assert.Single(sent.Said).Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_redirect_to_a_host_not_allowed_is_not_followed()
    {
        var url = _t.Redirect(new Uri("https://files.evil.example/customers.csv"));

        var sent = await _t.SendFileAsync(Admin, url, "customers.csv");

        sent.Says("I did not import customers.csv. The link to customers.csv redirected elsewhere. I only download files from where Teams keeps them (localhost); this link goes to files.evil.example");
        Assert.Equal(1, _t.Downloads);
        Assert.Empty(await _t.ImportsAsync());
    }

    [Fact]
    public async Task A_redirect_within_the_allowed_hosts_is_followed()
    {
        await _t.SetBehaviourAsync(ImportBehaviour.Allow);
        var url = _t.Redirect(_t.Serve("moved.csv", "CustomerId,City\nUS-001,Boston\n"));

        var sent = await _t.SendFileAsync(Admin, url, "moved.csv");

        sent.Says("Applied 1");
        Assert.Equal(2, _t.Downloads);
    }

    [Fact]
    public async Task An_expired_link_says_to_send_the_file_again()
    {
        var sent = await _t.SendFileAsync(Admin, new Uri(_t.Files.BaseAddress, "/files/gone/customers.csv"), "customers.csv");

        sent.Says("I did not import customers.csv. I couldn't download customers.csv: the link Teams gave me answered 404 Not Found. Links expire after a few minutes; send the file again.");
    }

    [Fact]
    public async Task A_workbook_is_refused_saying_how_to_save_it_as_csv()
    {
        var sent = await _t.SendFileAsync(Admin, _t.Serve("customers.xlsx", [0x50, 0x4B, 0x03, 0x04]), "customers.xlsx");

        Assert.Equal("customers.xlsx is an Excel workbook. I import CSV or JSON: in Excel, save it as CSV UTF-8 (comma delimited) and send me that file.", Assert.Single(sent.Said).Text);
        Assert.Equal(0, _t.Downloads);
    }

    [Fact]
    public async Task A_file_in_a_group_chat_is_refused()
    {
        var sent = await _t.SendFileAsync(Admin, _t.Serve("c.csv", "CustomerId,City\nUS-001,Boston\n"), "c.csv",
            shape: a => a.Conversation = new ConversationAccount { Id = Admin.ConversationId, ConversationType = "groupChat", IsGroup = true, TenantId = BotTestHost.TenantId });

        Assert.Equal("Send the file to me in our 1:1 chat: Teams gives bots files there only.", Assert.Single(sent.Said).Text);
        Assert.Equal(0, _t.Downloads);
    }

    /// <summary>The card an invoke answered, as a message to click on again.</summary>
    private static Activity CardMessage(Turn click) => new()
    {
        Type = ActivityTypes.Message,
        Attachments = [new Attachment { ContentType = "application/vnd.microsoft.card.adaptive", Content = JsonSerializer.SerializeToElement(click.InvokeBody["value"]) }],
    };
}
