using System.Collections.Concurrent;

namespace CustomerWorkflow.Bot.Protocol.Connector;

/// <summary>
/// The serviceUrls that arrived on authenticated activities. The bot's token goes only to these, never to a URL taken
/// from unauthenticated input (BOT-PROTOCOL §3). Stored conversation references can be re-trusted at startup, since
/// each one came from an authenticated activity.
/// </summary>
public sealed class TrustedServiceUrls
{
    private readonly ConcurrentDictionary<string, byte> _urls = new(StringComparer.OrdinalIgnoreCase);

    public void Trust(string serviceUrl) => _urls.TryAdd(Normalize(serviceUrl), 0);

    public bool IsTrusted(string serviceUrl) => _urls.ContainsKey(Normalize(serviceUrl));

    private static string Normalize(string serviceUrl) => serviceUrl.TrimEnd('/');
}
