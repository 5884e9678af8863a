using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using CustomerWorkflow.Storage.Cosmos;
using Microsoft.Azure.Cosmos;

namespace CustomerWorkflow.Testing;

/// <summary>
/// A Cosmos DB API server on loopback for the tests (npm <c>@vercel/cosmosdb-server</c>, installed from the repository's
/// package-lock.json), and a <see cref="CosmosClient"/> for it that trusts its self-signed certificate for that one
/// endpoint only. Clients are made as the product makes them (<see cref="CosmosConnection"/>): gateway mode and
/// LimitToEndpoint on loopback, as the server needs.
/// </summary>
public sealed class CosmosServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly X509Certificate2 _certificate;

    private CosmosServer(Process process, int port, X509Certificate2 certificate)
    {
        _process = process;
        _certificate = certificate;
        Endpoint = new Uri($"https://localhost:{port}/");
        Client = CreateClient();
    }

    public Uri Endpoint { get; }

    public CosmosClient Client { get; }

    /// <summary>The server takes any key; the SDK wants it base64.</summary>
    public static string Key { get; } = Convert.ToBase64String("loopback-test-key"u8);

    /// <summary>
    /// A client of its own, as a second bot instance would have. <paramref name="wrap"/> may put a handler in front of
    /// the connection (to inject faults).
    /// </summary>
    public CosmosClient CreateClient(Func<HttpMessageHandler, HttpMessageHandler>? wrap = null) =>
        CosmosConnection.CreateClient(Endpoint, Key, null, () => new HttpClient(wrap is null ? TrustingHandler() : wrap(TrustingHandler())));

    /// <summary>A handler that trusts only this server's own certificate, and only on loopback.</summary>
    public HttpClientHandler TrustingHandler() => new()
    {
        ServerCertificateCustomValidationCallback = (request, presented, _, _) =>
            request.RequestUri is { IsLoopback: true } && presented is not null && presented.Thumbprint == _certificate.Thumbprint,
    };

    public static async Task<CosmosServer> StartAsync()
    {
        var root = RepositoryRoot();
        var package = Path.Combine(root, "node_modules", "@vercel", "cosmosdb-server");
        if (!File.Exists(Path.Combine(package, "lib", "cli.js")))
        {
            throw new InvalidOperationException("The Cosmos test server is missing: run `npm ci` at the repository root (Node.js and npm are needed).");
        }

        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();

        var start = new ProcessStartInfo("node") { WorkingDirectory = root, RedirectStandardOutput = true, RedirectStandardError = true };
        // The package's server with one correction (a read of a missing document answers 404): see the script.
        start.ArgumentList.Add(Path.Combine(root, "tests", "js", "cosmos-server.cjs"));
        start.ArgumentList.Add("-p");
        start.ArgumentList.Add(port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var process = Process.Start(start) ?? throw new InvalidOperationException("node did not start");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
                break;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline && !process.HasExited)
            {
                await Task.Delay(100);
            }
        }

        var certificate = X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(package, "cert.pem")));
        return new CosmosServer(process, port, certificate);
    }

    public ValueTask DisposeAsync()
    {
        Client.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
        return ValueTask.CompletedTask;
    }

    private static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "CustomerWorkflow.Bot.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException("The repository root is not above " + AppContext.BaseDirectory);
    }
}
