using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using CustomerWorkflow.Bot.Protocol.Connector;
using CustomerWorkflow.Bot.Protocol.Schema;
using CustomerWorkflow.Testing;
using Microsoft.AspNetCore.Http;

namespace CustomerWorkflow.Bot.Protocol.Tests.Connector;

public sealed class ConnectorClientTests : IAsyncLifetime, IDisposable
{
    private const string ConversationId = "19:abc@thread.tacv2;messageid=1700";
    private const string EscapedConversationId = "19%3Aabc%40thread.tacv2%3Bmessageid%3D1700";
    private readonly HttpClient _http = new(TestTls.CreateTrustingHandler());
    private readonly ConcurrentQueue<(int Status, string Body, string? RetryAfter)> _script = new();
    private readonly List<TimeSpan> _delays = [];
    private readonly TrustedServiceUrls _trusted = new();
    private readonly FixedToken _tokens = new();
    private LoopbackServer _server = null!;

    public async Task InitializeAsync()
    {
        _server = await LoopbackServer.StartAsync(async (context, _) =>
        {
            var (status, body, retryAfter) = _script.TryDequeue(out var next) ? next : (200, """{"id":"sent-1"}""", null);
            context.Response.StatusCode = status;
            if (retryAfter is not null)
            {
                context.Response.Headers.RetryAfter = retryAfter;
            }

            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(body);
        });
        _trusted.Trust(ServiceUrl);
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    public void Dispose() => _http.Dispose();

    /// <summary>A regional serviceUrl whose path must survive: …/amer/.</summary>
    private string ServiceUrl => new Uri(_server.BaseAddress, "amer/").ToString();

    private ConnectorClient Client(int maxAttempts = 4) => new(
        _http,
        _tokens,
        _trusted,
        new ConnectorRetryOptions { MaxAttempts = maxAttempts, BaseDelay = TimeSpan.FromSeconds(1), MaxDelay = TimeSpan.FromSeconds(30) },
        (delay, _) =>
        {
            lock (_delays)
            {
                _delays.Add(delay);
            }

            return Task.CompletedTask;
        });

    private static Activity Message(string text) => new() { Type = ActivityTypes.Message, Text = text };

    [Fact]
    public async Task Send_PostsToTheConversation_UnderTheServiceUrlsPath_WithTheToken()
    {
        var response = await Client().SendToConversationAsync(ServiceUrl, ConversationId, Message("hello"), CancellationToken.None);

        Assert.Equal("sent-1", response.Id);
        var request = Assert.Single(_server.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal($"/amer/v3/conversations/{EscapedConversationId}/activities", request.RawTarget);
        Assert.Equal("Bearer channel-token", request.Authorization);
        using var body = JsonDocument.Parse(request.Body);
        Assert.Equal("message", body.RootElement.GetProperty("type").GetString());
        Assert.Equal("hello", body.RootElement.GetProperty("text").GetString());
    }

    [Fact]
    public async Task ServiceUrlWithoutTrailingSlash_KeepsItsPath()
    {
        await Client().SendToConversationAsync(ServiceUrl.TrimEnd('/'), ConversationId, Message("hello"), CancellationToken.None);

        Assert.StartsWith("/amer/v3/conversations/", Assert.Single(_server.Requests).RawTarget, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reply_PostsToTheActivity()
    {
        await Client().ReplyToActivityAsync(ServiceUrl, ConversationId, "1700:1", Message("hi"), CancellationToken.None);

        var request = Assert.Single(_server.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal($"/amer/v3/conversations/{EscapedConversationId}/activities/1700%3A1", request.RawTarget);
    }

    [Fact]
    public async Task Update_PutsTheActivity()
    {
        var response = await Client().UpdateActivityAsync(ServiceUrl, ConversationId, "act-1", Message("updated"), CancellationToken.None);

        Assert.Equal("sent-1", response.Id);
        var request = Assert.Single(_server.Requests);
        Assert.Equal("PUT", request.Method);
        Assert.Equal($"/amer/v3/conversations/{EscapedConversationId}/activities/act-1", request.RawTarget);
        Assert.Contains("updated", request.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Delete_DeletesTheActivity()
    {
        _script.Enqueue((200, "", null));

        await Client().DeleteActivityAsync(ServiceUrl, ConversationId, "act-1", CancellationToken.None);

        var request = Assert.Single(_server.Requests);
        Assert.Equal("DELETE", request.Method);
        Assert.Equal($"/amer/v3/conversations/{EscapedConversationId}/activities/act-1", request.RawTarget);
        Assert.Equal("", request.Body);
    }

    [Fact]
    public async Task CreateConversation_PostsMembersAndTenant()
    {
        _script.Enqueue((201, """{"id":"a:new-conv","activityId":"act-9","serviceUrl":"https://smba.example/amer/"}""", null));
        var parameters = new ConversationParameters
        {
            IsGroup = false,
            Bot = new ChannelAccount { Id = "28:app-id" },
            Members = [new ChannelAccount { Id = "29:user" }],
            TenantId = "tenant-1",
            ChannelData = JsonSerializer.SerializeToElement(new { tenant = new { id = "tenant-1" } }),
        };

        var created = await Client().CreateConversationAsync(ServiceUrl, parameters, CancellationToken.None);

        Assert.Equal("a:new-conv", created.Id);
        Assert.Equal("act-9", created.ActivityId);
        var request = Assert.Single(_server.Requests);
        Assert.Equal("/amer/v3/conversations", request.RawTarget);
        using var body = JsonDocument.Parse(request.Body);
        Assert.Equal("29:user", body.RootElement.GetProperty("members")[0].GetProperty("id").GetString());
        Assert.Equal("tenant-1", body.RootElement.GetProperty("tenantId").GetString());
        Assert.Equal("tenant-1", body.RootElement.GetProperty("channelData").GetProperty("tenant").GetProperty("id").GetString());
        Assert.False(body.RootElement.GetProperty("isGroup").GetBoolean());
    }

    [Fact]
    public async Task GetMember_ReadsTheTeamsFields()
    {
        _script.Enqueue((200, """{"id":"29:user","name":"Ana","aadObjectId":"aad-1","email":"ana@contoso.com","userPrincipalName":"ana@contoso.com","tenantId":"tenant-1","userRole":"user"}""", null));

        var member = await Client().GetConversationMemberAsync(ServiceUrl, ConversationId, "29:user/../x", CancellationToken.None);

        Assert.Equal("aad-1", member.AadObjectId);
        Assert.Equal("ana@contoso.com", member.UserPrincipalName);
        Assert.Equal("tenant-1", member.TenantId);
        var request = Assert.Single(_server.Requests);
        Assert.Equal("GET", request.Method);
        Assert.Equal($"/amer/v3/conversations/{EscapedConversationId}/members/29%3Auser%2F..%2Fx", request.RawTarget);
    }

    [Fact]
    public async Task UntrustedServiceUrl_GetsNoToken()
    {
        var untrusted = new Uri(_server.BaseAddress, "emea/").ToString();

        await Client().SendToConversationAsync(untrusted, ConversationId, Message("hello"), CancellationToken.None);

        Assert.Null(Assert.Single(_server.Requests).Authorization);
        Assert.Equal(0, _tokens.Calls);
    }

    [Fact]
    public async Task Throttled_WithRetryAfter_WaitsThatLongThenSucceeds()
    {
        _script.Enqueue((429, "{}", "3"));

        var response = await Client().SendToConversationAsync(ServiceUrl, ConversationId, Message("hello"), CancellationToken.None);

        Assert.Equal("sent-1", response.Id);
        Assert.Equal([TimeSpan.FromSeconds(3)], _delays);
        var requests = _server.Requests.ToArray();
        Assert.Equal(2, requests.Length);
        Assert.Equal(requests[0].Body, requests[1].Body);
        Assert.All(requests, request => Assert.Equal("Bearer channel-token", request.Authorization));
    }

    [Theory]
    [InlineData(412)]
    [InlineData(429)]
    [InlineData(502)]
    [InlineData(504)]
    public async Task TransientAnswers_AreRetriedWithGrowingJitteredBackoff(int status)
    {
        _script.Enqueue((status, "{}", null));
        _script.Enqueue((status, "{}", null));
        _script.Enqueue((status, "{}", null));

        var response = await Client().SendToConversationAsync(ServiceUrl, ConversationId, Message("hello"), CancellationToken.None);

        Assert.Equal("sent-1", response.Id);
        Assert.Equal(4, _server.Requests.Count);
        Assert.Equal(3, _delays.Count);
        for (var i = 0; i < 3; i++)
        {
            var exponential = TimeSpan.FromSeconds(Math.Pow(2, i));
            Assert.InRange(_delays[i], exponential, exponential * 1.5);
        }
    }

    [Theory]
    [InlineData(400)]
    [InlineData(401)]
    [InlineData(403)]
    [InlineData(404)]
    [InlineData(500)]
    public async Task Refusals_AreNotRetried(int status)
    {
        _script.Enqueue((status, """{"error":{"code":"BadArgument"}}""", "1"));

        var exception = await Assert.ThrowsAsync<ConnectorException>(
            () => Client().SendToConversationAsync(ServiceUrl, ConversationId, Message("hello"), CancellationToken.None));

        Assert.Equal((HttpStatusCode)status, exception.StatusCode);
        Assert.Single(_server.Requests);
        Assert.Empty(_delays);
    }

    [Fact]
    public async Task PersistentThrottling_GivesUpAfterMaxAttempts()
    {
        for (var i = 0; i < 10; i++)
        {
            _script.Enqueue((429, "{}", null));
        }

        var exception = await Assert.ThrowsAsync<ConnectorException>(
            () => Client(maxAttempts: 3).SendToConversationAsync(ServiceUrl, ConversationId, Message("hello"), CancellationToken.None));

        Assert.Equal(HttpStatusCode.TooManyRequests, exception.StatusCode);
        Assert.Equal(3, _server.Requests.Count);
        Assert.Equal(2, _delays.Count);
    }

    [Fact]
    public async Task RetryAfterBeyondTheMaximumWait_GivesUpRatherThanRetryingEarly()
    {
        _script.Enqueue((429, "{}", "3600"));

        await Assert.ThrowsAsync<ConnectorException>(
            () => Client().SendToConversationAsync(ServiceUrl, ConversationId, Message("hello"), CancellationToken.None));

        Assert.Single(_server.Requests);
        Assert.Empty(_delays);
    }

    [Fact]
    public void CreateReply_AddressesTheSenderFromTheBot_WithoutChannelSetFields()
    {
        var incoming = new Activity
        {
            Type = ActivityTypes.Message,
            Id = "in-1",
            Timestamp = DateTimeOffset.UtcNow,
            ServiceUrl = "https://smba.example/amer/",
            From = new ChannelAccount { Id = "29:user" },
            Recipient = new ChannelAccount { Id = "28:bot" },
            Conversation = new ConversationAccount { Id = "a:conv" },
        };

        var reply = incoming.CreateReply("done");

        Assert.Equal("28:bot", reply.From!.Id);
        Assert.Equal("29:user", reply.Recipient!.Id);
        Assert.Equal("a:conv", reply.Conversation!.Id);
        Assert.Equal("in-1", reply.ReplyToId);
        Assert.Null(reply.Id);
        Assert.Null(reply.Timestamp);
        Assert.Null(reply.ServiceUrl);
    }

    private sealed class FixedToken : IChannelTokenProvider
    {
        private int _calls;

        public int Calls => Volatile.Read(ref _calls);

        public Task<string?> GetTokenAsync(CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _calls);
            return Task.FromResult<string?>("channel-token");
        }
    }
}
