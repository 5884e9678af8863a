using System.Net.Http.Json;
using System.Text.Json.Serialization;

namespace CustomerWorkflow.Bot.Protocol.Connector;

/// <summary>Gives the bearer token the bot presents to the channel; null in anonymous development mode.</summary>
public interface IChannelTokenProvider
{
    Task<string?> GetTokenAsync(CancellationToken cancellationToken);
}

/// <summary>
/// OAuth 2.0 client credentials against <c>{login url}/oauth2/v2.0/token</c> with scope <c>{oauth scope}/.default</c>
/// (BOT-PROTOCOL §3), cached until shortly before it expires. Concurrent callers share one request.
/// </summary>
public sealed class ClientCredentialsTokenProvider : IChannelTokenProvider, IDisposable
{
    /// <summary>Renew this long before expiry so a token never expires in flight.</summary>
    public static readonly TimeSpan RenewalMargin = TimeSpan.FromMinutes(5);

    private readonly HttpClient _http;
    private readonly BotProtocolOptions _options;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private (string Token, DateTimeOffset RenewAt)? _cached;

    public ClientCredentialsTokenProvider(HttpClient http, BotProtocolOptions options, TimeProvider? time = null)
    {
        _http = http;
        _options = options;
        _time = time ?? TimeProvider.System;
        if (!options.IsAnonymous && !options.EffectiveLoginUrl.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException("The login URL must be https.", nameof(options));
        }
    }

    public async Task<string?> GetTokenAsync(CancellationToken cancellationToken)
    {
        if (_options.IsAnonymous)
        {
            return null;
        }

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

            var response = await RequestAsync(cancellationToken).ConfigureAwait(false);
            var lifetime = TimeSpan.FromSeconds(Math.Max(0, response.ExpiresIn));
            var renewIn = lifetime > RenewalMargin * 2 ? lifetime - RenewalMargin : lifetime / 2;
            _cached = (response.AccessToken!, _time.GetUtcNow() + renewIn);
            return response.AccessToken;
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();

    private string? Fresh() => _cached is { } cached && _time.GetUtcNow() < cached.RenewAt ? cached.Token : null;

    private async Task<TokenResponse> RequestAsync(CancellationToken cancellationToken)
    {
        using var content = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = _options.MicrosoftAppId!,
            ["client_secret"] = _options.MicrosoftAppPassword ?? string.Empty,
            ["scope"] = _options.ToChannelFromBotOAuthScope.TrimEnd('/') + "/.default",
        });
        using var response = await _http.PostAsync(new Uri(_options.EffectiveLoginUrl + "/oauth2/v2.0/token"), content, cancellationToken)
            .ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            // The body may echo request details; the status is enough to act on and safe to log.
            throw new ChannelTokenException($"The token endpoint answered {(int)response.StatusCode}.");
        }

        var token = await response.Content.ReadFromJsonAsync<TokenResponse>(cancellationToken).ConfigureAwait(false);
        if (token is null || string.IsNullOrEmpty(token.AccessToken))
        {
            throw new ChannelTokenException("The token endpoint answered without an access_token.");
        }

        return token;
    }

    private sealed record TokenResponse(
        [property: JsonPropertyName("access_token")] string? AccessToken,
        [property: JsonPropertyName("expires_in")] long ExpiresIn);
}

public sealed class ChannelTokenException(string message) : Exception(message);
