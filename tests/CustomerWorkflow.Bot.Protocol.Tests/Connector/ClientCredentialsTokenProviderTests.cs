using System.Text.Json.Nodes;
using CustomerWorkflow.Bot.Protocol.Connector;
using CustomerWorkflow.Testing;
using Microsoft.AspNetCore.Http;

namespace CustomerWorkflow.Bot.Protocol.Tests.Connector;

public sealed class ClientCredentialsTokenProviderTests : IAsyncLifetime, IDisposable
{
    private const string Secret = "s3cret-value";
    private LoopbackServer _server = null!;
    private readonly HttpClient _http = new(TestTls.CreateTrustingHandler());
    private int _issued;
    private int _status = StatusCodes.Status200OK;

    public async Task InitializeAsync()
    {
        _server = await LoopbackServer.StartAsync(async (context, _) =>
        {
            context.Response.StatusCode = _status;
            if (_status == StatusCodes.Status200OK)
            {
                var n = Interlocked.Increment(ref _issued);
                await context.Response.WriteAsync(new JsonObject
                {
                    ["token_type"] = "Bearer",
                    ["expires_in"] = 3599,
                    ["access_token"] = $"token-{n}",
                }.ToJsonString());
            }
            else
            {
                await context.Response.WriteAsync($$"""{"error":"invalid_client","echo":"{{Secret}}"}""");
            }
        });
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    public void Dispose() => _http.Dispose();

    private BotProtocolOptions Options() => new()
    {
        MicrosoftAppType = "SingleTenant",
        MicrosoftAppId = "app-id",
        MicrosoftAppPassword = Secret,
        MicrosoftAppTenantId = "tenant-1",
        ToChannelFromBotLoginUrl = new Uri(_server.BaseAddress, "tenant-1").ToString(),
    };

    [Fact]
    public async Task GetToken_PostsClientCredentialsForTheBotFrameworkScope()
    {
        using var provider = new ClientCredentialsTokenProvider(_http, Options());

        var token = await provider.GetTokenAsync(CancellationToken.None);

        Assert.Equal("token-1", token);
        var request = Assert.Single(_server.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal("/tenant-1/oauth2/v2.0/token", request.RawTarget);
        var form = System.Web.HttpUtility.ParseQueryString(request.Body);
        Assert.Equal("client_credentials", form["grant_type"]);
        Assert.Equal("app-id", form["client_id"]);
        Assert.Equal(Secret, form["client_secret"]);
        Assert.Equal("https://api.botframework.com/.default", form["scope"]);
    }

    [Fact]
    public async Task GetToken_ForAnotherAudience_AsksItsScopeAtItsTenant_WithTheSameSecret()
    {
        var graph = new TokenAudience("https://graph.microsoft.com/.default", new Uri(_server.BaseAddress, "customer-tenant").ToString(), "customer-tenant");
        using var provider = new ClientCredentialsTokenProvider(_http, Options(), audience: graph);

        Assert.Equal("token-1", await provider.GetTokenAsync(CancellationToken.None));

        var request = Assert.Single(_server.Requests);
        Assert.Equal("/customer-tenant/oauth2/v2.0/token", request.RawTarget);
        var form = System.Web.HttpUtility.ParseQueryString(request.Body);
        Assert.Equal("app-id", form["client_id"]);
        Assert.Equal(Secret, form["client_secret"]);
        Assert.Equal("https://graph.microsoft.com/.default", form["scope"]);
    }

    [Fact]
    public void PlainHttpLoginUrl_ForAnotherAudience_IsRefused()
    {
        var graph = new TokenAudience("https://graph.microsoft.com/.default", "http://login.example/tenant-1", null);

        Assert.Throws<ArgumentException>(() => new ClientCredentialsTokenProvider(_http, Options(), audience: graph));
    }

    [Fact]
    public async Task GetToken_IsCachedUntilShortlyBeforeExpiry()
    {
        var time = new ManualTime(DateTimeOffset.UtcNow);
        using var provider = new ClientCredentialsTokenProvider(_http, Options(), time);

        Assert.Equal("token-1", await provider.GetTokenAsync(CancellationToken.None));
        time.Advance(TimeSpan.FromMinutes(50));
        Assert.Equal("token-1", await provider.GetTokenAsync(CancellationToken.None));
        time.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal("token-2", await provider.GetTokenAsync(CancellationToken.None));

        Assert.Equal(2, _server.Requests.Count);
    }

    [Fact]
    public async Task GetToken_ConcurrentCallers_ShareOneRequest()
    {
        using var provider = new ClientCredentialsTokenProvider(_http, Options());

        var tokens = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => provider.GetTokenAsync(CancellationToken.None)));

        Assert.All(tokens, token => Assert.Equal("token-1", token));
        Assert.Single(_server.Requests);
    }

    [Fact]
    public async Task GetToken_WhenRefused_ThrowsWithoutEchoingTheResponse()
    {
        _status = StatusCodes.Status401Unauthorized;
        using var provider = new ClientCredentialsTokenProvider(_http, Options());

        var exception = await Assert.ThrowsAsync<ChannelTokenException>(() => provider.GetTokenAsync(CancellationToken.None));

        Assert.Contains("401", exception.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnonymousMode_HasNoToken_AndAsksNobody()
    {
        using var provider = new ClientCredentialsTokenProvider(_http, new BotProtocolOptions());

        Assert.Null(await provider.GetTokenAsync(CancellationToken.None));
        Assert.Empty(_server.Requests);
    }

    [Fact]
    public void PlainHttpLoginUrl_IsRefused()
    {
        var options = Options();
        options.ToChannelFromBotLoginUrl = "http://login.example/tenant-1";

        Assert.Throws<ArgumentException>(() => new ClientCredentialsTokenProvider(_http, options));
    }
}
