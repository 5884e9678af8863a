using CustomerWorkflow.Bot.Hosting;
using CustomerWorkflow.Bot.Protocol;
using CustomerWorkflow.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace CustomerWorkflow.LoadTest;

/// <summary>
/// The production bot host (<see cref="BotHost"/>'s wiring, unchanged) on Kestrel over loopback, in authenticated mode
/// against a loopback authority (OpenID metadata and keys, token endpoint), on a fresh SQLite file with the sample
/// data, answering to a <see cref="LeanConnector"/>. The one difference from production: the connector and authority
/// HttpClients also trust the test CA, as in the conversational tests.
/// </summary>
internal sealed class LoadTestHost : IAsyncDisposable
{
    public const string TenantId = "tenant-1";
    public const string OutboundToken = "outbound-token";

    private readonly string _folder;

    private LoadTestHost(WebApplication app, ChannelAuthority authority, LoopbackServer tokens, LeanConnector connector, string folder, Uri messages)
    {
        App = app;
        Authority = authority;
        Tokens = tokens;
        Connector = connector;
        _folder = folder;
        MessagesUrl = messages;
    }

    public WebApplication App { get; }

    public ChannelAuthority Authority { get; }

    public LoopbackServer Tokens { get; }

    public LeanConnector Connector { get; }

    public Uri MessagesUrl { get; }

    public static async Task<LoadTestHost> StartAsync(IReadOnlyDictionary<string, string?> extraSettings)
    {
        var folder = Path.Combine(Path.GetTempPath(), "cw-load-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var connector = await LeanConnector.StartAsync();
        var authority = await ChannelAuthority.StartAsync();
        var tokens = await LoopbackServer.StartAsync((context, _) =>
            context.Response.WriteAsJsonAsync(new { access_token = OutboundToken, token_type = "Bearer", expires_in = 3600 }));

        var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            ["Storage:Sqlite:Path"] = Path.Combine(folder, "bot.db"),
            ["Workflow:SampleData"] = "true",
            ["MicrosoftAppType"] = "SingleTenant",
            ["MicrosoftAppId"] = ChannelAuthority.AppId,
            ["MicrosoftAppPassword"] = "load-test-secret",
            ["MicrosoftAppTenantId"] = TenantId,
            ["ToBotFromChannelOpenIdMetadataUrl"] = authority.Server.MetadataUrl,
            ["ToChannelFromBotLoginUrl"] = new Uri(tokens.BaseAddress, TenantId).ToString(),
            ["AllowedServiceUrlHosts:100"] = "localhost",
        };
        foreach (var (key, value) in extraSettings)
        {
            settings[key] = value;
        }

        var (app, baseUrl) = await KestrelBotHost.StartAsync(settings);
        return new LoadTestHost(app, authority, tokens, connector, folder, new Uri(baseUrl, "/api/messages"));
    }

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
        await Connector.DisposeAsync();
        await Authority.DisposeAsync();
        await Tokens.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open is left for the OS; the folder is unique to this run.
        }
    }
}
