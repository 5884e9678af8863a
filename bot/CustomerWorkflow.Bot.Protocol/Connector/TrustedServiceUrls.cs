using System.Collections.Concurrent;

namespace CustomerWorkflow.Bot.Protocol.Connector;

/// <summary>
/// The serviceUrls that arrived on authenticated activities. The bot's token goes only to these, never to a URL taken
/// from unauthenticated input (BOT-PROTOCOL §3). Stored conversation references can be re-trusted at startup, since
/// each one came from an authenticated activity.
/// </summary>
/// <param name="allowedHosts">When given, only serviceUrls on these hosts (<c>*.</c> for subdomains) are ever trusted.</param>
public sealed class TrustedServiceUrls(IEnumerable<string>? allowedHosts = null)
{
    private readonly ConcurrentDictionary<string, byte> _urls = new(StringComparer.OrdinalIgnoreCase);
    private readonly string[]? _allowedHosts = allowedHosts?.Select(h => h.Trim().ToLowerInvariant()).Where(h => h.Length > 0).ToArray();

    /// <summary>Trusts a serviceUrl that arrived on an authenticated activity; false when its host is not allowed.</summary>
    public bool Trust(string serviceUrl)
    {
        if (!IsAllowedHost(serviceUrl))
        {
            return false;
        }

        _urls.TryAdd(Normalize(serviceUrl), 0);
        return true;
    }

    public bool IsAllowedHost(string serviceUrl)
    {
        if (!Uri.TryCreate(serviceUrl, UriKind.Absolute, out var uri))
        {
            return false;
        }

        if (_allowedHosts is null)
        {
            return true;
        }

        var host = uri.Host.ToLowerInvariant();
        foreach (var allowed in _allowedHosts)
        {
            if (allowed.StartsWith("*.", StringComparison.Ordinal)
                ? host.EndsWith(allowed[1..], StringComparison.Ordinal)
                : host == allowed)
            {
                return true;
            }
        }

        return false;
    }

    public bool IsTrusted(string serviceUrl) => _urls.ContainsKey(Normalize(serviceUrl));

    private static string Normalize(string serviceUrl) => serviceUrl.TrimEnd('/');
}
