using CustomerWorkflow.Bot.Conversation;
using CustomerWorkflow.Bot.Protocol.Hosting;
using CustomerWorkflow.Core;
using CustomerWorkflow.Core.Engine;
using CustomerWorkflow.Core.People;

namespace CustomerWorkflow.Bot.Commands;

/// <summary>
/// The chat commands of SPEC §3: finds the command (case-insensitive, aliases included), checks the caller's role,
/// runs it against the engine and turns refusals into short answers. Nothing here changes state except through the
/// engine and the directory, whose use cases are atomic.
/// </summary>
internal sealed partial class CommandRunner
{
    private const Roles Everyone = Roles.None;
    private const Roles Clerks = Roles.Clerk | Roles.Admin;
    private const Roles Approvers = Roles.Approver | Roles.Admin;
    private const Roles Admins = Roles.Admin;

    private readonly ProposalEngine _engine;
    private readonly UserDirectory _directory;
    private readonly Graph.PeopleFinder _people;
    private readonly ApprovalCards _cards;
    private readonly IDeliveryStore _delivery;
    private readonly Core.Workflows.WorkflowManager _workflows;
    private readonly TimeProvider _time;
    private readonly Scheduling.SchedulerOptions _scheduler;
    private readonly Imports.ImportService _imports;
    private readonly IReadOnlyList<CommandDefinition> _commands;

    public CommandRunner(ProposalEngine engine, UserDirectory directory, Graph.PeopleFinder people, ApprovalCards cards, IDeliveryStore delivery, Core.Workflows.WorkflowManager workflows, Imports.ImportService imports, TimeProvider? time = null, Scheduling.SchedulerOptions? scheduler = null)
    {
        _workflows = workflows;
        _imports = imports;
        _time = time ?? TimeProvider.System;
        _scheduler = scheduler ?? new Scheduling.SchedulerOptions();
        _people = people;
        _delivery = delivery;
        _cards = cards;
        _engine = engine;
        _directory = directory;
        _commands =
        [
            new("help", ["?", "commands"], Everyone, false, "help", "the commands you can use", HelpAsync),
            new("customer", ["show", "cust"], Everyone, false, "customer <id>", "a customer's values, which fields need approval, and any proposal", CustomerAsync),
            new("find", ["search"], Everyone, false, "find <text>", "customers whose id or name contains the text", FindAsync),
            new("history", [], Everyone, false, "history <id>", "the workflow history of a customer's proposals", HistoryAsync),
            new("set", ["propose"], Clerks, true, "set <id> <field> <value>  or  set <id> <field>=<value> …", "change fields; approval-enabled ones become proposed changes", SetAsync),
            new("changes", ["proposal"], Clerks, false, "changes <id>", "the proposed changes of a customer", ChangesAsync),
            new("remove", ["delete"], Clerks, true, "remove <id> <field>", "delete one proposed change", RemoveAsync),
            new("discard", [], Clerks, true, "discard <id>", "discard all proposed changes", DiscardAsync),
            new("submit", [], Clerks, true, "submit <id> [comment]", "send the proposed changes for approval", SubmitAsync),
            new("recall", ["cancel"], Clerks, true, "recall <id> [comment]", "withdraw a pending submission", RecallAsync),
            new("mine", ["my"], Clerks, false, "mine", "your proposals and their status", MineAsync),
            new("inbox", ["todo"], Approvers, false, "inbox", "the approvals waiting for you", InboxAsync),
            new("approve", [], Approvers, true, "approve <proposal> [comment]", "approve a proposal", ApproveAsync),
            new("reject", [], Approvers, true, "reject <proposal> <reason>", "reject a proposal, with the reason", RejectAsync),
            new("request-change", ["requestchange", "request"], Approvers, true, "request-change <proposal> <comment>", "send a proposal back to its submitter", RequestChangeAsync),
            new("delegate", [], Approvers, true, "delegate <proposal> <user>", "hand your approval to someone else", DelegateAsync),
            new("config", ["settings"], Admins, true, "config [approvals on|off | import allow|reject|propose | field <field> on|off | fields]", "the approval settings", ConfigAsync),
            new("workflow", ["workflows"], Admins, true, WorkflowUsage, "workflows: templates, steps, approvers, lifecycle; `workflow help` for every form", WorkflowAsync),
            new("role", ["roles"], Admins, true, "role [<user> [clerk] [approver] [admin] | none]", "who holds which role", RoleAsync),
            new("substitute", ["substitutes", "away"], Everyone, true, "substitute [<user> [until <date>] | none]  (admins: substitute <user> for <user> [until <date>])", "who takes over your approvals while you are away", SubstituteAsync),
            new("notify", ["notifications"], Everyone, true, "notify [me at once | me daily]", "get notices as they happen, or in one daily digest", NotifyAsync),
            new("import", ["imports"], imports.Settings.AllowedRoles, false, "import [list | show <import> [<page>]]", "import customers from a CSV or JSON file you send me, and see past imports", ImportAsync),
        ];
    }

    public IReadOnlyList<CommandDefinition> Commands => _commands;

    /// <summary>The command named by the first word, or null.</summary>
    public CommandDefinition? Find(string word) => _commands.FirstOrDefault(c => c.Matches(word));

    public static async Task<CommandResult> RunAsync(ITurnContext turn, UserProfile user, Actor actor, CommandDefinition command, IReadOnlyList<Token> args, CancellationToken cancellationToken)
    {
        if (!command.AllowedFor(actor) && command.Name != "help")
        {
            return CommandResult.Say(NotAllowed(actor, command));
        }

        try
        {
            return await command.Run(new CommandContext(turn, user, actor, args, cancellationToken)).ConfigureAwait(false);
        }
        catch (WorkflowException refusal)
        {
            return CommandResult.Say(refusal.Message);
        }
        catch (UsageException usage)
        {
            return CommandResult.Say($"{usage.Message} Usage: `{command.Usage}`");
        }
    }

    /// <summary>The answer to a word that is no command.</summary>
    public string Unknown(string word) =>
        _commands.FirstOrDefault(c => c.Name.StartsWith(word, StringComparison.OrdinalIgnoreCase)) is { } near
            ? $"I don't know the command '{word}'. Did you mean `{near.Name}`? Type `help` for the commands you can use."
            : $"I don't know the command '{word}'. Type `help` for the commands you can use.";

    /// <summary>The answer when the caller's role may not use the command (typed or clicked).</summary>
    public static string NotAllowed(Actor actor, CommandDefinition command)
    {
        if (actor.Roles == Roles.None)
        {
            return "You don't have a role yet, so I can't do that for you. Ask an admin to give you one, like `role <your email> clerk`.";
        }

        var needed = command.Allowed switch
        {
            Clerks => "clerks",
            Approvers => "approvers",
            Admins => "admins",
            _ => "people with a role",
        };
        return $"`{command.Name}` is for {needed}, and you are {Text.Roles(actor.Roles)}. An admin can change that with `role`.";
    }

    private Task<CommandResult> HelpAsync(CommandContext context)
    {
        var actor = context.Actor;
        if (actor.Roles == Roles.None)
        {
            return Task.FromResult(CommandResult.Say(
                "I'm the customer workflow bot. You don't have a role yet: ask an admin to give you one, like `role <your email> clerk`."));
        }

        var lines = _commands.Where(c => c.AllowedFor(actor)).Select(c => $"- `{c.Usage}` — {c.Summary}");
        return Task.FromResult(CommandResult.Say(
            $"You are {Text.Roles(actor.Roles)}. Commands are case-insensitive; put values with spaces in double quotes.\n\n{string.Join('\n', lines)}"));
    }

    private static string Required(CommandContext context, int index, string what) =>
        context.Arg(index) is { Length: > 0 } value ? value : throw new UsageException($"Say {what}.");
}
