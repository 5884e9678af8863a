using System.Security.Claims;

namespace CustomerWorkflow.Bot.Protocol.Authentication;

/// <summary>The outcome of checking an inbound request: an identity, or why it was refused (every refusal answers 401).</summary>
public sealed record BotAuthenticationResult
{
    private BotAuthenticationResult(ClaimsIdentity? identity, string? failureReason, bool isAnonymous)
    {
        Identity = identity;
        FailureReason = failureReason;
        IsAnonymous = isAnonymous;
    }

    public ClaimsIdentity? Identity { get; }

    /// <summary>Why the request was refused; says nothing of the token itself.</summary>
    public string? FailureReason { get; }

    /// <summary>Accepted without a token because no app id is configured (development only).</summary>
    public bool IsAnonymous { get; }

    public bool Succeeded => Identity is not null;

    public static BotAuthenticationResult Success(ClaimsIdentity identity) => new(identity, null, false);

    public static BotAuthenticationResult Anonymous() => new(new ClaimsIdentity(), null, true);

    public static BotAuthenticationResult Fail(string reason) => new(null, reason, false);
}
