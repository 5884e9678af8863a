using System.Text.Json;
using CustomerWorkflow.Bot.Protocol.Connector;
using CustomerWorkflow.Bot.Protocol.Hosting;
using CustomerWorkflow.Bot.Protocol.Schema;

namespace CustomerWorkflow.Bot.Protocol.Tests.Hosting;

/// <summary>The SDK-shaped dispatch: each activity type reaches its virtual method; unhandled invokes answer 501.</summary>
public sealed class ActivityHandlerTests
{
    private sealed class Recorder : ActivityHandler
    {
        public List<string> Calls { get; } = [];

        public bool HandleCards { get; init; }

        protected override Task OnMessageActivityAsync(ITurnContext turnContext, CancellationToken cancellationToken)
        {
            Calls.Add("message:" + turnContext.Activity.Text);
            return Task.CompletedTask;
        }

        protected override Task OnMembersAddedAsync(IList<ChannelAccount> membersAdded, ITurnContext turnContext, CancellationToken cancellationToken)
        {
            Calls.Add("membersAdded:" + string.Join(",", membersAdded.Select(m => m.Id)));
            return Task.CompletedTask;
        }

        protected override Task OnMembersRemovedAsync(IList<ChannelAccount> membersRemoved, ITurnContext turnContext, CancellationToken cancellationToken)
        {
            Calls.Add("membersRemoved");
            return Task.CompletedTask;
        }

        protected override Task OnInstallationUpdateAddAsync(ITurnContext turnContext, CancellationToken cancellationToken)
        {
            Calls.Add("install");
            return Task.CompletedTask;
        }

        protected override Task OnInstallationUpdateRemoveAsync(ITurnContext turnContext, CancellationToken cancellationToken)
        {
            Calls.Add("uninstall");
            return Task.CompletedTask;
        }

        protected override Task<AdaptiveCardInvokeResponse?> OnAdaptiveCardInvokeAsync(ITurnContext turnContext, AdaptiveCardInvokeValue invokeValue, CancellationToken cancellationToken)
        {
            Calls.Add("card:" + invokeValue.Action!.Verb);
            return Task.FromResult(HandleCards ? AdaptiveCardInvokeResponse.Message("done") : null);
        }

        protected override Task OnUnrecognizedActivityTypeAsync(ITurnContext turnContext, CancellationToken cancellationToken)
        {
            Calls.Add("other:" + turnContext.Activity.Type);
            return Task.CompletedTask;
        }
    }

    private static TurnContext Turn(Activity activity) =>
        new(activity, new ConnectorClient(new HttpClient(), new ClientCredentialsTokenProvider(new HttpClient(), new BotProtocolOptions()), new TrustedServiceUrls()));

    private static Activity Invoke(object value, string name = InvokeNames.AdaptiveCardAction) => new()
    {
        Type = ActivityTypes.Invoke,
        Name = name,
        Value = JsonSerializer.SerializeToElement(value),
    };

    [Fact]
    public async Task Each_type_reaches_its_method()
    {
        var bot = new Recorder();
        var bots = new ChannelAccount { Id = "28:bot" };
        await bot.OnTurnAsync(Turn(new Activity { Type = ActivityTypes.Message, Text = "hi" }), CancellationToken.None);
        await bot.OnTurnAsync(Turn(new Activity { Type = ActivityTypes.ConversationUpdate, Recipient = bots, MembersAdded = [bots] }), CancellationToken.None);
        await bot.OnTurnAsync(Turn(new Activity { Type = ActivityTypes.ConversationUpdate, Recipient = bots, MembersAdded = [new ChannelAccount { Id = "29:ann" }] }), CancellationToken.None);
        await bot.OnTurnAsync(Turn(new Activity { Type = ActivityTypes.ConversationUpdate, Recipient = bots, MembersRemoved = [new ChannelAccount { Id = "29:ann" }] }), CancellationToken.None);
        await bot.OnTurnAsync(Turn(new Activity { Type = ActivityTypes.InstallationUpdate, Action = "add" }), CancellationToken.None);
        await bot.OnTurnAsync(Turn(new Activity { Type = ActivityTypes.InstallationUpdate, Action = "remove" }), CancellationToken.None);
        await bot.OnTurnAsync(Turn(new Activity { Type = "somethingNew" }), CancellationToken.None);

        Assert.Equal(["message:hi", "membersAdded:28:bot", "membersAdded:29:ann", "membersRemoved", "install", "uninstall", "other:somethingNew"], bot.Calls);
    }

    [Fact]
    public async Task A_card_action_is_answered_with_the_handlers_response()
    {
        var bot = new Recorder { HandleCards = true };
        var turn = Turn(Invoke(new { action = new { type = "Action.Execute", verb = "approve", data = new { proposalId = "US-001-P1" } }, trigger = "manual" }));

        await bot.OnTurnAsync(turn, CancellationToken.None);

        Assert.Equal(["card:approve"], bot.Calls);
        Assert.Equal(200, turn.InvokeResponse!.Status);
        var body = Assert.IsType<AdaptiveCardInvokeResponse>(turn.InvokeResponse.Body);
        Assert.Equal(AdaptiveCardInvokeResponse.MessageType, body.Type);
    }

    [Theory]
    [InlineData("{\"action\":{\"type\":\"Action.Submit\",\"verb\":\"approve\"}}")]
    [InlineData("{\"action\":{\"type\":\"Action.Execute\"}}")]
    [InlineData("{\"action\":\"approve\"}")]
    [InlineData("[1,2]")]
    public async Task A_malformed_card_action_is_a_400_with_an_error_body(string value)
    {
        var bot = new Recorder { HandleCards = true };
        var turn = Turn(new Activity { Type = ActivityTypes.Invoke, Name = InvokeNames.AdaptiveCardAction, Value = JsonDocument.Parse(value).RootElement.Clone() });

        await bot.OnTurnAsync(turn, CancellationToken.None);

        Assert.Empty(bot.Calls);
        Assert.Equal(400, turn.InvokeResponse!.Status);
        Assert.Equal(AdaptiveCardInvokeResponse.ErrorType, Assert.IsType<AdaptiveCardInvokeResponse>(turn.InvokeResponse.Body).Type);
    }

    [Fact]
    public async Task Invokes_nobody_handles_answer_501()
    {
        var unhandledCard = Turn(Invoke(new { action = new { type = "Action.Execute", verb = "approve" } }));
        await new Recorder { HandleCards = false }.OnTurnAsync(unhandledCard, CancellationToken.None);
        Assert.Equal(501, unhandledCard.InvokeResponse!.Status);

        var otherInvoke = Turn(Invoke(new { }, "composeExtension/query"));
        await new Recorder().OnTurnAsync(otherInvoke, CancellationToken.None);
        Assert.Equal(501, otherInvoke.InvokeResponse!.Status);
    }
}
