using System.Globalization;
using CustomerWorkflow.Cards.Views;
using CustomerWorkflow.Core;
using CustomerWorkflow.Core.Fields;
using CustomerWorkflow.Core.Settings;
using CustomerWorkflow.Core.Workflows;

namespace CustomerWorkflow.Bot.Commands;

/// <summary>
/// <c>workflow …</c>: the workflows of SPEC §3 (templates, lifecycle, steps, approvers) and the default approval steps
/// that apply when no workflow takes a proposal (the forms that existed before workflows, kept as they were).
/// </summary>
internal sealed partial class CommandRunner
{
    private const string WorkflowUsage =
        "workflow [list | templates | new <code> from <template> [<name>=<value> …] | show [<code>] | enable|disable|archive|delete <code> | set <code> <name>=<value> … | step <code> … | user <user> … | due <n> <duration> [remind | escalate <user> | approve | reject] | help]";

    private static readonly string[] WorkflowForms =
    [
        "`workflow list` — the workflows, and the default approval steps for proposals no workflow takes",
        "`workflow templates` — the templates a workflow is copied from",
        "`workflow new <code> from <template> [<name>=<value> …]` — a copy of a template (disabled), with its parameters",
        "`workflow show <code>` — a workflow's steps: events, conditions, responses, options",
        "`workflow enable|disable|archive|delete <code>` — the lifecycle; change a workflow while it is disabled",
        "`workflow set <code> <name>=<value> …` — parameters (like threshold=25000 finance=<user>), priority=<n>, description=\"…\"",
        "`workflow step <code> add <event> <response> [\"<name>\"]`, `workflow step <code> remove <n>`",
        "`workflow step <code> <n> when <field> <operator> [<value>] [original]` — a condition; `conditions none` clears them",
        "`workflow step <code> <n> approvers <user> … | group <seq>:<user> … | manager | chain <levels> | first-qualified`",
        "`workflow step <code> <n> policy single|majority|all|<percent>%`, `due <n>d|<n>h|none`, `escalate <user>|none`",
        "`workflow step <code> <n> notify <user>|group:<id> …`, `channel <channel id>`, `message \"<text>\"|none`, `name \"<name>\"`",
        "`workflow user <user> [manager <user>|none] [limit <amount>|none]` — whom manager steps ask, and how much someone may approve",
        "`workflow step add \"<name>\" <user> …`, `workflow step remove <n>`, `workflow approvers <n> <user> …` — the default steps",
        "`workflow due <n> <duration> [remind | escalate <user> | approve | reject]`, `workflow due <n> none` — a default step's due time and what happens when it passes",
    ];

    private async Task<CommandResult> WorkflowAsync(CommandContext context)
    {
        var what = context.Arg(0)?.ToLowerInvariant();
        switch (what)
        {
            case null or "list":
                return await ListWorkflowsAsync(context).ConfigureAwait(false);
            case "help":
                return CommandResult.Say("Workflows:\n" + string.Join('\n', WorkflowForms.Select(f => "- " + f)));
            case "templates":
                return Templates();
            case "new":
                return await NewWorkflowAsync(context).ConfigureAwait(false);
            case "show" when context.Arg(1) is null:
                return await DefaultStepsAsync(context).ConfigureAwait(false);
            case "show":
                return await ShowWorkflowAsync(context, Required(context, 1, "which workflow")).ConfigureAwait(false);
            case "enable" or "disable" or "archive" or "delete":
                return await LifecycleAsync(context, what).ConfigureAwait(false);
            case "set":
                return await SetWorkflowAsync(context).ConfigureAwait(false);
            case "step" when context.Arg(1)?.ToLowerInvariant() is "add" or "remove":
            case "approvers":
                return await EditDefaultStepsAsync(context).ConfigureAwait(false);
            case "step":
                return await EditStepAsync(context).ConfigureAwait(false);
            case "user":
                return await WorkflowUserAsync(context).ConfigureAwait(false);
            case "due":
                return await WorkflowDueAsync(context, (await _engine.GetSettingsAsync(context.CancellationToken).ConfigureAwait(false)).Settings).ConfigureAwait(false);
            default:
                throw new UsageException($"I don't know `workflow {context.Arg(0)}`; `workflow help` lists every form.");
        }
    }

    private async Task<CommandResult> ListWorkflowsAsync(CommandContext context)
    {
        var ct = context.CancellationToken;
        var workflows = await _workflows.ListAsync(context.Actor, ct).ConfigureAwait(false);
        var lines = new List<string> { "**Workflows** (a proposal runs under the enabled one whose conditions fit it):" };
        lines.AddRange(workflows.Count == 0
            ? ["- none yet: `workflow templates` lists what to copy, `workflow new <code> from <template>` copies one"]
            : workflows.Select(w => $"- {w.Code} v{w.Definition.Version}, {Text.State(w.State)}: {w.Definition.Description}{(w.Definition.Template is { } t ? $" (from {t})" : string.Empty)}"));
        var settings = (await _engine.GetSettingsAsync(ct).ConfigureAwait(false)).Settings;
        var names = await NamesAsync(StepPeople(settings), ct).ConfigureAwait(false);
        lines.Add(string.Empty);
        lines.Add("**Default approval steps** (for proposals no workflow takes):");
        lines.Add(Text.Steps(settings, names));
        lines.Add(string.Empty);
        lines.Add("`workflow show <code>` shows a workflow; `workflow help` lists every form.");
        return CommandResult.Say(string.Join('\n', lines));
    }

    private CommandResult Templates() =>
        CommandResult.Say("Templates (copy one with `workflow new <code> from <template> [<name>=<value> …]`):\n" + string.Join('\n', _workflows.Catalog.Templates.Select(t =>
        {
            var parameters = t.Create("X").Parameters;
            return $"- {t.Code} — {t.Title}: {t.Description}"
                + (parameters.IsEmpty ? string.Empty : " Parameters: " + string.Join(", ", parameters.Select(p => $"{p.Name} ({p.Description}{(p.Value is { } v ? $", default {v}" : string.Empty)})")) + ".");
        })));

    private async Task<CommandResult> NewWorkflowAsync(CommandContext context)
    {
        var code = Required(context, 1, "the new workflow's code and its template, like `workflow new CREDIT from MS-CREDIT-LIMIT`");
        if (!string.Equals(context.Arg(2), "from", StringComparison.OrdinalIgnoreCase) || context.Arg(3) is not { Length: > 0 } templateCode)
        {
            throw new UsageException("Say which template to copy, like `workflow new CREDIT from MS-CREDIT-LIMIT`; `workflow templates` lists them.");
        }

        var template = _workflows.Catalog.Template(templateCode);
        var values = await ParameterValuesAsync(context, 4, template.Create(WorkflowCode.Normalize(code)), context.CancellationToken).ConfigureAwait(false);
        var record = await _workflows.CreateFromTemplateAsync(context.Actor, code, template.Code, values, context.CancellationToken).ConfigureAwait(false);
        return CommandResult.Say($"Created workflow {record.Code} v1 from {template.Code}; it is disabled. {NextStep(record)} `workflow show {record.Code}` shows its steps.");
    }

    /// <summary>What to do next with a disabled workflow: set the parameters it lacks, fix what is missing, or enable it.</summary>
    private string NextStep(WorkflowRecord record)
    {
        var definition = record.Definition;
        var unset = definition.Parameters.Where(p => p.Value is null).ToList();
        if (unset.Count > 0)
        {
            return $"Before it can be enabled, set {string.Join(" and ", unset.Select(p => $"{p.Name} ({p.Description})"))}: `workflow set {record.Code} {string.Join(' ', unset.Select(p => $"{p.Name}=<{(p.Kind == ParameterKind.User ? "user" : "value")}>"))}`.";
        }

        var problems = _workflows.Catalog.Check(definition);
        return problems.Count > 0
            ? $"Before it can be enabled: {string.Join("; ", problems)}."
            : $"Enable it with `workflow enable {record.Code}`.";
    }

    private async Task<CommandResult> ShowWorkflowAsync(CommandContext context, string code)
    {
        var ct = context.CancellationToken;
        var record = await _workflows.GetAsync(context.Actor, code, ct).ConfigureAwait(false);
        var running = await _workflows.CountRunningAsync(record.Code, ct).ConfigureAwait(false);
        var names = await NamesAsync(PeopleIn(record.Definition), ct).ConfigureAwait(false);
        var view = _workflows.Catalog.Describe(record, running, names);
        var text = $"Workflow {record.Code} v{record.Definition.Version} is {Text.State(record.State)}: {record.Definition.Description} "
            + $"{Text.Plural(record.Definition.Steps.Count, "step")}, {Text.Plural(running, "proposal")} running under it.";
        return CommandResult.Say(text, WorkflowCards.Workflow(view));
    }

    private async Task<CommandResult> LifecycleAsync(CommandContext context, string what)
    {
        var ct = context.CancellationToken;
        var code = Required(context, 1, $"which workflow to {what}, like `workflow {what} CREDIT`");
        switch (what)
        {
            case "enable":
                var enabled = await _workflows.EnableAsync(context.Actor, code, ct).ConfigureAwait(false);
                var entry = enabled.Definition.EntryStep!;
                var takes = entry.Conditions.IsEmpty
                    ? "every proposal (it has no conditions)"
                    : "proposals where " + string.Join(" and ", entry.Conditions.Select(c => _workflows.Catalog.DescribeCondition(c, enabled.Definition)));
                return CommandResult.Say($"Workflow {enabled.Code} v{enabled.Definition.Version} is enabled: it takes {takes}.");
            case "disable":
                var disabled = await _workflows.DisableAsync(context.Actor, code, ct).ConfigureAwait(false);
                var running = await _workflows.CountRunningAsync(disabled.Code, ct).ConfigureAwait(false);
                return CommandResult.Say($"Workflow {disabled.Code} is disabled: no new proposal starts under it{(running > 0 ? $"; {Text.Plural(running, "proposal")} running under it finish under the version they started with" : string.Empty)}. Change it now, and `workflow enable {disabled.Code}` when it is ready.");
            case "archive":
                var archived = await _workflows.ArchiveAsync(context.Actor, code, ct).ConfigureAwait(false);
                return CommandResult.Say($"Workflow {archived.Code} is archived: it is kept for the record and never chosen again. `workflow delete {archived.Code}` removes it.");
            default:
                var record = await _workflows.GetAsync(context.Actor, code, ct).ConfigureAwait(false);
                await _workflows.DeleteAsync(context.Actor, record.Code, ct).ConfigureAwait(false);
                return CommandResult.Say($"Deleted workflow {record.Code} with its {Text.Plural(record.Definition.Version, "version")}. Proposals that ran under it keep their history.");
        }
    }

    private async Task<CommandResult> SetWorkflowAsync(CommandContext context)
    {
        var ct = context.CancellationToken;
        var code = Required(context, 1, "which workflow and what to set, like `workflow set CREDIT threshold=25000`");
        var current = await _workflows.GetAsync(context.Actor, code, ct).ConfigureAwait(false);
        var values = await ParameterValuesAsync(context, 2, current.Definition, ct).ConfigureAwait(false);
        if (values.Count == 0)
        {
            throw new UsageException("Say what to set, as <name>=<value>.");
        }

        var record = await _workflows.SetAsync(context.Actor, current.Code, values, ct).ConfigureAwait(false);
        var names = await NamesAsync(PeopleIn(record.Definition), ct).ConfigureAwait(false);
        var shown = values.Select(v => record.Definition.Parameter(v.Key) is { Value: { } value } p
            ? $"{p.Name} = {(p.Kind == ParameterKind.User ? names(value) : value)}"
            : $"{v.Key.ToLowerInvariant()} = {v.Value}");
        return CommandResult.Say($"Workflow {record.Code} is now at version {record.Definition.Version}: {string.Join(", ", shown)}. {NextStep(record)}");
    }

    /// <summary><c>name=value</c> pairs from <paramref name="start"/> on, with user parameters resolved to user ids.</summary>
    private async Task<List<KeyValuePair<string, string>>> ParameterValuesAsync(CommandContext context, int start, WorkflowDefinition definition, CancellationToken ct)
    {
        var values = new List<KeyValuePair<string, string>>();
        foreach (var token in context.Args.Skip(start))
        {
            if (!token.IsPair)
            {
                throw new UsageException($"'{token.Text}' is not a <name>=<value> pair.");
            }

            var value = token.Value;
            if (definition.Parameter(token.Key) is { Kind: ParameterKind.User })
            {
                value = (await ResolveUserAsync(value, ct).ConfigureAwait(false)).Id;
            }

            values.Add(new(token.Key, value));
        }

        return values;
    }

    private async Task<CommandResult> EditStepAsync(CommandContext context)
    {
        var ct = context.CancellationToken;
        var actor = context.Actor;
        var code = Required(context, 1, "which workflow's step, like `workflow step CREDIT 1 due 3d`");
        var second = Required(context, 2, "add, remove, or the step's number");
        WorkflowRecord record;
        switch (second.ToLowerInvariant())
        {
            case "add":
                record = await _workflows.AddStepAsync(actor, code, Required(context, 3, "the event, like step-approved"), Required(context, 4, "the response, like request-approval"), CommandLine.Rest(context.Args, 5), null, ct).ConfigureAwait(false);
                break;
            case "remove":
                record = await _workflows.RemoveStepAsync(actor, code, Number(Required(context, 3, "which step to remove")), ct).ConfigureAwait(false);
                break;
            default:
                record = await EditStepOptionAsync(context, code, Number(second)).ConfigureAwait(false);
                break;
        }

        return CommandResult.Say($"Workflow {record.Code} v{record.Definition.Version}: {record.Definition.Change}. {NextStep(record)}");

        static int Number(string word) => int.TryParse(word, NumberStyles.None, CultureInfo.InvariantCulture, out var n)
            ? n
            : throw new UsageException($"'{word}' is no step number; `workflow show <code>` numbers the steps.");
    }

    private async Task<WorkflowRecord> EditStepOptionAsync(CommandContext context, string code, int step)
    {
        var ct = context.CancellationToken;
        var actor = context.Actor;
        var option = Required(context, 3, "what to change: when, conditions, name, approvers, policy, due, escalate, notify, channel or message").ToLowerInvariant();
        var rest = CommandLine.Rest(context.Args, 4);
        switch (option)
        {
            case "when" or "if":
                var field = Required(context, 4, "the field, like `when CreditLimit greater-than 50000`");
                var op = _workflows.Catalog.Operator(Required(context, 5, "the operator: " + string.Join(", ", _workflows.Catalog.Operators.Select(o => o.Code))));
                var at = 6;
                var value = op.NeedsValue ? Required(context, at++, $"the value {field} is compared with") : null;
                var side = string.Equals(context.Arg(at), "original", StringComparison.OrdinalIgnoreCase) ? ConditionSide.Original : ConditionSide.Proposed;
                return await _workflows.AddConditionAsync(actor, code, step, new WorkflowCondition(field, op.Code, value, side), ct).ConfigureAwait(false);
            case "conditions" when string.Equals(rest, "none", StringComparison.OrdinalIgnoreCase):
                return await _workflows.ClearConditionsAsync(actor, code, step, ct).ConfigureAwait(false);
            case "name":
                return await _workflows.RenameStepAsync(actor, code, step, rest, ct).ConfigureAwait(false);
            case "approvers":
                var approvers = await ApproverSpecAsync(context, 4, ct).ConfigureAwait(false);
                return await _workflows.SetOptionAsync(actor, code, step, ResponseOption.Approvers, o => o with { Approvers = approvers }, "approvers set", ct).ConfigureAwait(false);
            case "policy":
                var policy = Policy(Required(context, 4, "the policy: single, majority, all or a percentage like 60%"));
                return await _workflows.SetOptionAsync(actor, code, step, ResponseOption.Policy, o => o with { Policy = policy }, $"completion {policy}", ct).ConfigureAwait(false);
            case "due":
                var due = Due(Required(context, 4, "the due time, like 2d, 8h or none"));
                return await _workflows.SetOptionAsync(actor, code, step, ResponseOption.DueIn, o => o with { DueIn = due },
                    due is { } d ? $"due in {WorkflowCatalog.Duration(d)}" : "no due time", ct).ConfigureAwait(false);
            case "escalate":
                var target = Required(context, 4, "whom to escalate to, or none");
                var escalateTo = target.Equals("none", StringComparison.OrdinalIgnoreCase) ? null : await WhoAsync(target, ct).ConfigureAwait(false);
                return await _workflows.SetOptionAsync(actor, code, step, ResponseOption.EscalateTo, o => o with { EscalateTo = escalateTo },
                    escalateTo is null ? "no escalation" : "escalates", ct).ConfigureAwait(false);
            case "notify":
                if (context.Args.Count <= 4)
                {
                    throw new UsageException("Say whom to notify: users, or group:<id> for a directory group.");
                }

                var recipients = new List<string>();
                foreach (var token in context.Args.Skip(4))
                {
                    recipients.Add(await WhoAsync(token.Text, ct).ConfigureAwait(false));
                }

                return await _workflows.SetOptionAsync(actor, code, step, ResponseOption.Recipients, o => o with { Recipients = [.. recipients.Distinct(StringComparer.OrdinalIgnoreCase)] },
                    $"notifies {Text.Plural(recipients.Count, "recipient")}", ct).ConfigureAwait(false);
            case "channel":
                var channel = Required(context, 4, "the channel's id (19:…@thread.tacv2)");
                return await _workflows.SetOptionAsync(actor, code, step, ResponseOption.Channel, o => o with { Channel = channel }, "channel set", ct).ConfigureAwait(false);
            case "message":
                var message = rest is null || rest.Equals("none", StringComparison.OrdinalIgnoreCase) ? null : rest;
                return await _workflows.SetOptionAsync(actor, code, step, ResponseOption.Message, o => o with { Message = message }, message is null ? "no message" : "message set", ct).ConfigureAwait(false);
            default:
                throw new UsageException($"A step has no option '{option}'; `workflow help` lists them.");
        }
    }

    /// <summary>The approvers of a request-approval step, from the words after <c>approvers</c>.</summary>
    private async Task<ApproverSpec> ApproverSpecAsync(CommandContext context, int start, CancellationToken ct)
    {
        var kind = Required(context, start, "who approves: users, group <seq>:<user> …, manager, chain <levels> or first-qualified");
        switch (kind.ToLowerInvariant())
        {
            case "manager":
                return ApproverSpec.Manager;
            case "chain":
                var levels = context.Arg(start + 1);
                return int.TryParse(levels, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is >= 1 and <= ApproverSpec.MaxLevels
                    ? ApproverSpec.Chain(n)
                    : throw new UsageException($"Say how many levels up the chain goes, 1 to {ApproverSpec.MaxLevels}, like `approvers chain 2`.");
            case "first-qualified" or "qualified" or "limit":
                return ApproverSpec.FirstQualified;
            case "group":
                var members = new List<SequencedApprover>();
                foreach (var token in context.Args.Skip(start + 1))
                {
                    var colon = token.Text.IndexOf(':', StringComparison.Ordinal);
                    if (colon <= 0 || !int.TryParse(token.Text[..colon], NumberStyles.None, CultureInfo.InvariantCulture, out var sequence) || sequence < 1)
                    {
                        throw new UsageException($"'{token.Text}' is not <sequence>:<user>, like 1:ann@contoso.com (the same number approves in parallel).");
                    }

                    members.Add(new SequencedApprover(sequence, await WhoAsync(token.Text[(colon + 1)..], ct).ConfigureAwait(false)));
                }

                return members.Count > 0 ? new ApproverSpec(ApproverType.Group) { Members = [.. members] } : throw new UsageException("Name the group's members as <sequence>:<user>.");
            default:
                var users = new List<string>();
                foreach (var token in context.Args.Skip(kind.Equals("users", StringComparison.OrdinalIgnoreCase) ? start + 1 : start))
                {
                    users.Add(await WhoAsync(token.Text, ct).ConfigureAwait(false));
                }

                return users.Count > 0 ? ApproverSpec.Users([.. users.Distinct(StringComparer.OrdinalIgnoreCase)]) : throw new UsageException("Name the approvers.");
        }
    }

    /// <summary>A person (to their user id), a parameter reference (<c>{finance}</c>) or a directory group (<c>group:{id}</c>), as given.</summary>
    private async Task<string> WhoAsync(string text, CancellationToken ct) =>
        WorkflowParameter.ReferenceIn(text) is not null || text.StartsWith(ApproverSpec.GroupPrefix, StringComparison.OrdinalIgnoreCase)
            ? text
            : (await ResolveUserAsync(text, ct).ConfigureAwait(false)).Id;

    private static CompletionPolicy Policy(string word) => word.ToLowerInvariant() switch
    {
        "single" or "any" or "first" => CompletionPolicy.SingleApprover,
        "majority" => CompletionPolicy.Majority,
        "all" => CompletionPolicy.AllApprovers,
        _ when word.EndsWith('%') && int.TryParse(word[..^1], NumberStyles.None, CultureInfo.InvariantCulture, out var percent) => CompletionPolicy.PercentageOf(percent),
        _ => throw new UsageException($"'{word}' is no policy: say single, majority, all or a percentage like 60%."),
    };

    private static TimeSpan? Due(string word)
    {
        if (word.Equals("none", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var unit = char.ToLowerInvariant(word[^1]);
        if (word.Length >= 2 && int.TryParse(word[..^1], NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0)
        {
            TimeSpan? span = unit switch { 'd' => TimeSpan.FromDays(n), 'h' => TimeSpan.FromHours(n), 'm' => TimeSpan.FromMinutes(n), _ => null };
            if (span is { } s && s <= TimeSpan.FromDays(365))
            {
                return s;
            }
        }

        throw new UsageException($"'{word}' is no due time: say days, hours or minutes, like 2d, 8h or 90m (at most a year), or none.");
    }

    private async Task<CommandResult> WorkflowUserAsync(CommandContext context)
    {
        var ct = context.CancellationToken;
        var user = await ResolveUserAsync(Required(context, 1, "whom, like `workflow user chloe@contoso.com manager arun@contoso.com`"), ct).ConfigureAwait(false);
        for (var at = 2; at < context.Args.Count; at += 2)
        {
            var word = context.Args[at].Text.ToLowerInvariant();
            var value = Required(context, at + 1, $"the {word}, or none");
            var none = value.Equals("none", StringComparison.OrdinalIgnoreCase);
            switch (word)
            {
                case "manager":
                    user = await _directory.SetManagerAsync(context.Actor, user.Id, none ? null : (await ResolveUserAsync(value, ct).ConfigureAwait(false)).Id, ct).ConfigureAwait(false);
                    break;
                case "limit":
                    decimal? limit = none ? null
                        : FieldCatalog.Get(FieldCatalog.CreditLimit).TryNormalize(value, new WorkflowSettings(), out var amount, out _)
                            ? decimal.Parse(amount, CultureInfo.InvariantCulture)
                            : throw new WorkflowException(Refusal.InvalidValue, $"'{value}' is not an amount: use digits with at most two decimals, like 25000.00.");
                    user = await _directory.SetApprovalLimitAsync(context.Actor, user.Id, limit, ct).ConfigureAwait(false);
                    break;
                default:
                    throw new UsageException($"A workflow user has a manager and a limit, not '{word}'.");
            }
        }

        var names = await NamesAsync(user.ManagerId is { } m ? [m] : [], ct).ConfigureAwait(false);
        var manager = user.ManagerId is { } id ? names(id) : "none";
        var shownLimit = user.ApprovalLimit is { } l ? l.ToString("0.00", CultureInfo.InvariantCulture) : "none";
        return CommandResult.Say($"{user.Name}: manager {manager}, approval limit {shownLimit}.");
    }

    /// <summary>The user ids a workflow names: parameter values, approvers, recipients, escalation targets.</summary>
    private static IEnumerable<string> PeopleIn(WorkflowDefinition definition) =>
        definition.Parameters.Where(p => p.Kind == ParameterKind.User && p.Value is not null).Select(p => p.Value!)
            .Concat(definition.Steps.SelectMany(s => (s.Options.Approvers?.Members.Select(m => m.Who) ?? []).Concat(s.Options.Recipients).Append(s.Options.EscalateTo ?? string.Empty)))
            .Where(id => id.Length > 0 && WorkflowParameter.ReferenceIn(id) is null && !id.StartsWith(ApproverSpec.GroupPrefix, StringComparison.OrdinalIgnoreCase))
            .Distinct(StringComparer.OrdinalIgnoreCase);

    // ---- the default approval steps (the settings' steps; what every proposal ran before workflows) ----

    private async Task<CommandResult> DefaultStepsAsync(CommandContext context)
    {
        var settings = (await _engine.GetSettingsAsync(context.CancellationToken).ConfigureAwait(false)).Settings;
        var names = await NamesAsync(StepPeople(settings), context.CancellationToken).ConfigureAwait(false);
        return CommandResult.Say("The default approval steps (proposals no workflow takes run these in order):\n" + Text.Steps(settings, names)
            + "\n\nEdit with `workflow step add \"<name>\" <user> …`, `workflow step remove <n>`, `workflow approvers <n> <user> …`.");
    }

    private async Task<CommandResult> EditDefaultStepsAsync(CommandContext context)
    {
        var ct = context.CancellationToken;
        var settings = (await _engine.GetSettingsAsync(ct).ConfigureAwait(false)).Settings;
        if (context.Arg(0)?.ToLowerInvariant() == "approvers")
        {
            var at = StepIndex(context, 1, settings);
            var users = await ResolveUsersAsync(context, 2, ct).ConfigureAwait(false);
            await _engine.SetApprovalStepsAsync(context.Actor, settings.Steps.SetItem(at, settings.Steps[at] with { Approvers = users }), ct).ConfigureAwait(false);
            var shown = await NamesAsync(users, ct).ConfigureAwait(false);
            return CommandResult.Say($"Step {at + 1} ({settings.Steps[at].Name}) is now approved by {string.Join(", ", users.Select(shown))}.");
        }

        if (context.Arg(1)?.ToLowerInvariant() == "add")
        {
            var name = Required(context, 2, "the step's name, like `workflow step add \"Finance approval\" farah@contoso.com`");
            var approvers = await ResolveUsersAsync(context, 3, ct).ConfigureAwait(false);
            var added = await _engine.SetApprovalStepsAsync(context.Actor, [.. settings.Steps, new ApprovalStepDefinition(name, approvers, CompletionPolicy.SingleApprover)], ct).ConfigureAwait(false);
            return CommandResult.Say($"Added step {added.Steps.Count}: {name}.");
        }

        var index = StepIndex(context, 2, settings);
        var removed = settings.Steps[index];
        await _engine.SetApprovalStepsAsync(context.Actor, settings.Steps.RemoveAt(index), ct).ConfigureAwait(false);
        return CommandResult.Say($"Removed step {index + 1}: {removed.Name}. Proposals already submitted keep the steps they started with.");
    }

    private static int StepIndex(CommandContext context, int index, WorkflowSettings settings)
    {
        var word = Required(context, index, "the step's number, as `workflow list` shows it");
        return int.TryParse(word, out var n) && n >= 1 && n <= settings.Steps.Count
            ? n - 1
            : throw new UsageException(settings.Steps.IsEmpty ? "There are no steps yet." : $"Steps are numbered 1 to {settings.Steps.Count}.");
    }
}
