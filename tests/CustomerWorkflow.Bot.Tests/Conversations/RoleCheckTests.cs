using CustomerWorkflow.Bot.Tests.Infrastructure;

namespace CustomerWorkflow.Bot.Tests.Conversations;

/// <summary>Every command of SPEC §3 against every role: allowed ones run, the others get a short, specific refusal.</summary>
public sealed class RoleCheckTests
{
    public static TheoryData<string, string, bool> Matrix()
    {
        // command, role (clerk | approver | admin), allowed
        var commands = new (string Command, string[] Allowed)[]
        {
            ("help", ["clerk", "approver", "admin"]),
            ("customer US-002", ["clerk", "approver", "admin"]),
            ("find Contoso", ["clerk", "approver", "admin"]),
            ("history US-002", ["clerk", "approver", "admin"]),
            ("set US-002 City=Tacoma", ["clerk", "admin"]),
            ("propose US-002 City=Tacoma", ["clerk", "admin"]),
            ("changes US-002", ["clerk", "admin"]),
            ("remove US-002 CreditLimit", ["clerk", "admin"]),
            ("discard US-002", ["clerk", "admin"]),
            ("submit US-002", ["clerk", "admin"]),
            ("recall US-002", ["clerk", "admin"]),
            ("mine", ["clerk", "admin"]),
            ("inbox", ["approver", "admin"]),
            ("approve US-002-P1", ["approver", "admin"]),
            ("reject US-002-P1 no", ["approver", "admin"]),
            ("request-change US-002-P1 why", ["approver", "admin"]),
            ("delegate US-002-P1 farah.finance@example.com", ["approver", "admin"]),
            ("config", ["admin"]),
            ("config approvals on", ["admin"]),
            ("config import propose", ["admin"]),
            ("config field Email off", ["admin"]),
            ("config fields", ["admin"]),
            ("workflow list", ["admin"]),
            ("role", ["admin"]),
        };
        var data = new TheoryData<string, string, bool>();
        foreach (var (command, allowed) in commands)
        {
            foreach (var role in new[] { "clerk", "approver", "admin" })
            {
                data.Add(command, role, allowed.Contains(role));
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Matrix))]
    public async Task A_command_runs_only_for_its_roles(string command, string role, bool allowed)
    {
        await using var host = await BotTestHost.StartAsync();
        var user = role switch
        {
            "clerk" => host.Clerk,
            "approver" => host.Approver,
            _ => host.User("sample-admin", "Adam Admin", BotTestHost.AdminUpn),
        };

        var turn = await user.SendAsync(command);

        var text = Assert.Single(turn.Replies).Text ?? string.Empty;
        var refused = text.Contains(" is for ", StringComparison.Ordinal) && text.Contains("An admin can change that with `role`", StringComparison.Ordinal);
        Assert.True(allowed != refused, $"{role} → `{command}`: {text}");
    }

    [Theory]
    [InlineData("customer US-001")]
    [InlineData("set US-001 City=Nowhere")]
    [InlineData("inbox")]
    [InlineData("config")]
    public async Task Someone_without_a_role_is_told_to_ask_an_admin_and_nothing_changes(string command)
    {
        await using var host = await BotTestHost.StartAsync();
        var stranger = host.User("aad-stranger", "Sam Stranger");

        var turn = await stranger.SendAsync(command);

        turn.ReplyText("You don't have a role yet", "role <your email> clerk");
        Assert.Equal("Redmond", (await host.Engine.GetCustomerAsync("US-001")).Customer["City"]);
    }

    [Fact]
    public async Task Help_lists_the_commands_of_the_callers_role_only()
    {
        await using var host = await BotTestHost.StartAsync();

        var clerkHelp = (await host.Clerk.SendAsync("help")).ReplyText("You are clerk", "`set <id>", "`submit <id> [comment]`", "`mine`");
        Assert.DoesNotContain("`inbox`", clerkHelp, StringComparison.Ordinal);
        Assert.DoesNotContain("`config", clerkHelp, StringComparison.Ordinal);

        var approverHelp = (await host.Approver.SendAsync("HELP")).ReplyText("You are approver", "`inbox`", "`approve <proposal> [comment]`", "`delegate <proposal> <user>`");
        Assert.DoesNotContain("`set <id>", approverHelp, StringComparison.Ordinal);

        var adminHelp = (await host.User("sample-admin", "Adam Admin", BotTestHost.AdminUpn).SendAsync("help")).ReplyText("admin", "`config", "`workflow", "`role");
        Assert.Contains("`inbox`", adminHelp, StringComparison.Ordinal);

        (await host.User("aad-nobody", "No Body").SendAsync("help")).ReplyText("You don't have a role yet");
    }
}
