using System.Net.Http.Json;
using System.Text.Json.Serialization;

namespace CustomerWorkflow.Bot.Protocol.Connector;

/// <summary>
/// Gives the bearer token the bot presents to the channel (or, built for another <see cref="TokenAudience"/>, to
/// Microsoft Graph); null in anonymous development mode.
/// </summary>
public interface IChannelTokenProvider
{
    Task<string?> GetTokenAsync(CancellationToken cancellationToken);
}

/// <summary>
/// OAuth 2.0 client credentials against <c>{login url}/oauth2/v2.0/token</c> with scope <c>{oauth scope}/.default</c>
/// (BOT-PROTOCOL §3), cached until shortly before it expires. Concurrent callers share one request. Another
/// <see cref="TokenAudience"/> gets a token for another resource (Microsoft Graph) with the same app secret.
/// </summary>
public sealed class ClientCredentialsTokenProvider : IChannelTokenProvider, IDisposable
{
    /// <summary>Renew this long before expiry so a token never expires in flight.</summary>
    public static readonly TimeSpan RenewalMargin = RenewingToken.RenewalMargin;

    private readonly HttpClient _http;
    private readonly BotProtocolOptions _options;
    private readonly TokenAudience _audience;
    private readonly TimeProvider _time;
    private readonly RenewingToken _token;

    /// <param name="audience">What the token is for; the channel (BOT-PROTOCOL §3) when not given.</param>
    public ClientCredentialsTokenProvider(HttpClient http, BotProtocolOptions options, TimeProvider? time = null, TokenAudience? audience = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _http = http;
        _options = options;
        _audience = audience ?? TokenAudience.Channel(options);
        _time = time ?? TimeProvider.System;
        _token = new RenewingToken(_time);
        if (!options.IsAnonymous && !_audience.LoginUrl.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
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

        return await _token.GetAsync(async ct =>
        {
            var response = await RequestAsync(ct).ConfigureAwait(false);
            return (response.AccessToken!, _time.GetUtcNow() + TimeSpan.FromSeconds(Math.Max(0, response.ExpiresIn)));
        }, cancellationToken).ConfigureAwait(false);
    }

    public void Dispose() => _token.Dispose();

    private async Task<TokenResponse> RequestAsync(CancellationToken cancellationToken)
    {
        using var content = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = _options.MicrosoftAppId!,
            ["client_secret"] = _options.MicrosoftAppPassword ?? string.Empty,
            ["scope"] = _audience.Scope,
        });
        using var response = await _http.PostAsync(new Uri(_audience.LoginUrl.TrimEnd('/') + "/oauth2/v2.0/token"), content, cancellationToken)
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
