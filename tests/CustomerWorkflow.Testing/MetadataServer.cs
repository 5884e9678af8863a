using System.Net;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.Tokens;

namespace CustomerWorkflow.Testing;

/// <summary>
/// A Bot Framework authority on loopback over HTTPS: OpenID metadata at /.well-known/openidconfiguration, the key
/// set at /keys. Counts the hits, and can hold the metadata answer until the test lets it go.
/// </summary>
public sealed class MetadataServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Lock _gate = new();
    private readonly List<JsonObject> _keys = [];
    private int _metadataHits;
    private int _keysHits;

    private MetadataServer(WebApplication app) => _app = app;

    public Uri BaseAddress { get; private set; } = null!;

    public string MetadataUrl => new Uri(BaseAddress, "/.well-known/openidconfiguration").ToString();

    public int MetadataHits => Volatile.Read(ref _metadataHits);

    public int KeysHits => Volatile.Read(ref _keysHits);

    /// <summary>When set, the metadata document names this as its jwks_uri instead of the server's own /keys.</summary>
    public string? JwksUriOverride { get; set; }

    /// <summary>When set, the metadata endpoint waits for it before answering.</summary>
    public TaskCompletionSource? HoldMetadata { get; set; }

    /// <summary>Completes when the metadata endpoint is first reached while held.</summary>
    public TaskCompletionSource MetadataReached { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public static async Task<MetadataServer> StartAsync()
    {
        var app = LoopbackApp.Create();
        var server = new MetadataServer(app);

        app.MapGet("/.well-known/openidconfiguration", async context =>
        {
            Interlocked.Increment(ref server._metadataHits);
            if (server.HoldMetadata is { } hold)
            {
                server.MetadataReached.TrySetResult();
                await hold.Task.ConfigureAwait(false);
            }

            await Results.Json(new JsonObject
            {
                ["issuer"] = "https://api.botframework.com",
                ["jwks_uri"] = server.JwksUriOverride ?? new Uri(server.BaseAddress, "/keys").ToString(),
                ["id_token_signing_alg_values_supported"] = new JsonArray("RS256"),
            }).ExecuteAsync(context).ConfigureAwait(false);
        });
        app.MapGet("/keys", () =>
        {
            Interlocked.Increment(ref server._keysHits);
            lock (server._gate)
            {
                return Results.Json(new JsonObject { ["keys"] = new JsonArray([.. server._keys.Select(k => k.DeepClone())]) });
            }
        });

        await app.StartAsync().ConfigureAwait(false);
        var port = LoopbackApp.Port(app);
        server.BaseAddress = new Uri($"https://localhost:{port}/");
        return server;
    }

    /// <summary>Publishes the public half of <paramref name="key"/> under <paramref name="kid"/>.</summary>
    public void PublishKey(RSA key, string kid, params string[] endorsements)
    {
        var parameters = key.ExportParameters(false);
        var jwk = new JsonObject
        {
            ["kty"] = "RSA",
            ["use"] = "sig",
            ["kid"] = kid,
            ["n"] = Base64UrlEncoder.Encode(parameters.Modulus),
            ["e"] = Base64UrlEncoder.Encode(parameters.Exponent),
            ["endorsements"] = new JsonArray([.. endorsements.Select(e => JsonValue.Create(e))]),
        };
        lock (_gate)
        {
            _keys.Add(jwk);
        }
    }

    public async ValueTask DisposeAsync()
    {
        HoldMetadata?.TrySetResult();
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }
}
