using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.IdentityModel.Tokens;

namespace CustomerWorkflow.Bot.Protocol.Authentication;

/// <summary>A channel signing key and the channels it is endorsed for.</summary>
public sealed record SigningKey(SecurityKey Key, IReadOnlyCollection<string> Endorsements);

/// <summary>
/// The Bot Framework's signing keys: OpenID metadata, then its <c>jwks_uri</c>, both over HTTPS. Cached; refreshed
/// after <see cref="SigningKeyCacheOptions.RefreshInterval"/>, and on an unknown <c>kid</c> at most once per
/// <see cref="SigningKeyCacheOptions.MinimumRefreshInterval"/>, so a flood of forged kids cannot hammer the authority.
/// Concurrent callers share one fetch. When a fetch fails the keys already held keep serving.
/// </summary>
public sealed partial class SigningKeyCache
{
    private readonly HttpClient _http;
    private readonly Uri _metadataUrl;
    private readonly SigningKeyCacheOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private KeySet? _keys;
    private Task<KeySet?>? _pending;
    private DateTimeOffset _lastAttempt = DateTimeOffset.MinValue;

    public SigningKeyCache(
        HttpClient http,
        string metadataUrl,
        SigningKeyCacheOptions? options = null,
        TimeProvider? time = null,
        ILogger<SigningKeyCache>? logger = null)
    {
        _http = http;
        _metadataUrl = Uri.TryCreate(metadataUrl, UriKind.Absolute, out var url) && url.Scheme == Uri.UriSchemeHttps
            ? url
            : throw new ArgumentException("The OpenID metadata URL must be an absolute https URL.", nameof(metadataUrl));
        _options = options ?? new SigningKeyCacheOptions();
        _time = time ?? TimeProvider.System;
        _logger = logger ?? (ILogger)NullLogger.Instance;
    }

    /// <summary>The key with this id, refreshing when the keys are old or the id is unknown; null when there is none.</summary>
    public async Task<SigningKey?> GetKeyAsync(string keyId, CancellationToken cancellationToken)
    {
        var keys = Volatile.Read(ref _keys);
        if (keys is null || _time.GetUtcNow() - keys.FetchedAt >= _options.RefreshInterval)
        {
            keys = await RefreshAsync(rateLimited: keys is not null, cancellationToken).ConfigureAwait(false) ?? keys;
        }

        if (keys is not null && keys.Keys.TryGetValue(keyId, out var key))
        {
            return key;
        }

        // An unknown kid: the channel may have rotated its keys. Look once, within the rate limit.
        keys = await RefreshAsync(rateLimited: true, cancellationToken).ConfigureAwait(false);
        return keys is not null && keys.Keys.TryGetValue(keyId, out key) ? key : null;
    }

    private Task<KeySet?> RefreshAsync(bool rateLimited, CancellationToken cancellationToken)
    {
        TaskCompletionSource<KeySet?> fetch;
        lock (_gate)
        {
            if (_pending is not null)
            {
                return _pending.WaitAsync(cancellationToken);
            }

            var now = _time.GetUtcNow();
            if (rateLimited && now - _lastAttempt < _options.MinimumRefreshInterval)
            {
                return Task.FromResult(_keys);
            }

            _lastAttempt = now;
            fetch = new TaskCompletionSource<KeySet?>(TaskCreationOptions.RunContinuationsAsynchronously);
            _pending = fetch.Task;
        }

        // The fetch belongs to every waiter, so one caller's cancellation must not end it.
        _ = FetchAndStoreAsync(fetch);
        return fetch.Task.WaitAsync(cancellationToken);
    }

    private async Task FetchAndStoreAsync(TaskCompletionSource<KeySet?> fetch)
    {
        KeySet? result;
        try
        {
            var fetched = await FetchAsync().ConfigureAwait(false);
            Volatile.Write(ref _keys, fetched);
            LogRefreshed(_logger, fetched.Keys.Count);
            result = fetched;
        }
        catch (Exception exception) when (exception is HttpRequestException or JsonException or InvalidDataException
            or TaskCanceledException or FormatException or CryptographicException)
        {
            LogRefreshFailed(_logger, exception);
            result = Volatile.Read(ref _keys);
        }

        lock (_gate)
        {
            _pending = null;
        }

        fetch.SetResult(result);
    }

    private async Task<KeySet> FetchAsync()
    {
        using var metadata = await GetJsonAsync(_metadataUrl).ConfigureAwait(false);
        if (!metadata.RootElement.TryGetProperty("jwks_uri", out var jwksUri) || jwksUri.ValueKind != JsonValueKind.String)
        {
            throw new InvalidDataException("The OpenID metadata has no jwks_uri.");
        }

        using var jwks = await GetJsonAsync(RequireHttps(jwksUri.GetString()!, "jwks_uri")).ConfigureAwait(false);
        if (!jwks.RootElement.TryGetProperty("keys", out var keyArray) || keyArray.ValueKind != JsonValueKind.Array)
        {
            throw new InvalidDataException("The key set has no keys.");
        }

        var keys = new Dictionary<string, SigningKey>(StringComparer.Ordinal);
        foreach (var jwk in keyArray.EnumerateArray())
        {
            if (ToSigningKey(jwk) is { } key && key.Key.KeyId is { } kid)
            {
                keys[kid] = key;
            }
        }

        return new KeySet(keys, _time.GetUtcNow());
    }

    private async Task<JsonDocument> GetJsonAsync(Uri url)
    {
        using var response = await _http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        var stream = await response.Content.ReadAsStreamAsync().ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            return await JsonDocument.ParseAsync(stream).ConfigureAwait(false);
        }
    }

    private static SigningKey? ToSigningKey(JsonElement jwk)
    {
        if (jwk.ValueKind != JsonValueKind.Object
            || GetString(jwk, "kty") != "RSA"
            || GetString(jwk, "kid") is not { Length: > 0 } kid
            || (GetString(jwk, "use") is { } use && use != "sig"))
        {
            return null;
        }

        SecurityKey key;
        if (GetString(jwk, "n") is { } n && GetString(jwk, "e") is { } e)
        {
            key = new RsaSecurityKey(new RSAParameters
            {
                Modulus = Base64UrlEncoder.DecodeBytes(n),
                Exponent = Base64UrlEncoder.DecodeBytes(e),
            })
            { KeyId = kid };
        }
        else if (jwk.TryGetProperty("x5c", out var chain) && chain.ValueKind == JsonValueKind.Array
            && chain.GetArrayLength() > 0 && chain[0].GetString() is { } certificate)
        {
            key = new X509SecurityKey(X509CertificateLoader.LoadCertificate(Convert.FromBase64String(certificate)), kid);
        }
        else
        {
            return null;
        }

        var endorsements = new List<string>();
        if (jwk.TryGetProperty("endorsements", out var list) && list.ValueKind == JsonValueKind.Array)
        {
            endorsements.AddRange(list.EnumerateArray()
                .Where(item => item.ValueKind == JsonValueKind.String)
                .Select(item => item.GetString()!));
        }

        return new SigningKey(key, endorsements);
    }

    private static string? GetString(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static Uri RequireHttps(string url, string what)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttps)
        {
            throw new InvalidDataException($"The {what} must be an absolute https URL.");
        }

        return uri;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Channel signing keys refreshed: {Count} keys")]
    private static partial void LogRefreshed(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Channel signing keys could not be refreshed; the keys held keep serving")]
    private static partial void LogRefreshFailed(ILogger logger, Exception exception);

    private sealed record KeySet(IReadOnlyDictionary<string, SigningKey> Keys, DateTimeOffset FetchedAt);
}

public sealed class SigningKeyCacheOptions
{
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromHours(24);

    public TimeSpan MinimumRefreshInterval { get; set; } = TimeSpan.FromMinutes(5);
}
