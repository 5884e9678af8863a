namespace CustomerWorkflow.Bot.Protocol.Connector;

/// <summary>
/// One token, kept until <see cref="RenewalMargin"/> before it expires (half its life when that is shorter); concurrent
/// callers share one fetch. Both channel token providers use it.
/// </summary>
internal sealed class RenewingToken(TimeProvider time) : IDisposable
{
    /// <summary>Renew this long before expiry so a token never expires in flight.</summary>
    public static readonly TimeSpan RenewalMargin = TimeSpan.FromMinutes(5);

    private readonly SemaphoreSlim _gate = new(1, 1);
    private (string Token, DateTimeOffset RenewAt)? _cached;

    /// <summary>The cached token, or a new one from <paramref name="fetch"/> (token and when it expires).</summary>
    public async Task<string> GetAsync(Func<CancellationToken, Task<(string Token, DateTimeOffset ExpiresAt)>> fetch, CancellationToken cancellationToken)
    {
        if (Fresh() is { } token)
        {
            return token;
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (Fresh() is { } fetchedMeanwhile)
            {
                return fetchedMeanwhile;
            }

            var (fetched, expiresAt) = await fetch(cancellationToken).ConfigureAwait(false);
            var now = time.GetUtcNow();
            var lifetime = expiresAt - now;
            var renewIn = lifetime > RenewalMargin * 2 ? lifetime - RenewalMargin : lifetime / 2;
            _cached = (fetched, now + renewIn);
            return fetched;
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();

    private string? Fresh() => _cached is { } cached && time.GetUtcNow() < cached.RenewAt ? cached.Token : null;
}
