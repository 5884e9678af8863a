using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CustomerWorkflow.Bot.Protocol.Hosting;

/// <summary>
/// Stops the host at start when it has no app id (anonymous development mode) but listens beyond this machine:
/// without tokens, anyone who can reach the port could act as anyone (BOT-PROTOCOL §2.8).
/// </summary>
internal sealed partial class AnonymousModeGuard(
    BotProtocolOptions options,
    ILogger<AnonymousModeGuard>? logger = null,
    IHostApplicationLifetime? lifetime = null,
    IServer? server = null) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.IsAnonymous && lifetime is not null && server is not null)
        {
            lifetime.ApplicationStarted.Register(Check);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>True when every address is on loopback (<c>localhost</c>, 127.0.0.0/8, ::1).</summary>
    internal static bool AllLoopback(IEnumerable<string> addresses) => addresses.All(IsLoopback);

    private static bool IsLoopback(string address)
    {
        // Kestrel reports bound addresses like http://127.0.0.1:3978 or http://[::]:80; "+" and "*" mean every interface.
        var normalized = address.Replace("://+", "://any-host", StringComparison.Ordinal).Replace("://*", "://any-host", StringComparison.Ordinal);
        if (!Uri.TryCreate(normalized, UriKind.Absolute, out var uri))
        {
            return false;
        }

        return string.Equals(uri.Host, "localhost", StringComparison.OrdinalIgnoreCase)
            || (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));
    }

    private void Check()
    {
        var addresses = server!.Features.Get<IServerAddressesFeature>()?.Addresses;
        if (addresses is null || addresses.Count == 0 || AllLoopback(addresses))
        {
            return;
        }

        var listening = string.Join(", ", addresses);
        if (logger is not null)
        {
            LogRefused(logger, listening);
        }

        // Requests from other machines are refused one by one meanwhile (BotAdapter checks the remote address).
        Environment.ExitCode = 1;
        lifetime!.StopApplication();
    }

    [LoggerMessage(Level = LogLevel.Critical, Message = "No MicrosoftAppId is configured (anonymous development mode), but the bot listens on {Addresses}. Anonymous mode is allowed only on loopback: listen on http://localhost:3978, or configure MicrosoftAppId, MicrosoftAppPassword and MicrosoftAppTenantId. Stopping.")]
    private static partial void LogRefused(ILogger logger, string addresses);
}
