using System.Net;
using System.Text;
using System.Text.Json;
using CustomerWorkflow.Bot.Protocol;
using CustomerWorkflow.Bot.Protocol.Schema;
using CustomerWorkflow.Bot.Tests.Infrastructure;

namespace CustomerWorkflow.Bot.Tests.Security;

/// <summary>
/// <c>/api/messages</c> answers as Azure Bot Service expects (BOT-PROTOCOL §1), on the authenticated host with a good
/// token, so each answer comes from the endpoint and not from authentication; bad input is never a 500.
/// </summary>
public sealed class EndpointTests
{
    private const int MaxActivityBytes = 256 * 1024;

    [Theory]
    [InlineData("GET")]
    [InlineData("PUT")]
    [InlineData("DELETE")]
    public async Task Another_method_than_POST_is_405(string method)
    {
        await using var host = await BotTestHost.StartAsync(authenticated: true);

        using var request = new HttpRequestMessage(new HttpMethod(method), "/api/messages");
        using var response = await host.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal("POST", Assert.Single(response.Content.Headers.Allow));
        Assert.Empty(host.Channel.Calls);
    }

    [Theory]
    [InlineData("{\"type\":\"message\",\"text\":")]
    [InlineData("not json at all")]
    [InlineData("")]
    [InlineData("{\"text\":\"customer US-001\"}")]
    [InlineData("{\"type\":\"\",\"text\":\"customer US-001\"}")]
    [InlineData("null")]
    [InlineData("[]")]
    [InlineData("\"message\"")]
    [InlineData("{\"type\":5}")]
    [InlineData("{\"type\":\"message\",\"timestamp\":\"yesterday\"}")]
    public async Task A_body_that_is_not_an_activity_is_400(string body)
    {
        await using var host = await BotTestHost.StartAsync(authenticated: true);

        using var response = await host.PostRawAsync(Json(body), "Bearer " + host.Token());

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty(host.Channel.Calls);
    }

    [Fact]
    public async Task An_unknown_activity_type_is_200_and_ignored()
    {
        await using var host = await BotTestHost.StartAsync(authenticated: true);
        var before = await NoEffect.CaptureAsync(host);

        var turns = await before.AttackAsync("Bearer " + host.Token(), shape: activity => activity.Type = "somethingNew");

        Assert.All(turns, turn => Assert.Equal(HttpStatusCode.OK, turn.Status));
        Assert.All(turns, turn => Assert.Equal(string.Empty, turn.Body));
        await before.AssertNothingChangedAsync();
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_body_over_the_limit_is_413_with_or_without_Content_Length(bool withContentLength)
    {
        await using var host = await BotTestHost.StartAsync(authenticated: true);
        var before = await NoEffect.CaptureAsync(host);
        var activity = host.NewActivity(host.Clerk);
        activity.Text = NoEffect.Attack;

        using var content = Padded(activity, MaxActivityBytes + 1, withContentLength);
        Assert.Equal(withContentLength, content.Headers.ContentLength is not null);
        using var response = await host.PostRawAsync(content, "Bearer " + host.Token());

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        await before.AssertNothingChangedAsync();
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_body_exactly_at_the_limit_is_taken(bool withContentLength)
    {
        await using var host = await BotTestHost.StartAsync(authenticated: true);
        var activity = host.NewActivity(host.Clerk);
        activity.Text = "customer US-001";
        var sequence = host.Channel.Sequence;

        using var content = Padded(activity, MaxActivityBytes, withContentLength);
        using var response = await host.PostRawAsync(content, "Bearer " + host.Token());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(host.Channel.CallsSince(sequence), call => call.Activity?.Text?.Contains("Contoso Retail", StringComparison.Ordinal) == true);
    }

    [Theory]
    [InlineData("composeExtension/query")]
    [InlineData("task/fetch")]
    [InlineData(null)]
    public async Task An_invoke_nobody_handles_is_501(string? name)
    {
        await using var host = await BotTestHost.StartAsync(authenticated: true);
        var invoke = host.NewActivity(host.Clerk, ActivityTypes.Invoke);
        invoke.Name = name;
        invoke.Value = JsonSerializer.SerializeToElement(new { commandId = "search", parameters = Array.Empty<object>() });

        var turn = await host.Clerk.PostAsync(invoke);

        Assert.Equal(HttpStatusCode.NotImplemented, turn.Status);
        turn.AssertNoReplies();
    }

    [Theory]
    [InlineData("\"not an object\"")]
    [InlineData("{}")]
    [InlineData("{\"action\":{\"type\":\"Action.Submit\",\"data\":{\"verb\":\"approve\"}}}")]
    [InlineData("{\"action\":{\"type\":\"Action.Execute\"}}")]
    [InlineData("{\"action\":{\"type\":\"Action.Execute\",\"verb\":\"\"}}")]
    [InlineData("{\"action\":\"approve\"}")]
    [InlineData("{\"action\":{\"type\":\"Action.Execute\",\"verb\":42}}")]
    public async Task A_card_action_with_a_bad_value_is_400_with_an_error_body(string value)
    {
        await using var host = await BotTestHost.StartAsync(authenticated: true);
        var before = await NoEffect.CaptureAsync(host);
        var invoke = host.NewActivity(host.Clerk, ActivityTypes.Invoke);
        invoke.Name = InvokeNames.AdaptiveCardAction;
        invoke.Value = JsonDocument.Parse(value).RootElement.Clone();

        var turn = await host.Clerk.PostAsync(invoke);

        Assert.Equal(HttpStatusCode.BadRequest, turn.Status);
        var body = turn.InvokeBody;
        Assert.Equal(400, (int?)body["statusCode"]);
        Assert.Equal(AdaptiveCardInvokeResponse.ErrorType, (string?)body["type"]);
        Assert.Equal("BadRequest", (string?)body["value"]?["code"]);
        Assert.False(string.IsNullOrWhiteSpace((string?)body["value"]?["message"]));
        await before.AssertNothingChangedAsync();
    }

    [Theory]
    [InlineData("{\"type\":\"Action.Execute\",\"verb\":\"explode\",\"data\":{}}", "I don't know the card action 'explode'")]
    [InlineData("{\"type\":\"Action.Execute\",\"verb\":\"approve\",\"data\":\"oops\"}", "doesn't say which proposal")]
    [InlineData("{\"type\":\"Action.Execute\",\"verb\":\"approve\"}", "doesn't say which proposal")]
    [InlineData("{\"type\":\"Action.Execute\",\"verb\":\"approve\",\"data\":{\"proposalId\":\" \"}}", "doesn't say which proposal")]
    public async Task A_card_action_the_bot_cannot_take_answers_a_card_level_400_saying_why(string action, string why)
    {
        await using var host = await BotTestHost.StartAsync(authenticated: true);
        (await host.Approver.SendAsync("hi")).ReplyText("help");
        var invoke = host.NewActivity(host.Approver, ActivityTypes.Invoke);
        invoke.Name = InvokeNames.AdaptiveCardAction;
        invoke.Value = JsonDocument.Parse("{\"action\":" + action + "}").RootElement.Clone();

        var turn = await host.Approver.PostAsync(invoke);

        // Universal Actions carry the outcome in the body: HTTP 200, statusCode 400 and the reason.
        Assert.Equal(HttpStatusCode.OK, turn.Status);
        Assert.Equal(400, (int?)turn.InvokeBody["statusCode"]);
        Assert.Equal(AdaptiveCardInvokeResponse.ErrorType, (string?)turn.InvokeBody["type"]);
        Assert.Contains(why, (string?)turn.InvokeBody["value"]?["message"], StringComparison.Ordinal);
        turn.AssertNoReplies();
    }

    /// <summary>
    /// Activities that pass authentication but are odd inside: missing parts, wrong shapes, unknown verbs and proposals.
    /// The answer may be a refusal or an ignored turn, never a server error.
    /// </summary>
    [Theory]
    [InlineData("{\"type\":\"message\",\"channelId\":\"msteams\",\"serviceUrl\":\"{S}\"}")]
    [InlineData("{\"type\":\"message\",\"channelId\":\"msteams\",\"serviceUrl\":\"{S}\",\"from\":{\"id\":\"29:x\"},\"text\":\"customer US-001\"}")]
    [InlineData("{\"type\":\"message\",\"channelId\":\"msteams\",\"serviceUrl\":\"{S}\",\"conversation\":{\"id\":\"a:x\"},\"text\":\"customer US-001\"}")]
    [InlineData("{\"type\":\"message\",\"channelId\":\"msteams\",\"serviceUrl\":\"{S}\",\"from\":{\"id\":\"\"},\"conversation\":{\"id\":\"\"},\"text\":\"set US-001 City=Hacked\"}")]
    [InlineData("{\"type\":\"message\",\"channelId\":\"msteams\",\"serviceUrl\":\"{S}\",\"from\":{\"id\":\"29:sample-clerk\",\"aadObjectId\":\"sample-clerk\"},\"conversation\":{\"id\":\"a:29:sample-clerk\"},\"text\":\"set \\\"US-001 City=\"}")]
    [InlineData("{\"type\":\"message\",\"channelId\":\"msteams\",\"serviceUrl\":\"{S}\",\"from\":{\"id\":\"29:sample-clerk\",\"aadObjectId\":\"sample-clerk\"},\"conversation\":{\"id\":\"a:29:sample-clerk\"},\"value\":{\"verb\":\"approve\",\"proposalId\":{\"x\":1}}}")]
    [InlineData("{\"type\":\"message\",\"channelId\":\"msteams\",\"serviceUrl\":\"{S}\",\"from\":{\"id\":\"29:sample-clerk\",\"aadObjectId\":\"sample-clerk\"},\"conversation\":{\"id\":\"a:29:sample-clerk\"},\"entities\":[{\"type\":\"mention\",\"mentioned\":\"nobody\",\"text\":5}],\"text\":\"help\"}")]
    [InlineData("{\"type\":\"conversationUpdate\",\"channelId\":\"msteams\",\"serviceUrl\":\"{S}\",\"membersAdded\":[{}],\"recipient\":{\"id\":\"28:bot\"}}")]
    [InlineData("{\"type\":\"conversationUpdate\",\"channelId\":\"msteams\",\"serviceUrl\":\"{S}\",\"membersAdded\":[{\"id\":\"28:bot\"}],\"recipient\":{\"id\":\"28:bot\"}}")]
    [InlineData("{\"type\":\"installationUpdate\",\"channelId\":\"msteams\",\"serviceUrl\":\"{S}\",\"action\":\"add\"}")]
    [InlineData("{\"type\":\"invoke\",\"name\":\"adaptiveCard/action\",\"channelId\":\"msteams\",\"serviceUrl\":\"{S}\",\"value\":{\"action\":{\"type\":\"Action.Execute\",\"verb\":\"approve\",\"data\":{\"proposalId\":\"US-001-P1\"}}}}")]
    [InlineData("{\"type\":\"invoke\",\"name\":\"adaptiveCard/action\",\"channelId\":\"msteams\",\"serviceUrl\":\"{S}\",\"from\":{\"id\":\"29:sample-approver\",\"aadObjectId\":\"sample-approver\"},\"conversation\":{\"id\":\"a:29:sample-approver\"},\"value\":{\"action\":{\"type\":\"Action.Execute\",\"verb\":\"approve\",\"data\":\"oops\"}}}")]
    [InlineData("{\"type\":\"invoke\",\"name\":\"adaptiveCard/action\",\"channelId\":\"msteams\",\"serviceUrl\":\"{S}\",\"from\":{\"id\":\"29:sample-approver\",\"aadObjectId\":\"sample-approver\"},\"conversation\":{\"id\":\"a:29:sample-approver\"},\"value\":{\"action\":{\"type\":\"Action.Execute\",\"verb\":\"approve\",\"data\":{\"proposalId\":\"US-001-P99\",\"version\":1e300}}}}")]
    [InlineData("{\"type\":\"invoke\",\"name\":\"adaptiveCard/action\",\"channelId\":\"msteams\",\"serviceUrl\":\"{S}\",\"from\":{\"id\":\"29:sample-approver\",\"aadObjectId\":\"sample-approver\"},\"conversation\":{\"id\":\"a:29:sample-approver\"},\"value\":{\"action\":{\"type\":\"Action.Execute\",\"verb\":\"explode\",\"data\":{}}}}")]
    [InlineData("{\"type\":\"invoke\",\"name\":\"adaptiveCard/action\",\"channelId\":\"msteams\",\"serviceUrl\":\"{S}\",\"from\":{\"id\":\"29:sample-approver\",\"aadObjectId\":\"sample-approver\"},\"conversation\":{\"id\":\"a:29:sample-approver\"},\"value\":{\"action\":{\"type\":\"Action.Execute\",\"verb\":\"approve\",\"data\":{\"proposalId\":\"../../etc/passwd\",\"comment\":\"\\u0000\"}}}}")]
    [InlineData("{\"type\":\"message\",\"channelId\":\"msteams\",\"serviceUrl\":\"{S}\",\"text\":\"hi\",\"value\":" + Deep + "}")]
    [InlineData("{\"type\":\"message\",\"channelId\":\"\",\"serviceUrl\":\"{S}\",\"text\":\"hi\"}")]
    [InlineData("{\"type\":\"message\",\"channelId\":\"msteams\",\"text\":\"hi\"}")]
    public async Task Odd_input_is_never_a_server_error(string template)
    {
        await using var host = await BotTestHost.StartAsync(authenticated: true);
        var body = template.Replace("{S}", host.Channel.ServiceUrl, StringComparison.Ordinal);

        using var response = await host.PostRawAsync(Json(body), "Bearer " + host.Token());

        var status = (int)response.StatusCode;
        Assert.True(status < 500 || status == 501, $"{status} for {body}");
    }

    [Fact]
    public async Task Bytes_that_are_not_UTF8_are_400()
    {
        await using var host = await BotTestHost.StartAsync(authenticated: true);
        using var content = new ByteArrayContent([.. "{\"type\":\"message\",\"text\":\""u8, 0xC3, 0x28, 0xFF, .. "\"}"u8]);
        content.Headers.ContentType = new("application/json");

        using var response = await host.PostRawAsync(content, "Bearer " + host.Token());

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    private const string Deep = "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]";

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    /// <summary>The activity's JSON followed by spaces up to <paramref name="size"/> bytes (still a valid activity).</summary>
    private static HttpContent Padded(Activity activity, int size, bool withContentLength)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(activity, ProtocolJson.Options);
        var bytes = new byte[size];
        json.CopyTo(bytes, 0);
        bytes.AsSpan(json.Length).Fill((byte)' ');
        HttpContent content = withContentLength ? new ByteArrayContent(bytes) : new UnknownLengthContent(bytes);
        content.Headers.ContentType = new("application/json");
        return content;
    }

    /// <summary>A body sent without Content-Length (chunked on the wire), so the endpoint must count while it reads.</summary>
    private sealed class UnknownLengthContent(byte[] bytes) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            for (var offset = 0; offset < bytes.Length; offset += 8192)
            {
                await stream.WriteAsync(bytes.AsMemory(offset, Math.Min(8192, bytes.Length - offset)));
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
