using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using CustomerWorkflow.Bot.Protocol;
using CustomerWorkflow.Bot.Protocol.Schema;
using CustomerWorkflow.Core.Engine;
using CustomerWorkflow.Core.People;
using CustomerWorkflow.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CustomerWorkflow.Bot.Tests.Infrastructure;

/// <summary>
/// The production host in-process (the real Program, DI and /api/messages) on a fresh SQLite file with the sample data,
/// a <see cref="FakeChannel"/> on loopback that receives what the bot sends through the real connector client, and,
/// when <c>authenticated</c>, a loopback Bot Framework authority (OpenID metadata, keys, token endpoint) configured
/// through the same flat keys production uses. Stands in for Microsoft.Bot.Builder.Testing. Several hosts may share one
/// channel and one store, as instances of the bot behind one Teams do.
/// </summary>
public sealed class BotTestHost : IAsyncDisposable
{
    public const string TenantId = "tenant-1";
    public const string BotId = "28:customer-workflow-bot";
    public const string AdminUpn = "adam.admin@example.com";

    /// <summary>
    /// Activity ids are unique across every host in the run, as the channel's are: hosts on one store share the
    /// idempotency claims keyed by them, so two hosts counting alike would take each other's turns for redeliveries.
    /// </summary>
    private static long _activityNumber;

    private readonly WebApplicationFactory<Program> _factory;
    private readonly string _folder;
    private readonly bool _ownsChannel;

    private BotTestHost(WebApplicationFactory<Program> factory, FakeChannel channel, bool ownsChannel, ChannelAuthority? authority, LoopbackServer? tokens, string folder)
    {
        _factory = factory;
        Channel = channel;
        _ownsChannel = ownsChannel;
        Authority = authority;
        TokenServer = tokens;
        _folder = folder;
        Client = factory.CreateClient();
    }

    public FakeChannel Channel { get; }

    /// <summary>The loopback authority whose keys sign inbound tokens; null in development (anonymous) mode.</summary>
    public ChannelAuthority? Authority { get; }

    /// <summary>The loopback token endpoint the bot asks for its outbound token; null in development mode.</summary>
    public LoopbackServer? TokenServer { get; }

    public HttpClient Client { get; }

    public string DatabasePath => Path.Combine(_folder, "bot.db");

    public IServiceProvider Services => _factory.Services;

    public ProposalEngine Engine => Services.GetRequiredService<ProposalEngine>();

    public IUserStore Users => Services.GetRequiredService<IUserStore>();

    /// <summary>Waits until the bot's background work (notices, card updates) queued so far is done.</summary>
    public async Task WhenDeliveredAsync() =>
        await Services.GetRequiredService<Conversation.DeliveryQueue>().WhenIdleAsync().WaitAsync(TimeSpan.FromSeconds(30));

    /// <param name="services">Replaces production services after the host's own (a clock, a deduplicator, a recording handler).</param>
    /// <param name="channel">A channel shared with other hosts (left running when this host stops); by default one of its own.</param>
    public static async Task<BotTestHost> StartAsync(bool authenticated = false, IDictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null, FakeChannel? channel = null)
    {
        var folder = Path.Combine(Path.GetTempPath(), "cw-bot-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var ownsChannel = channel is null;
        channel ??= await FakeChannel.StartAsync(https: authenticated);
        ChannelAuthority? authority = null;
        LoopbackServer? tokens = null;
        var config = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            ["Storage:Sqlite:Path"] = Path.Combine(folder, "bot.db"),
            ["Workflow:SampleData"] = "true",
            ["Workflow:Admins"] = AdminUpn,
            // These tests play Teams; the built-in web chat has its own browser test.
            ["WebChat:Enabled"] = "false",
        };
        if (authenticated)
        {
            authority = await ChannelAuthority.StartAsync();
            // One app registration, two audiences: the channel's token, and Graph's for the Graph scope.
            tokens = await LoopbackServer.StartAsync((context, body) => context.Response.WriteAsJsonAsync(new
            {
                access_token = System.Web.HttpUtility.ParseQueryString(body)["scope"] == "https://graph.microsoft.com/.default" ? FakeGraph.DefaultToken : "outbound-token",
                token_type = "Bearer",
                expires_in = 3600,
            }));
            config["MicrosoftAppType"] = "SingleTenant";
            config["MicrosoftAppId"] = ChannelAuthority.AppId;
            config["MicrosoftAppPassword"] = "test-secret";
            config["MicrosoftAppTenantId"] = TenantId;
            config["ToBotFromChannelOpenIdMetadataUrl"] = authority.Server.MetadataUrl;
            config["ToChannelFromBotLoginUrl"] = new Uri(tokens.BaseAddress, TenantId).ToString();
            config["AllowedServiceUrlHosts:100"] = "localhost";
        }

        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            config[key] = value;
        }

        var factory = new Factory(config, services);
        var host = new BotTestHost(factory, channel, ownsChannel, authority, tokens, folder);
        return host;
    }

    /// <summary>A Teams user with a 1:1 chat with the bot; the channel answers member lookups for them.</summary>
    public TestUser User(string aadObjectId, string name, string? upn = null)
    {
        var user = new TestUser(this, aadObjectId, name, upn ?? name.ToLowerInvariant().Replace(' ', '.') + "@example.com");
        Channel.AddMember(new TeamsChannelAccount { Id = user.ChannelId, Name = name, AadObjectId = aadObjectId, UserPrincipalName = user.Upn, Email = user.Upn, TenantId = TenantId });
        return user;
    }

    public TestUser Clerk => User("sample-clerk", "Chloe Clerk");

    public TestUser Approver => User("sample-approver", "Arun Approver");

    public TestUser Finance => User("sample-finance", "Farah Finance");

    public TestUser Admin => User("sample-admin", "Adam Admin");

    public static string NextActivityId() => "act-" + Interlocked.Increment(ref _activityNumber);

    /// <summary>A Teams activity from <paramref name="from"/> in their 1:1 chat.</summary>
    public Activity NewActivity(TestUser from, string type = ActivityTypes.Message) => new()
    {
        Type = type,
        Id = NextActivityId(),
        ChannelId = "msteams",
        ServiceUrl = Channel.ServiceUrl,
        Timestamp = DateTimeOffset.UtcNow,
        From = new ChannelAccount { Id = from.ChannelId, Name = from.Name, AadObjectId = from.AadObjectId },
        Recipient = new ChannelAccount { Id = BotId, Name = "Customer Workflow" },
        Conversation = new ConversationAccount { Id = from.ConversationId, ConversationType = "personal", TenantId = TenantId },
        ChannelData = JsonSerializer.SerializeToElement(new { tenant = new { id = TenantId } }),
        Locale = "en-US",
    };

    /// <summary>A valid channel token for this host's serviceUrl (authenticated hosts only).</summary>
    public string Token() => ChannelAuthority.Token(serviceUrl: Channel.ServiceUrl);

    /// <summary>Posts an activity as the channel does (with a valid token when authenticated, unless one is given).</summary>
    public async Task<HttpResponseMessage> PostAsync(Activity activity, string? authorization = null, bool noAuthorization = false)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/messages")
        {
            Content = JsonContent.Create(activity, options: ProtocolJson.Options),
        };
        if (!noAuthorization && (authorization is not null || Authority is not null))
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization ?? "Bearer " + Token());
        }

        return await Client.SendAsync(request);
    }

    /// <summary>Posts raw bytes to /api/messages (for malformed input).</summary>
    public async Task<HttpResponseMessage> PostRawAsync(HttpContent content, string? authorization = null)
    {
        // Awaited here: disposing the request (and its content) before the send completes would cut the body short.
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/messages") { Content = content };
        if (authorization is not null)
        {
            request.Headers.Authorization = AuthenticationHeaderValue.Parse(authorization);
        }

        return await Client.SendAsync(request);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _factory.DisposeAsync();
        if (_ownsChannel)
        {
            await Channel.DisposeAsync();
        }

        if (Authority is not null)
        {
            await Authority.DisposeAsync();
        }

        if (TokenServer is not null)
        {
            await TokenServer.DisposeAsync();
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open is left for the OS to clean up; the folder is unique to this test.
        }
    }

    internal static JsonObject CardOf(Activity activity) =>
        activity.Attachments?.FirstOrDefault(a => a.ContentType == "application/vnd.microsoft.card.adaptive")?.Content is { } content
            ? JsonNode.Parse(content.GetRawText())!.AsObject()
            : throw new Xunit.Sdk.XunitException($"The message has no Adaptive Card: {activity.Text}");

    private sealed class Factory(IDictionary<string, string?> settings, Action<IServiceCollection>? replace) : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            foreach (var (key, value) in settings)
            {
                builder.UseSetting(key, value);
            }

            builder.ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
            builder.ConfigureTestServices(services =>
            {
                // The only difference from production: these clients also trust the test CA of the loopback servers.
                services.AddHttpClient(BotProtocolServiceCollectionExtensions.ConnectorHttpClient).ConfigurePrimaryHttpMessageHandler(TestTls.CreateTrustingHandler);
                services.AddHttpClient(BotProtocolServiceCollectionExtensions.AuthorityHttpClient).ConfigurePrimaryHttpMessageHandler(TestTls.CreateTrustingHandler);
                services.AddHttpClient(CustomerWorkflow.Bot.Graph.GraphServiceCollectionExtensions.HttpClientName).ConfigurePrimaryHttpMessageHandler(TestTls.CreateTrustingHandler);
                replace?.Invoke(services);
            });
        }
    }
}
