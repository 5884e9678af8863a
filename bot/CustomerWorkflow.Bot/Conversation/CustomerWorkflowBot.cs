using System.Text.Json;
using CustomerWorkflow.Bot.Commands;
using CustomerWorkflow.Bot.Protocol.Connector;
using CustomerWorkflow.Cards.Model;
using CustomerWorkflow.Cards.Views;
using CustomerWorkflow.Core.Settings;
using CustomerWorkflow.Core.Proposals;
using CustomerWorkflow.Bot.Protocol.Hosting;
using CustomerWorkflow.Bot.Protocol.Schema;
using CustomerWorkflow.Core;
using CustomerWorkflow.Core.Engine;
using CustomerWorkflow.Core.People;

namespace CustomerWorkflow.Bot.Conversation;

/// <summary>
/// The product's turn handler: meets the sender (directory and conversation reference), runs their command or card
/// action, answers, then notifies others. Turns that can change state claim their activity id in the store first, so
/// a redelivery that reaches another instance has no second effect.
/// </summary>
internal sealed partial class CustomerWorkflowBot(
    CommandRunner runner,
    ProposalEngine engine,
    UserDirectory directory,
    Graph.PeopleFinder people,
    ApprovalCards cards,
    DeliveryQueue deliveries,
    IIdempotencyStore claims,
    ConnectorClient connector,
    TimeProvider time,
    ILogger<CustomerWorkflowBot> logger,
    Imports.TeamsImports imports) : ActivityHandler
{
    private static readonly Dictionary<string, string> _clerkVerbs = new(StringComparer.Ordinal)
    {
        [ClerkCards.RemoveLine] = "remove",
        [ClerkCards.DiscardAll] = "discard",
        [ClerkCards.Submit] = "submit",
        [ClerkCards.Recall] = "recall",
    };

    /// <summary>The approval card's verbs and the command each stands for (refresh changes nothing).</summary>
    private static readonly Dictionary<string, string> _verbs = new(StringComparer.OrdinalIgnoreCase)
    {
        [ApprovalCard.Approve] = "approve",
        [ApprovalCard.Reject] = "reject",
        [ApprovalCard.RequestChange] = "request-change",
        ["request-change"] = "request-change",
        [ApprovalCard.Delegate] = "delegate",
        [ApprovalCard.Refresh] = "refresh",
    };

    protected override async Task OnMessageActivityAsync(ITurnContext turnContext, CancellationToken cancellationToken)
    {
        var user = await MeetAsync(turnContext, turnContext.Activity.From, cancellationToken).ConfigureAwait(false);
        if (user is null)
        {
            return;
        }

        var actor = directory.ActorFor(user);
        if (Imports.TeamsImports.HasFile(turnContext.Activity))
        {
            await imports.OnFileAsync(turnContext, actor, cancellationToken).ConfigureAwait(false);
            return;
        }

        if (turnContext.Activity.Value is { ValueKind: JsonValueKind.Object } submitted && string.IsNullOrWhiteSpace(turnContext.Activity.Text))
        {
            // An Action.Submit fallback (clients without Universal Actions): the same data as the Action.Execute.
            var outcome = await RunCardActionAsync(turnContext, user, actor, ReadString(submitted, "verb"), submitted, cancellationToken).ConfigureAwait(false);
            if (outcome.Card is not null && !string.IsNullOrEmpty(turnContext.Activity.ReplyToId))
            {
                // The clicked card is replaced in place, as the invoke answer replaces it for Action.Execute.
                var update = turnContext.Activity.CreateReply();
                update.Id = turnContext.Activity.ReplyToId;
                update.Attachments = [ApprovalCards.Attachment(outcome.Card)];
                await turnContext.UpdateActivityAsync(update, cancellationToken).ConfigureAwait(false);
            }

            await turnContext.SendActivityAsync(outcome.Text, cancellationToken).ConfigureAwait(false);
            return;
        }

        var input = CommandText(turnContext.Activity);
        var tokens = CommandLine.Tokenize(input, out var error);
        if (tokens is null)
        {
            await turnContext.SendActivityAsync(error!, cancellationToken).ConfigureAwait(false);
            return;
        }

        if (tokens.Count == 0)
        {
            await turnContext.SendActivityAsync("Type `help` to see what I can do.", cancellationToken).ConfigureAwait(false);
            return;
        }

        if (runner.Find(tokens[0].Text) is not { } command)
        {
            await turnContext.SendActivityAsync(runner.Unknown(tokens[0].Text), cancellationToken).ConfigureAwait(false);
            return;
        }

        var result = await ClaimedAsync(turnContext, command.Changes && command.AllowedFor(actor),
            () => CommandRunner.RunAsync(turnContext, user, actor, command, tokens.Skip(1).ToList(), cancellationToken), cancellationToken).ConfigureAwait(false);
        if (result is not null)
        {
            await AnswerAsync(turnContext, result, cancellationToken).ConfigureAwait(false);
        }
    }

    protected override async Task OnMembersAddedAsync(IList<ChannelAccount> membersAdded, ITurnContext turnContext, CancellationToken cancellationToken)
    {
        var botId = turnContext.Activity.Recipient?.Id;
        if (membersAdded.Any(m => m.Id == botId))
        {
            await WelcomeAsync(turnContext, cancellationToken).ConfigureAwait(false);
        }
    }

    protected override Task OnInstallationUpdateAddAsync(ITurnContext turnContext, CancellationToken cancellationToken) =>
        WelcomeAsync(turnContext, cancellationToken);

    protected override async Task<AdaptiveCardInvokeResponse?> OnAdaptiveCardInvokeAsync(ITurnContext turnContext, AdaptiveCardInvokeValue invokeValue, CancellationToken cancellationToken)
    {
        var user = await MeetAsync(turnContext, turnContext.Activity.From, cancellationToken).ConfigureAwait(false);
        if (user is null)
        {
            return AdaptiveCardInvokeResponse.Error(400, "BadRequest", "The action has no sender.");
        }

        var data = invokeValue.Action?.Data is { ValueKind: JsonValueKind.Object } d ? d : default;
        var outcome = await RunCardActionAsync(turnContext, user, directory.ActorFor(user), invokeValue.Action?.Verb, data, cancellationToken).ConfigureAwait(false);
        return outcome.Card is { } card
            ? AdaptiveCardInvokeResponse.Card(ApprovalCards.Json(card))
            : AdaptiveCardInvokeResponse.Error(400, "BadRequest", outcome.Text);
    }

    /// <summary>What a card action came to: the answer's text and, for a known proposal, its card for the clicker.</summary>
    private sealed record CardActionOutcome(string Text, AdaptiveCard? Card);

    /// <summary>
    /// One handler per verb, each calling one use case; the answer is the proposal's card as it now stands for the
    /// clicker. A refused click (stale, out of turn, a missing reason) changes nothing and answers the current card
    /// with the reason on top.
    /// </summary>
    private async Task<CardActionOutcome> RunCardActionAsync(ITurnContext turnContext, UserProfile user, Actor actor, string? verb, JsonElement data, CancellationToken cancellationToken)
    {
        if (verb is not null && _clerkVerbs.TryGetValue(verb, out var clerkCommand) && data.ValueKind == JsonValueKind.Object)
        {
            return await RunClerkCardActionAsync(turnContext, user, actor, clerkCommand, data, cancellationToken).ConfigureAwait(false);
        }

        if (verb == ImportCards.ShowRejections && data.ValueKind == JsonValueKind.Object)
        {
            var (pageText, pageCard) = await imports.ShowRejectionsAsync(actor, data, cancellationToken).ConfigureAwait(false);
            return new(pageText, pageCard);
        }

        if (verb == OtherCards.SaveSettings && data.ValueKind == JsonValueKind.Object)
        {
            return await SaveSettingsAsync(turnContext, actor, data, cancellationToken).ConfigureAwait(false);
        }

        if (verb is null || !_verbs.TryGetValue(verb, out var commandName))
        {
            return new($"I don't know the card action '{verb}'.", null);
        }

        var proposalId = data.ValueKind == JsonValueKind.Object ? ReadString(data, "proposalId") : null;
        if (string.IsNullOrWhiteSpace(proposalId))
        {
            return new("The card action doesn't say which proposal it is for.", null);
        }

        Proposal current;
        try
        {
            current = await engine.GetProposalAsync(proposalId, cancellationToken).ConfigureAwait(false);
        }
        catch (WorkflowException refusal)
        {
            return new(refusal.Message, null);
        }

        if (commandName == "refresh")
        {
            return new(string.Empty, await cards.CardAsync(current, null, user.Id, null, cancellationToken).ConfigureAwait(false));
        }

        long? version = data.TryGetProperty("version", out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var n) ? n : null;
        var comment = ReadString(data, "comment") ?? ReadString(data, "reason");
        var command = runner.Find(commandName)!;
        if (!command.AllowedFor(actor))
        {
            var refused = CommandRunner.NotAllowed(actor, command);
            return new(refused, await cards.CardAsync(current, null, user.Id, refused, cancellationToken).ConfigureAwait(false));
        }

        var context = new CommandContext(turnContext, user, actor, [], cancellationToken);
        string? note = null;

        // A click that carries the card's version needs no durable claim: the engine acts only on that version, so a
        // redelivery (even to another instance) is refused as stale and changes nothing. One commit per approval.
        var result = await ClaimedAsync(turnContext, version is null, async () =>
        {
            try
            {
                if (commandName == "delegate")
                {
                    var who = ReadString(data, "delegateTo");
                    var target = string.IsNullOrWhiteSpace(who) ? null : await people.ResolveAsync(who, cancellationToken).ConfigureAwait(false);
                    if (target is null)
                    {
                        note = string.IsNullOrWhiteSpace(who) ? "Say whom to delegate to." : $"I haven't met '{who}' yet. Ask them to open the bot in Teams once, then try again.";
                        return CommandResult.Say(note);
                    }

                    return await runner.DecideAsync(context, commandName, (id, rest, expected) => engine.DelegateAsync(actor, id, target.Id, rest, expected, cancellationToken), version, proposalId, comment, current).ConfigureAwait(false);
                }

                return await runner.DecideAsync(context, commandName, (id, rest, expected) => commandName switch
                {
                    "approve" => engine.ApproveAsync(actor, id, rest, expected, cancellationToken),
                    "reject" => engine.RejectAsync(actor, id, rest, expected, cancellationToken),
                    _ => engine.RequestChangeAsync(actor, id, rest, expected, cancellationToken),
                }, version, proposalId, comment, current).ConfigureAwait(false);
            }
            catch (WorkflowException refusal)
            {
                note = refusal.Message;
                return CommandResult.Say(refusal.Message);
            }
        }, cancellationToken).ConfigureAwait(false);

        var text = result is null ? "This action was already taken." : string.Join('\n', result.Replies.Select(r => r.Text));
        note ??= result is null ? text : null;
        // A decision that went through already holds the proposal as it now stands; otherwise read where it stands.
        var card = result?.View is { } decided && note is null
            ? ApprovalCard.Build(decided, user.Id)
            : await cards.CardAsync(await engine.GetProposalAsync(proposalId, cancellationToken).ConfigureAwait(false), null, user.Id, note, cancellationToken).ConfigureAwait(false);
        if (result is not null)
        {
            Deliver(turnContext, result.Notices, result.ProposalId);
        }

        return new(text, card);
    }

    /// <summary>
    /// A button of the proposed-changes card (Remove, Discard all, Submit, Recall): the same command a clerk could type,
    /// answered with the card as it now stands and the command's answer on top.
    /// </summary>
    private async Task<CardActionOutcome> RunClerkCardActionAsync(ITurnContext turnContext, UserProfile user, Actor actor, string commandName, JsonElement data, CancellationToken cancellationToken)
    {
        var customerId = ReadString(data, "customerId");
        var proposalId = ReadString(data, "proposalId");
        if (string.IsNullOrWhiteSpace(customerId) || string.IsNullOrWhiteSpace(proposalId))
        {
            return new("The card action doesn't say which customer it is for.", null);
        }

        var command = runner.Find(commandName)!;
        var extra = commandName == "remove" ? ReadString(data, "field") : ReadString(data, "comment");
        List<Token> args = [new Token(customerId, -1), .. string.IsNullOrWhiteSpace(extra) ? Array.Empty<Token>() : [new Token(extra, -1)]];
        var result = await ClaimedAsync(turnContext, command.AllowedFor(actor),
            () => CommandRunner.RunAsync(turnContext, user, actor, command, args, cancellationToken), cancellationToken).ConfigureAwait(false);
        var text = result is null ? "This action was already taken." : string.Join('\n', result.Replies.Select(r => r.Text));
        Proposal proposal;
        try
        {
            proposal = await engine.GetProposalAsync(proposalId, cancellationToken).ConfigureAwait(false);
        }
        catch (WorkflowException refusal)
        {
            return new(refusal.Message, null);
        }

        var view = await engine.GetCustomerAsync(proposal.CustomerId, cancellationToken).ConfigureAwait(false);
        var people = await cards.PeopleAsync(proposal, cancellationToken).ConfigureAwait(false);
        if (result is not null)
        {
            Deliver(turnContext, result.Notices, result.ProposalId ?? proposal.Id);
        }

        return new(text, ClerkCards.ProposedChanges(proposal, view.Customer, people, text));
    }

    /// <summary>The Save button of the settings card: one recorded save, refused when the settings changed meanwhile.</summary>
    private async Task<CardActionOutcome> SaveSettingsAsync(ITurnContext turnContext, Actor actor, JsonElement data, CancellationToken cancellationToken)
    {
        string note;
        try
        {
            // The engine refuses anyone but an admin; the parsing below only turns the card's inputs into its arguments.
            long.TryParse(ReadString(data, "version"), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var version);
            var approvals = string.Equals(ReadString(data, "approvals"), "true", StringComparison.OrdinalIgnoreCase);
            if (!Enum.TryParse<ImportBehaviour>(ReadString(data, "import"), ignoreCase: true, out var import) || !Enum.IsDefined(import))
            {
                throw new WorkflowException(Refusal.InvalidValue, "Choose what an import does: allow, reject or propose.");
            }

            var fields = data.EnumerateObject()
                .Where(p => p.Name.StartsWith("field.", StringComparison.Ordinal) && p.Value.ValueKind == JsonValueKind.String && p.Value.GetString() == "true")
                .Select(p => p.Name["field.".Length..])
                .ToList();
            var saved = await ClaimedAsync(turnContext, true, async () =>
            {
                await engine.SaveSettingsFormAsync(actor, approvals, import, fields, version, cancellationToken).ConfigureAwait(false);
                return CommandResult.Say("Saved.");
            }, cancellationToken).ConfigureAwait(false);
            note = saved is null ? "This action was already taken." : "Saved.";
        }
        catch (WorkflowException refusal)
        {
            note = refusal.Message;
        }

        var current = await engine.GetSettingsAsync(cancellationToken).ConfigureAwait(false);
        return new(note, OtherCards.Settings(current.Settings, current.Version, note));
    }

    /// <summary>Runs work that may change state under a claim on the activity id; null when another delivery already ran it.</summary>
    private async Task<CommandResult?> ClaimedAsync(ITurnContext turnContext, bool changes, Func<Task<CommandResult>> work, CancellationToken cancellationToken)
    {
        var activity = turnContext.Activity;
        var key = changes && !string.IsNullOrEmpty(activity.Id) ? $"activity|{activity.ChannelId}|{activity.Conversation?.Id}|{activity.Id}" : null;
        if (key is not null && !await claims.TryClaimAsync(key, time.GetUtcNow(), cancellationToken).ConfigureAwait(false))
        {
            LogRedelivered(logger, activity.Id!);
            return null;
        }

        try
        {
            return await work().ConfigureAwait(false);
        }
        catch when (key is not null)
        {
            // The engine's writes are atomic, so a failure here changed nothing: let a redelivery try again.
            await claims.ReleaseClaimAsync(key, CancellationToken.None).ConfigureAwait(false);
            throw;
        }
    }

    private async Task AnswerAsync(ITurnContext turnContext, CommandResult result, CancellationToken cancellationToken)
    {
        foreach (var reply in result.Replies)
        {
            var activity = turnContext.Activity.CreateReply(reply.Text);
            if (reply.Card is not null)
            {
                activity.Attachments = [ApprovalCards.Attachment(reply.Card)];
            }

            await turnContext.SendActivityAsync(activity, cancellationToken).ConfigureAwait(false);
        }

        Deliver(turnContext, result.Notices, result.ProposalId);
    }

    /// <summary>Leaves the notices and the card updates to the background, so the answer never waits for them.</summary>
    private void Deliver(ITurnContext turnContext, IReadOnlyList<Notice> notices, string? proposalId) =>
        deliveries.Enqueue(turnContext.Activity, turnContext.IsAuthenticated(), notices, proposalId);

    private async Task WelcomeAsync(ITurnContext turnContext, CancellationToken cancellationToken)
    {
        var user = await MeetAsync(turnContext, turnContext.Activity.From, cancellationToken).ConfigureAwait(false);
        if (user is null || !IsPersonal(turnContext.Activity))
        {
            return;
        }

        var roles = directory.EffectiveRoles(user);
        await turnContext.SendActivityAsync(roles == Roles.None
            ? $"Hi {user.Name}! I run the customer change approvals. You don't have a role yet: ask an admin to give you one (`role {user.Upn ?? user.Name} clerk`)."
            : $"Hi {user.Name}! I run the customer change approvals. You are {Commands.Text.Roles(roles)}; type `help` to see what you can do.",
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Records the sender in the directory: their ids and name, their UPN and email (asked from the connector the first
    /// time), and in a 1:1 chat the conversation reference to reach them later.
    /// </summary>
    private async Task<UserProfile?> MeetAsync(ITurnContext turnContext, ChannelAccount? from, CancellationToken cancellationToken)
    {
        if (from is null || string.IsNullOrWhiteSpace(from.Id))
        {
            return null;
        }

        var activity = turnContext.Activity;
        var id = string.IsNullOrWhiteSpace(from.AadObjectId) ? from.Id : from.AadObjectId;
        var known = await directory.GetAsync(id, cancellationToken).ConfigureAwait(false);
        string? upn = null, email = null, name = from.Name;
        if (known is null && activity.ServiceUrl is { } serviceUrl && activity.Conversation?.Id is { } conversationId)
        {
            try
            {
                var member = await connector.GetConversationMemberAsync(serviceUrl, conversationId, from.Id, cancellationToken).ConfigureAwait(false);
                upn = member?.UserPrincipalName;
                email = member?.Email;
                name = string.IsNullOrWhiteSpace(member?.Name) ? name : member.Name;
            }
            catch (Exception exception) when (Retry.IsChannelFailure(exception) || exception is JsonException)
            {
                LogMemberLookupFailed(logger, exception, from.Id);
            }
        }

        var address = IsPersonal(activity) && activity.ServiceUrl is not null && activity.Conversation is not null
            ? new StoredAddress(activity.GetConversationReference(), turnContext.IsAuthenticated()).ToJson()
            : null;
        var seen = new UserProfile(id, string.IsNullOrWhiteSpace(name) ? id : name, upn, email, from.Id, Address: address);
        return await directory.MeetAsync(seen, known, cancellationToken).ConfigureAwait(false);
    }

    private static bool IsPersonal(Activity activity) =>
        activity.Conversation is { } c && (string.Equals(c.ConversationType, "personal", StringComparison.OrdinalIgnoreCase) || (c.ConversationType is null && c.IsGroup != true));

    /// <summary>The command text: the bot's @mention removed, other people's mentions turned into their channel ids.</summary>
    internal static string CommandText(Activity activity)
    {
        var text = activity.RemoveRecipientMention();
        if (activity.Entities is null)
        {
            return text;
        }

        foreach (var entity in activity.Entities)
        {
            if (!string.Equals(entity.Type, "mention", StringComparison.OrdinalIgnoreCase) || entity.Properties is null
                || !entity.Properties.TryGetValue("mentioned", out var mentioned) || mentioned.ValueKind != JsonValueKind.Object
                || ReadString(mentioned, "id") is not { Length: > 0 } mentionedId
                || !entity.Properties.TryGetValue("text", out var mentionText) || mentionText.GetString() is not { Length: > 0 } shown)
            {
                continue;
            }

            text = text.Replace(shown, mentionedId, StringComparison.OrdinalIgnoreCase);
        }

        return text.Trim();
    }

    private static string? ReadString(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString()
        : element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var number) && number.ValueKind == JsonValueKind.Number ? number.GetRawText()
        : null;

    [LoggerMessage(Level = LogLevel.Information, Message = "Activity {ActivityId} was already handled (redelivered)")]
    private static partial void LogRedelivered(ILogger logger, string activityId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Could not look up member {MemberId} through the connector")]
    private static partial void LogMemberLookupFailed(ILogger logger, Exception exception, string memberId);
}
