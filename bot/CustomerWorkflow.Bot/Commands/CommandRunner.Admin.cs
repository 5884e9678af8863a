using CustomerWorkflow.Core;
using CustomerWorkflow.Core.Fields;
using CustomerWorkflow.Core.Settings;

namespace CustomerWorkflow.Bot.Commands;

internal sealed partial class CommandRunner
{
    private async Task<CommandResult> ConfigAsync(CommandContext context)
    {
        var actor = context.Actor;
        var ct = context.CancellationToken;
        var what = context.Arg(0)?.ToLowerInvariant();
        switch (what)
        {
            case null:
                var record = await _engine.GetSettingsAsync(ct).ConfigureAwait(false);
                var current = record.Settings;
                var names = await NamesAsync(StepPeople(current), ct).ConfigureAwait(false);
                return CommandResult.Say(Text.Settings(current, names)
                    + "\n\nChange them on the card, or with `config approvals on|off`, `config import allow|reject|propose`, `config field <field> on|off`.",
                    Cards.Views.OtherCards.Settings(current, record.Version));
            case "approvals":
                var on = OnOff(context, 1, "config approvals on|off");
                var settings = await _engine.SetApprovalsEnabledAsync(actor, on, ct).ConfigureAwait(false);
                return CommandResult.Say(settings.ApprovalsEnabled
                    ? "Approvals are on: changes to approval-enabled fields now become proposed changes."
                    : "Approvals are off: every field change now applies at once. Proposals already open stay as they are.");
            case "import":
                var behaviour = context.Arg(1)?.ToLowerInvariant() switch
                {
                    "allow" => ImportBehaviour.Allow,
                    "reject" => ImportBehaviour.Reject,
                    "propose" => ImportBehaviour.Propose,
                    _ => throw new UsageException("Say allow, reject or propose."),
                };
                var afterImport = await _engine.SetImportBehaviourAsync(actor, behaviour, ct).ConfigureAwait(false);
                return CommandResult.Say($"Imports now {Text.Import(afterImport.ImportBehaviour)}.");
            case "field":
                var field = FieldCatalog.Get(Required(context, 1, "which field, like `config field CreditLimit on`")).Name;
                var required = OnOff(context, 2, "config field <field> on|off");
                var afterField = await _engine.SetFieldApprovalAsync(actor, field, required, ct).ConfigureAwait(false);
                var note = afterField.ApprovalsEnabled ? string.Empty : " (approvals are off as a whole; `config approvals on` turns them on)";
                return CommandResult.Say(required
                    ? $"{field} now needs approval{note}."
                    : $"{field} no longer needs approval: changes to it apply at once.");
            case "fields":
                var all = (await _engine.GetSettingsAsync(ct).ConfigureAwait(false)).Settings;
                return CommandResult.Say("Fields (✔ needs approval):\n" + string.Join('\n', FieldCatalog.All.Select(f =>
                    $"- {(all.ApprovalFields.Contains(f.Name) ? "✔" : "·")} {f.Name} — {f.Rule}")));
            default:
                throw new UsageException($"I don't know the setting '{context.Arg(0)}'.");
        }
    }

    private async Task<CommandResult> RoleAsync(CommandContext context)
    {
        var ct = context.CancellationToken;
        if (context.Args.Count == 0)
        {
            var people = await _directory.ListWithRolesAsync(ct).ConfigureAwait(false);
            return CommandResult.Say("People with roles:\n" + string.Join('\n', people.Select(p =>
                $"- {p.Name}{(p.Upn is { } upn ? $" ({upn})" : string.Empty)}: {Text.Roles(_directory.EffectiveRoles(p))}")));
        }

        var user = await ResolveUserAsync(context.Args[0].Text, ct).ConfigureAwait(false);
        if (context.Args.Count == 1)
        {
            return CommandResult.Say($"{user.Name} is {Text.Roles(_directory.EffectiveRoles(user))}.");
        }

        var roles = Roles.None;
        foreach (var word in context.Args.Skip(1).SelectMany(t => t.Text.Split(',', StringSplitOptions.RemoveEmptyEntries)))
        {
            roles |= word.ToLowerInvariant() switch
            {
                "clerk" or "clerks" => Roles.Clerk,
                "approver" or "approvers" => Roles.Approver,
                "admin" or "admins" => Roles.Admin,
                "none" => Roles.None,
                _ => throw new UsageException($"'{word}' is not a role; the roles are clerk, approver and admin (or none)."),
            };
        }

        var before = _directory.EffectiveRoles(user);
        var updated = await _directory.SetRolesAsync(context.Actor, user.Id, roles, ct).ConfigureAwait(false);
        var after = _directory.EffectiveRoles(updated);
        var configured = _directory.IsConfiguredAdmin(updated) && !roles.HasFlag(Roles.Admin)
            ? " They stay an admin because the configuration (Workflow:Admins) names them."
            : string.Empty;
        return CommandResult.Say($"{updated.Name} was {Text.Roles(before)} and is now {Text.Roles(after)}.{configured}");
    }

    private static bool OnOff(CommandContext context, int index, string usage) => context.Arg(index)?.ToLowerInvariant() switch
    {
        "on" or "yes" or "true" => true,
        "off" or "no" or "false" => false,
        _ => throw new UsageException($"Say on or off, like `{usage}`."),
    };

    private async Task<IReadOnlyList<string>> ResolveUsersAsync(CommandContext context, int start, CancellationToken ct)
    {
        if (start >= context.Args.Count)
        {
            throw new UsageException("Say who approves: @mentions, emails or names.");
        }

        var ids = new List<string>();
        foreach (var token in context.Args.Skip(start))
        {
            ids.Add((await ResolveUserAsync(token.Text, ct).ConfigureAwait(false)).Id);
        }

        return ids.Distinct(StringComparer.OrdinalIgnoreCase).ToList();
    }
}
