using System.Text.Json;
using CustomerWorkflow.Bot.Protocol.Schema;

namespace CustomerWorkflow.Bot.Protocol.Hosting;

/// <summary>What runs a turn (the SDK's <c>IBot</c>).</summary>
public interface IBot
{
    Task OnTurnAsync(ITurnContext turnContext, CancellationToken cancellationToken);
}

/// <summary>
/// Dispatches a turn by activity type to virtual methods with the SDK's names (<c>ActivityHandler</c>), so product
/// code written against it moves to the real SDK unchanged. Unknown types are ignored; an invoke nobody handles
/// answers 501.
/// </summary>
public abstract class ActivityHandler : IBot
{
    public virtual Task OnTurnAsync(ITurnContext turnContext, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(turnContext);
        return turnContext.Activity.Type switch
        {
            ActivityTypes.Message => OnMessageActivityAsync(turnContext, cancellationToken),
            ActivityTypes.ConversationUpdate => OnConversationUpdateActivityAsync(turnContext, cancellationToken),
            ActivityTypes.InstallationUpdate => OnInstallationUpdateActivityAsync(turnContext, cancellationToken),
            ActivityTypes.Invoke => RunInvokeAsync(turnContext, cancellationToken),
            _ => OnUnrecognizedActivityTypeAsync(turnContext, cancellationToken),
        };
    }

    protected virtual Task OnMessageActivityAsync(ITurnContext turnContext, CancellationToken cancellationToken) => Task.CompletedTask;

    protected virtual Task OnConversationUpdateActivityAsync(ITurnContext turnContext, CancellationToken cancellationToken)
    {
        var activity = turnContext.Activity;
        var botId = activity.Recipient?.Id;
        if (activity.MembersAdded is { Count: > 0 } added && added.Any(m => m.Id != botId))
        {
            return OnMembersAddedAsync(added, turnContext, cancellationToken);
        }

        if (activity.MembersAdded is { Count: > 0 } onlyBot)
        {
            return OnMembersAddedAsync(onlyBot, turnContext, cancellationToken);
        }

        if (activity.MembersRemoved is { Count: > 0 } removed)
        {
            return OnMembersRemovedAsync(removed, turnContext, cancellationToken);
        }

        return Task.CompletedTask;
    }

    /// <summary>Members joined the conversation; the bot itself is among them when the app was just installed.</summary>
    protected virtual Task OnMembersAddedAsync(IList<ChannelAccount> membersAdded, ITurnContext turnContext, CancellationToken cancellationToken) =>
        Task.CompletedTask;

    protected virtual Task OnMembersRemovedAsync(IList<ChannelAccount> membersRemoved, ITurnContext turnContext, CancellationToken cancellationToken) =>
        Task.CompletedTask;

    protected virtual Task OnInstallationUpdateActivityAsync(ITurnContext turnContext, CancellationToken cancellationToken) =>
        turnContext.Activity.Action?.ToLowerInvariant() switch
        {
            "add" or "add-upgrade" => OnInstallationUpdateAddAsync(turnContext, cancellationToken),
            "remove" or "remove-upgrade" => OnInstallationUpdateRemoveAsync(turnContext, cancellationToken),
            _ => Task.CompletedTask,
        };

    protected virtual Task OnInstallationUpdateAddAsync(ITurnContext turnContext, CancellationToken cancellationToken) => Task.CompletedTask;

    protected virtual Task OnInstallationUpdateRemoveAsync(ITurnContext turnContext, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Any invoke other than a card action. The default answers 501: nobody handles it.</summary>
    protected virtual Task<InvokeResponse> OnInvokeActivityAsync(ITurnContext turnContext, CancellationToken cancellationToken) =>
        Task.FromResult(new InvokeResponse(501));

    /// <summary>An <c>Action.Execute</c> click or refresh. The default answers 501.</summary>
    protected virtual Task<AdaptiveCardInvokeResponse?> OnAdaptiveCardInvokeAsync(
        ITurnContext turnContext,
        AdaptiveCardInvokeValue invokeValue,
        CancellationToken cancellationToken) =>
        Task.FromResult<AdaptiveCardInvokeResponse?>(null);

    protected virtual Task OnUnrecognizedActivityTypeAsync(ITurnContext turnContext, CancellationToken cancellationToken) => Task.CompletedTask;

    private async Task RunInvokeAsync(ITurnContext turnContext, CancellationToken cancellationToken)
    {
        if (!string.Equals(turnContext.Activity.Name, InvokeNames.AdaptiveCardAction, StringComparison.Ordinal))
        {
            turnContext.InvokeResponse = await OnInvokeActivityAsync(turnContext, cancellationToken).ConfigureAwait(false);
            return;
        }

        if (ReadCardAction(turnContext.Activity) is not { } value)
        {
            turnContext.InvokeResponse = new InvokeResponse(400, AdaptiveCardInvokeResponse.Error(
                400, "BadRequest", "The card action is not an Action.Execute with a verb."));
            return;
        }

        var response = await OnAdaptiveCardInvokeAsync(turnContext, value, cancellationToken).ConfigureAwait(false);
        turnContext.InvokeResponse = response is null ? new InvokeResponse(501) : new InvokeResponse(200, response);
    }

    private static AdaptiveCardInvokeValue? ReadCardAction(Activity activity)
    {
        if (activity.Value is not { ValueKind: JsonValueKind.Object } element)
        {
            return null;
        }

        AdaptiveCardInvokeValue? value;
        try
        {
            value = element.Deserialize<AdaptiveCardInvokeValue>(ProtocolJson.Options);
        }
        catch (JsonException)
        {
            return null;
        }

        return value?.Action is { Type: "Action.Execute", Verb.Length: > 0 } ? value : null;
    }
}
