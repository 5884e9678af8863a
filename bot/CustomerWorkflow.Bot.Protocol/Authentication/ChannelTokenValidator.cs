using System.Collections.Concurrent;
using System.IdentityModel.Tokens.Jwt;
using System.Security.Claims;
using CustomerWorkflow.Bot.Protocol.Connector;
using CustomerWorkflow.Bot.Protocol.Schema;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.IdentityModel.Tokens;

namespace CustomerWorkflow.Bot.Protocol.Authentication;

/// <summary>
/// Checks the bearer token the channel sends with each activity (BOT-PROTOCOL §2). Written against IdentityModel
/// 6.8.0, which predates the JWE decompression fix (CVE-2024-21319): only compact JWS is parsed, never JWE, and no
/// decryption key is ever configured. Tokens are never logged.
/// </summary>
public sealed partial class ChannelTokenValidator
{
    /// <summary>Far above any real channel token; stops oversized input before any parsing.</summary>
    public const int MaximumTokenLength = 16 * 1024;

    /// <summary>How many validated tokens are remembered; the channel reuses one token for many activities until it nears expiry.</summary>
    public const int ValidatedTokenCapacity = 1024;

    private readonly ConcurrentDictionary<string, ValidatedToken> _validated = new(StringComparer.Ordinal);

    private readonly BotProtocolOptions _options;
    private readonly SigningKeyCache _keys;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly TrustedServiceUrls? _trusted;

    public ChannelTokenValidator(
        BotProtocolOptions options,
        SigningKeyCache keys,
        TimeProvider? time = null,
        ILogger<ChannelTokenValidator>? logger = null,
        TrustedServiceUrls? trusted = null)
    {
        _options = options;
        _keys = keys;
        _trusted = trusted;
        _time = time ?? TimeProvider.System;
        _logger = logger ?? (ILogger)NullLogger.Instance;
    }

    /// <summary>Checks the <c>Authorization</c> header value against the activity it came with.</summary>
    public async Task<BotAuthenticationResult> AuthenticateAsync(
        string? authorizationHeader,
        Activity activity,
        CancellationToken cancellationToken)
    {
        var result = await ValidateAsync(authorizationHeader, activity, cancellationToken).ConfigureAwait(false);
        if (result.Succeeded && !result.IsAnonymous && _trusted is not null && !_trusted.IsAllowedHost(activity.ServiceUrl!))
        {
            result = BotAuthenticationResult.Fail("the activity's serviceUrl host is not in AllowedServiceUrlHosts");
        }

        if (!result.Succeeded)
        {
            LogRefused(_logger, result.FailureReason!);
        }
        else if (!result.IsAnonymous)
        {
            // The serviceurl claim matched, so this URL is the channel's own: replies there may carry the bot's token.
            _trusted?.Trust(activity.ServiceUrl!);
        }

        return result;
    }

    private async Task<BotAuthenticationResult> ValidateAsync(
        string? authorizationHeader,
        Activity activity,
        CancellationToken cancellationToken)
    {
        if (_options.IsAnonymous)
        {
            // No app id: development without tokens (§2.8). Nothing here can be verified, so nothing is trusted.
            return BotAuthenticationResult.Anonymous();
        }

        if (string.IsNullOrWhiteSpace(authorizationHeader))
        {
            return BotAuthenticationResult.Fail("no Authorization header");
        }

        const string scheme = "Bearer ";
        if (!authorizationHeader.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
        {
            return BotAuthenticationResult.Fail("the Authorization scheme is not Bearer");
        }

        var token = authorizationHeader[scheme.Length..].Trim();
        if (token.Length == 0 || token.Length > MaximumTokenLength)
        {
            return BotAuthenticationResult.Fail("the bearer token is empty or too long");
        }

        // Compact JWS has exactly three segments; a five-segment JWE is refused before anything parses it.
        if (token.AsSpan().Count('.') != 2)
        {
            return BotAuthenticationResult.Fail("the bearer token is not a compact JWS");
        }

        if (_validated.TryGetValue(token, out var known))
        {
            if (await RecheckAsync(known, activity, cancellationToken).ConfigureAwait(false) is { } result)
            {
                return result;
            }

            // Its key was rotated away or replaced on a refresh: forget it and validate from scratch.
            _validated.TryRemove(KeyValuePair.Create(token, known));
        }

        var handler = new JwtSecurityTokenHandler { MapInboundClaims = false };
        JwtSecurityToken unverified;
        try
        {
            unverified = handler.ReadJwtToken(token);
        }
        catch (ArgumentException)
        {
            return BotAuthenticationResult.Fail("the bearer token is not a JWT");
        }

        if (!TokenRules.AllowedAlgorithms.Contains(unverified.Header.Alg, StringComparer.Ordinal))
        {
            return BotAuthenticationResult.Fail("the token's algorithm is not RS256, RS384 or RS512");
        }

        if (string.IsNullOrEmpty(unverified.Header.Kid))
        {
            return BotAuthenticationResult.Fail("the token names no signing key");
        }

        if (string.IsNullOrWhiteSpace(activity.ChannelId))
        {
            return BotAuthenticationResult.Fail("the activity has no channelId");
        }

        var signingKey = await _keys.GetKeyAsync(unverified.Header.Kid, cancellationToken).ConfigureAwait(false);
        if (signingKey is null)
        {
            return BotAuthenticationResult.Fail("the token's signing key is unknown");
        }

        if (!signingKey.Endorsements.Contains(activity.ChannelId, StringComparer.Ordinal))
        {
            return BotAuthenticationResult.Fail("the signing key is not endorsed for the activity's channel");
        }

        var parameters = TokenRules.Parameters([_options.ToBotFromChannelTokenIssuer], [_options.MicrosoftAppId!], signingKey.Key, _time);

        ClaimsPrincipal principal;
        SecurityToken validatedToken;
        try
        {
            principal = handler.ValidateToken(token, parameters, out validatedToken);
        }
        catch (SecurityTokenException exception)
        {
            return BotAuthenticationResult.Fail($"the token did not validate ({exception.GetType().Name})");
        }
        catch (ArgumentException exception)
        {
            return BotAuthenticationResult.Fail($"the token did not validate ({exception.GetType().Name})");
        }

        var identity = (ClaimsIdentity)principal.Identity!;
        var serviceUrl = identity.FindFirst("serviceurl")?.Value;
        if (!ServiceUrlMatches(serviceUrl, activity))
        {
            return BotAuthenticationResult.Fail("the token's serviceurl claim does not match the activity's serviceUrl");
        }

        Remember(token, new ValidatedToken(unverified.Header.Kid, signingKey.Key, validatedToken.ValidFrom, validatedToken.ValidTo, serviceUrl!, identity));
        return BotAuthenticationResult.Success(identity.Clone());
    }

    /// <summary>
    /// A token already validated in full: its signature, algorithm, issuer and audience belong to these exact bytes
    /// and the key that verified them, so they hold while that same key is still published. Everything that depends on
    /// the moment or on the activity is checked again, in the same order and with the same answers as the full path:
    /// the channel id, the key still there and still endorsed for that channel, the lifetime, the serviceurl claim.
    /// Null means the key changed, and the token must be validated from scratch.
    /// </summary>
    private async Task<BotAuthenticationResult?> RecheckAsync(ValidatedToken known, Activity activity, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(activity.ChannelId))
        {
            return BotAuthenticationResult.Fail("the activity has no channelId");
        }

        var signingKey = await _keys.GetKeyAsync(known.KeyId, cancellationToken).ConfigureAwait(false);
        if (signingKey is null || !ReferenceEquals(signingKey.Key, known.Key))
        {
            return null;
        }

        if (!signingKey.Endorsements.Contains(activity.ChannelId, StringComparer.Ordinal))
        {
            return BotAuthenticationResult.Fail("the signing key is not endorsed for the activity's channel");
        }

        if (LifetimeFailure(known.NotBefore, known.Expires) is { } failure)
        {
            return BotAuthenticationResult.Fail($"the token did not validate ({failure.GetType().Name})");
        }

        return ServiceUrlMatches(known.ServiceUrl, activity)
            ? BotAuthenticationResult.Success(known.Identity.Clone())
            : BotAuthenticationResult.Fail("the token's serviceurl claim does not match the activity's serviceUrl");
    }

    private void Remember(string token, ValidatedToken validated)
    {
        if (_validated.Count >= ValidatedTokenCapacity)
        {
            // Far more live tokens than the channel ever uses at once: start over rather than track ages.
            _validated.Clear();
        }

        _validated[token] = validated;
    }

    private static bool ServiceUrlMatches(string? serviceUrl, Activity activity) =>
        !string.IsNullOrEmpty(serviceUrl) && string.Equals(serviceUrl, activity.ServiceUrl, StringComparison.OrdinalIgnoreCase);

    private SecurityTokenException? LifetimeFailure(DateTime? notBefore, DateTime? expires) => TokenRules.LifetimeFailure(_time, notBefore, expires);

    /// <summary>What a full validation established about a token, and the key that verified it.</summary>
    private sealed record ValidatedToken(string KeyId, SecurityKey Key, DateTime NotBefore, DateTime Expires, string ServiceUrl, ClaimsIdentity Identity);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Inbound request refused: {Reason}")]
    private static partial void LogRefused(ILogger logger, string reason);
}
