using System.IdentityModel.Tokens.Jwt;
using System.Security.Claims;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.IdentityModel.Tokens;

namespace CustomerWorkflow.Bot.Protocol.Authentication;

/// <summary>What an API accepts: the tenant whose tokens count, and the audiences that name the API.</summary>
/// <param name="TenantId">The Entra tenant (directory) id; tokens must come from its issuer.</param>
/// <param name="Audiences">The API's application id URI and/or client id, as the token's <c>aud</c> may carry either.</param>
/// <param name="AcceptV1Tokens">Also accept v1.0 access tokens (issuer <c>https://sts.windows.net/{tenant}/</c>).</param>
public sealed record EntraTokenOptions(string TenantId, IReadOnlyList<string> Audiences, bool AcceptV1Tokens = true)
{
    public IReadOnlyList<string> Issuers =>
        AcceptV1Tokens
            ? [$"https://login.microsoftonline.com/{TenantId}/v2.0", $"https://sts.windows.net/{TenantId}/"]
            : [$"https://login.microsoftonline.com/{TenantId}/v2.0"];

    /// <summary>The tenant's v2.0 OpenID metadata, whose key set signs both token versions.</summary>
    public string DefaultMetadataUrl => $"https://login.microsoftonline.com/{TenantId}/v2.0/.well-known/openid-configuration";
}

/// <summary>The outcome of checking a bearer token: the caller's claims, or why it was refused.</summary>
/// <param name="Failure">Why it was refused (for the log and the WWW-Authenticate description; never the token).</param>
/// <param name="Missing">True when no token came at all (the answer names no error, RFC 6750 §3.1).</param>
public sealed record EntraTokenResult(ClaimsIdentity? Identity, string? Failure, bool Missing = false)
{
    public bool Succeeded => Identity is not null;

    /// <summary>True when the token's <c>roles</c> claim holds <paramref name="role"/> (app roles are case-sensitive).</summary>
    public bool HasRole(string role) => Identity?.FindAll("roles").Any(c => string.Equals(c.Value, role, StringComparison.Ordinal)) == true;

    /// <summary>The calling application's client id: <c>azp</c> in v2.0 tokens, <c>appid</c> in v1.0.</summary>
    public string? ClientId => Identity?.FindFirst("azp")?.Value ?? Identity?.FindFirst("appid")?.Value;
}

/// <summary>
/// Checks Microsoft Entra ID access tokens for an API of this host (the import API), with the same stack as the channel's
/// tokens: the tenant's OpenID metadata and keys through a <see cref="SigningKeyCache"/>, IdentityModel 6.8.0 on compact
/// JWS only (never JWE, never a decryption key: CVE-2024-21319), RS256/384/512, issuer of the tenant, audience of the API,
/// lifetime with 5 minutes of skew read from the injected clock. Tokens are never logged.
/// </summary>
public sealed partial class EntraTokenValidator
{
    private readonly EntraTokenOptions _options;
    private readonly SigningKeyCache _keys;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public EntraTokenValidator(EntraTokenOptions options, SigningKeyCache keys, TimeProvider? time = null, ILogger<EntraTokenValidator>? logger = null)
    {
        _options = options;
        _keys = keys;
        _time = time ?? TimeProvider.System;
        _logger = logger ?? (ILogger)NullLogger.Instance;
    }

    public EntraTokenOptions Options => _options;

    /// <summary>Checks the <c>Authorization</c> header's bearer token.</summary>
    public async Task<EntraTokenResult> ValidateAsync(string? authorizationHeader, CancellationToken cancellationToken)
    {
        var result = await CheckAsync(authorizationHeader, cancellationToken).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            LogRefused(_logger, result.Failure!);
        }

        return result;
    }

    private async Task<EntraTokenResult> CheckAsync(string? authorizationHeader, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(authorizationHeader))
        {
            return new(null, "no Authorization header", Missing: true);
        }

        const string scheme = "Bearer ";
        if (!authorizationHeader.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
        {
            return new(null, "the Authorization scheme is not Bearer", Missing: true);
        }

        var token = authorizationHeader[scheme.Length..].Trim();
        if (token.Length == 0 || token.Length > ChannelTokenValidator.MaximumTokenLength)
        {
            return new(null, "the bearer token is empty or too long");
        }

        // Compact JWS has exactly three segments; a five-segment JWE is refused before anything parses it.
        if (token.AsSpan().Count('.') != 2)
        {
            return new(null, "the bearer token is not a compact JWS");
        }

        var handler = new JwtSecurityTokenHandler { MapInboundClaims = false };
        JwtSecurityToken unverified;
        try
        {
            unverified = handler.ReadJwtToken(token);
        }
        catch (ArgumentException)
        {
            return new(null, "the bearer token is not a JWT");
        }

        if (!TokenRules.AllowedAlgorithms.Contains(unverified.Header.Alg, StringComparer.Ordinal))
        {
            return new(null, "the token's algorithm is not RS256, RS384 or RS512");
        }

        if (string.IsNullOrEmpty(unverified.Header.Kid))
        {
            return new(null, "the token names no signing key");
        }

        var signingKey = await _keys.GetKeyAsync(unverified.Header.Kid, cancellationToken).ConfigureAwait(false);
        if (signingKey is null)
        {
            return new(null, "the token's signing key is unknown");
        }

        var parameters = TokenRules.Parameters(_options.Issuers, _options.Audiences, signingKey.Key, _time);

        try
        {
            var principal = handler.ValidateToken(token, parameters, out _);
            var identity = (ClaimsIdentity)principal.Identity!;
            return identity.FindFirst("azp") is null && identity.FindFirst("appid") is null
                ? new(null, "the token names no calling application (azp or appid)")
                : new(identity, null);
        }
        catch (SecurityTokenExpiredException)
        {
            return new(null, "the token has expired");
        }
        catch (SecurityTokenInvalidAudienceException)
        {
            return new(null, "the token is for another audience");
        }
        catch (SecurityTokenInvalidIssuerException)
        {
            return new(null, "the token is from another issuer");
        }
        catch (SecurityTokenException exception)
        {
            return new(null, $"the token did not validate ({exception.GetType().Name})");
        }
        catch (ArgumentException exception)
        {
            return new(null, $"the token did not validate ({exception.GetType().Name})");
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "API request refused: {Reason}")]
    private static partial void LogRefused(ILogger logger, string reason);
}
