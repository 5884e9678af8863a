using System.Net;
using CustomerWorkflow.Bot.Tests.Infrastructure;
using CustomerWorkflow.Core.Workflows;

namespace CustomerWorkflow.Bot.Tests.Conversations;

/// <summary>
/// Workflows through the chat, as the people use them: an admin copies a template, sets it up and enables it; clerks
/// and approvers then meet it without knowing; the history says which workflow ran and why.
/// </summary>
public sealed class WorkflowConversationTests : IAsyncLifetime
{
    private BotTestHost _host = null!;

    private TestUser Admin => _host.User("sample-admin", "Adam Admin", BotTestHost.AdminUpn);

    public async Task InitializeAsync() => _host = await BotTestHost.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task A_credit_limit_raise_above_the_threshold_goes_to_the_manager_then_finance_and_the_history_names_both()
    {
        var clerk = _host.Clerk;
        var manager = _host.Approver;
        var finance = _host.Finance;
        await manager.SendAsync("hi");
        await finance.SendAsync("hi");

        (await Admin.SendAsync("workflow templates")).ReplyText("MS-CREDIT-LIMIT", "threshold (the credit limit above which this workflow applies, default 10000.00)", "finance (the finance approver)");
        (await Admin.SendAsync("workflow new credit from ms-credit-limit threshold=10000 finance=farah.finance@example.com"))
            .ReplyText("Created workflow CREDIT v1 from MS-CREDIT-LIMIT; it is disabled.", "Enable it with `workflow enable CREDIT`");
        (await Admin.SendAsync("workflow user chloe.clerk@example.com manager arun.approver@example.com")).ReplyText("Chloe Clerk: manager Arun Approver, approval limit none.");
        var shown = await Admin.SendAsync("workflow show credit");
        shown.ReplyText("Workflow CREDIT v1 is disabled", "Version 1 · disabled", "1. Manager approval — when changes are submitted",
            "if CreditLimit increased and CreditLimit greater than {threshold} (10000.00)", "approvers: the submitter's manager",
            "escalate to {finance} (Farah Finance)", "3. Finance approval", "approvers: {finance} (Farah Finance)", "then apply the new values");
        Assert.DoesNotContain("Before it can be enabled", shown.ReplyText(), StringComparison.Ordinal);
        (await Admin.SendAsync("workflow enable credit"))
            .ReplyText("Workflow CREDIT v1 is enabled: it takes proposals where CreditLimit increased and CreditLimit greater than {threshold} (10000.00).");

        (await clerk.SendAsync("set US-001 CreditLimit 300000")).ReplyText("Proposed", "CreditLimit 250000.00 → 300000.00");
        var submit = await clerk.SendAsync("submit US-001 \"new framework contract\"");
        submit.ReplyText("Submitted proposal US-001-P1", "step 1 of 2 (Manager approval) waits for Arun Approver", "It runs under workflow CREDIT v1.");
        Assert.Contains("Chloe Clerk asks for your approval", Assert.Single(submit.SentTo(manager)).Text, StringComparison.Ordinal);
        Assert.Empty(submit.SentTo(finance));
        (await finance.SendAsync("inbox")).ReplyText("Nothing waits for your approval.");

        var first = await manager.SendAsync("approve US-001-P1 fine by me");
        first.ReplyText("Recorded. Proposal US-001-P1 moves on", "step 2 of 2 (Finance approval) waits for Farah Finance");
        var card = Assert.Single(first.SentTo(finance));

        var second = await finance.ClickAsync(card, "Approve");
        Assert.Equal(HttpStatusCode.OK, second.Status);
        Assert.Contains("Approved and applied", CardTexts.Of(second.InvokeBody["value"]), StringComparison.Ordinal);

        (await clerk.SendAsync("customer US-001")).ReplyText("CreditLimit 🔒 300000.00", "No open proposal");
        (await clerk.SendAsync("history US-001")).ReplyText(
            "System chose the workflow: CREDIT v1: CreditLimit increased 250000.00 → 300000.00; CreditLimit 300000.00 > 10000.00",
            "Arun Approver approved step 1 (Manager approval) — “fine by me”",
            "System: step 1 (Manager approval) approved (single approver)",
            "Farah Finance approved step 2 (Finance approval)",
            "System: step 2 (Finance approval) approved (single approver)",
            "System applied the changes CreditLimit = '300000.00'");
    }

    [Fact]
    public async Task A_raise_below_the_threshold_takes_the_default_steps_and_the_history_says_so()
    {
        await _host.Approver.SendAsync("hi");
        await _host.Finance.SendAsync("hi");
        await Admin.SendAsync("workflow new credit from ms-credit-limit threshold=500000 finance=farah.finance@example.com");
        (await Admin.SendAsync("workflow enable credit")).ReplyText("is enabled");

        await _host.Clerk.SendAsync("set US-001 CreditLimit 300000");
        (await _host.Clerk.SendAsync("submit US-001")).ReplyText("step 1 of 1 (Finance approval) waits for Arun Approver, Farah Finance");

        (await _host.Clerk.SendAsync("history US-001")).ReplyText(
            "No enabled workflow takes this proposal (CREDIT: CreditLimit 300000.00 is not > 500000.00): the default approval steps from the settings apply.");
    }

    [Fact]
    public async Task An_admin_builds_a_workflow_step_by_step_and_each_bad_input_is_refused_with_nothing_changed()
    {
        (await Admin.SendAsync("workflow new credit from ms-nope")).ReplyText("There is no template 'ms-nope'. Templates: ");
        (await Admin.SendAsync("workflow new credit from ms-credit-limit threshold=lots")).ReplyText("'lots' is not an amount for threshold");
        (await Admin.SendAsync("workflow new credit from ms-credit-limit finance=ghost@nowhere.example")).ReplyText("I haven't met 'ghost@nowhere.example' yet");
        (await Admin.SendAsync("workflow new \"big one\" from ms-credit-limit")).ReplyText("'big one' can't be a workflow code");
        (await Admin.SendAsync("workflow new credit ms-credit-limit")).ReplyText("Say which template to copy");
        (await Admin.SendAsync("workflow list")).ReplyText("none yet");

        (await Admin.SendAsync("workflow new credit from ms-credit-limit"))
            .ReplyText("Created workflow CREDIT v1", "Before it can be enabled, set finance (the finance approver): `workflow set CREDIT finance=<user>`.");
        (await Admin.SendAsync("workflow new Credit from ms-single-approver")).ReplyText("There is a workflow CREDIT already");
        (await Admin.SendAsync("workflow show credit")).ReplyText("Before it can be enabled", "step 2: {finance} has no value", "finance (the finance approver): not set");
        (await Admin.SendAsync("workflow enable credit")).ReplyText("Workflow CREDIT can't be enabled yet: step 2: {finance} has no value; step 3: {finance} has no value.");

        (await Admin.SendAsync("workflow set credit finance=farah.finance@example.com threshold=25000"))
            .ReplyText("Workflow CREDIT is now at version 2: finance = Farah Finance, threshold = 25000.00. Enable it with `workflow enable CREDIT`.");
        (await Admin.SendAsync("workflow set credit colour=red")).ReplyText("Workflow CREDIT has no parameter 'colour'; its parameters: threshold, finance");
        (await Admin.SendAsync("workflow step credit 1 when Country equals US")).ReplyText("Workflow CREDIT v3: step 1: condition Country equals US.");
        (await Admin.SendAsync("workflow step credit 1 when City increased")).ReplyText("That condition doesn't work: 'increased' compares amounts, and City is not one.");
        (await Admin.SendAsync("workflow step credit 3 due 3d")).ReplyText("Workflow CREDIT v4: step 3: due in 3 days.");
        (await Admin.SendAsync("workflow step credit 3 due soon")).ReplyText("'soon' is no due time");
        (await Admin.SendAsync("workflow step credit 3 approvers group 1:arun.approver@example.com 2:farah.finance@example.com")).ReplyText("Workflow CREDIT v5: step 3: approvers set.");
        (await Admin.SendAsync("workflow step credit 4 approvers manager")).ReplyText("Step 4 (apply the new values) has no option approvers: it has no options.");
        (await Admin.SendAsync("workflow step credit 9 policy all")).ReplyText("Workflow CREDIT has steps 1 to 4.");
        (await Admin.SendAsync("workflow step credit add proposal-applied escalate")).ReplyText("'escalate' can't follow 'the new values are applied'");
        (await Admin.SendAsync("workflow step credit add proposal-rejected notify-submitter \"Tell the clerk\""))
            .ReplyText("Workflow CREDIT v6: step 5 added: on proposal-rejected, notify-submitter.");
        (await Admin.SendAsync("workflow step credit 5 message \"Sorry, not this time.\"")).ReplyText("Workflow CREDIT v7: step 5: message set.");
        (await Admin.SendAsync("workflow show credit")).ReplyText("Version 7 · disabled", "5. Tell the clerk — when the proposal is rejected", "message: “Sorry, not this time.”",
            "approvers: a group, in sequence: 1: Arun Approver; 2: Farah Finance", "due in 3 days");

        (await Admin.SendAsync("workflow enable credit")).ReplyText("Workflow CREDIT v7 is enabled");
        (await Admin.SendAsync("workflow set credit threshold=1")).ReplyText("Workflow CREDIT is enabled; disable it to change it");
        (await Admin.SendAsync("workflow list")).ReplyText("CREDIT v7, enabled", "Default approval steps", "1. Finance approval: Arun Approver, Farah Finance");
        (await Admin.SendAsync("workflow delete credit")).ReplyText("Workflow CREDIT is enabled; disable it before deleting it.");
        (await Admin.SendAsync("workflow disable credit")).ReplyText("Workflow CREDIT is disabled: no new proposal starts under it.");
        (await Admin.SendAsync("workflow archive credit")).ReplyText("Workflow CREDIT is archived");
        (await Admin.SendAsync("workflow enable credit")).ReplyText("Workflow CREDIT is archived: it can't be changed or enabled again, only deleted.");
        (await Admin.SendAsync("workflow delete credit")).ReplyText("Deleted workflow CREDIT with its 7 versions.");
        (await Admin.SendAsync("workflow show credit")).ReplyText("There is no workflow 'CREDIT'.");
        (await _host.Clerk.SendAsync("workflow list")).ReplyText("`workflow` is for admins");
    }

    [Fact]
    public async Task A_workflow_is_not_deleted_while_a_proposal_runs_under_it()
    {
        await _host.Approver.SendAsync("hi");
        await Admin.SendAsync("workflow new one from ms-single-approver approver=arun.approver@example.com");
        await Admin.SendAsync("workflow enable one");
        await _host.Clerk.SendAsync("set US-002 PaymentTerms Net60");
        (await _host.Clerk.SendAsync("submit US-002")).ReplyText("It runs under workflow ONE v1.");
        (await Admin.SendAsync("workflow disable one")).ReplyText("1 proposal running under it finish under the version they started with");

        (await Admin.SendAsync("workflow delete one")).ReplyText("Workflow ONE can't be deleted: a proposal is running under it.");
        (await _host.Approver.SendAsync("approve US-002-P1")).ReplyText("applied");

        (await Admin.SendAsync("workflow delete one")).ReplyText("Deleted workflow ONE with its 1 version.");
    }

    [Fact]
    public async Task A_bank_account_change_needs_both_approvers_then_tells_them_and_posts_in_the_channel()
    {
        var arun = _host.Approver;
        var farah = _host.Finance;
        await arun.SendAsync("hi");
        await farah.SendAsync("hi");
        await Admin.SendAsync("workflow new bank from ms-bank-account first=arun.approver@example.com second=farah.finance@example.com");
        (await Admin.SendAsync("workflow step bank add proposal-applied post-to-channel \"Tell risk\"")).ReplyText("step 4 added", "step 4: it needs a channel");
        await Admin.SendAsync("workflow step bank 4 channel 19:risk@thread.tacv2");
        (await Admin.SendAsync("workflow enable bank")).ReplyText("it takes proposals where BankAccount changed");

        await _host.Clerk.SendAsync("set NL-001 BankAccount NL20INGB0001234567");
        (await _host.Clerk.SendAsync("submit NL-001")).ReplyText("(Bank account approval) waits for Arun Approver, Farah Finance", "workflow BANK v3");
        (await arun.SendAsync("approve NL-001-P1")).ReplyText("still pending", "waits for Farah Finance");
        var applied = await farah.SendAsync("approve NL-001-P1");

        applied.ReplyText("Approved: proposal NL-001-P1 is applied");
        Assert.Contains(applied.SentTo(arun), a => a.Text!.StartsWith("A customer's bank account was changed. Proposal NL-001-P1 for NL-001", StringComparison.Ordinal)
            && a.Text.EndsWith("(BANK v3 step 3)", StringComparison.Ordinal));
        Assert.DoesNotContain(applied.SentTo(farah), a => a.Text!.Contains("bank account was changed", StringComparison.Ordinal));
        var post = Assert.Single(applied.Calls, c => c.ConversationId == "19:risk@thread.tacv2");
        Assert.Equal(("send", "Proposal NL-001-P1 for NL-001 Van der Berg Groothandel B.V.: the new values are applied. (BANK v3 step 4)"), (post.Kind, post.Activity!.Text));
    }

    [Fact]
    public async Task Managers_and_approval_limits_are_set_per_person_and_checked()
    {
        (await Admin.SendAsync("workflow user chloe.clerk@example.com manager arun.approver@example.com limit 5000")).ReplyText("Chloe Clerk: manager Arun Approver, approval limit 5000.00.");
        (await Admin.SendAsync("workflow user arun.approver@example.com manager chloe.clerk@example.com")).ReplyText("That would make the managers a circle");
        (await Admin.SendAsync("workflow user chloe.clerk@example.com limit lots")).ReplyText("'lots' is not an amount");
        (await Admin.SendAsync("workflow user chloe.clerk@example.com manager none limit none")).ReplyText("Chloe Clerk: manager none, approval limit none.");
        (await Admin.SendAsync("workflow user nobody@nowhere.example manager none")).ReplyText("I haven't met 'nobody@nowhere.example' yet");

        var stored = await _host.Users.GetUserAsync("sample-clerk");
        Assert.Equal((null, null), (stored!.ManagerId, stored.ApprovalLimit));
    }

    [Fact]
    public async Task Help_lists_the_workflow_forms()
    {
        (await Admin.SendAsync("workflow help")).ReplyText("`workflow new <code> from <template>", "`workflow step <code> <n> approvers", "`workflow user <user>");
        (await Admin.SendAsync("help")).ReplyText("workflow [list | templates | new <code> from <template>");
        Assert.NotEmpty(WorkflowCatalog.BuiltIn.Templates);
    }
}
