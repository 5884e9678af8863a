using Microsoft.IdentityModel.Tokens;

namespace CustomerWorkflow.Bot.Protocol.Authentication;

/// <summary>
/// The rules every inbound token is held to, whichever issuer it comes from (the Bot Connector or Entra ID): RSA
/// signatures only, by the one key its header names; issuer and audience checked; a lifetime read from the injected
/// clock with five minutes' skew, because the handler's own check reads the machine clock.
/// </summary>
internal static class TokenRules
{
    public static readonly string[] AllowedAlgorithms =
    [
        SecurityAlgorithms.RsaSha256,
        SecurityAlgorithms.RsaSha384,
        SecurityAlgorithms.RsaSha512,
    ];

    public static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(5);

    /// <summary>Why a token with these times is not valid now, or null when it is.</summary>
    public static SecurityTokenException? LifetimeFailure(TimeProvider time, DateTime? notBefore, DateTime? expires)
    {
        var now = time.GetUtcNow().UtcDateTime;
        if (expires is null)
        {
            return new SecurityTokenNoExpirationException("The token has no expiry.");
        }

        if (notBefore is { } nbf && nbf > now + ClockSkew)
        {
            return new SecurityTokenNotYetValidException("The token is not yet valid.");
        }

        return expires.Value < now - ClockSkew ? new SecurityTokenExpiredException("The token has expired.") : null;
    }

    public static TokenValidationParameters Parameters(IEnumerable<string> issuers, IEnumerable<string> audiences, SecurityKey key, TimeProvider time) => new()
    {
        ValidateIssuer = true,
        ValidIssuers = issuers,
        ValidateAudience = true,
        ValidAudiences = audiences,
        ValidateLifetime = true,
        RequireExpirationTime = true,
        ClockSkew = ClockSkew,
        LifetimeValidator = (notBefore, expires, _, _) => LifetimeFailure(time, notBefore, expires) is { } failure ? throw failure : true,
        RequireSignedTokens = true,
        ValidateIssuerSigningKey = true,
        IssuerSigningKey = key,
        TryAllIssuerSigningKeys = false,
        ValidAlgorithms = AllowedAlgorithms,
        SaveSigninToken = false,
        AuthenticationType = "Bearer",
    };
}
