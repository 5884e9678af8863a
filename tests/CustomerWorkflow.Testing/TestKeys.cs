using System.Security.Cryptography;

namespace CustomerWorkflow.Testing;

/// <summary>RSA keys made once per test run: generating 2048-bit keys is the slowest thing these tests do.</summary>
public static class TestKeys
{
    private static readonly Lazy<RSA> _channel = new(() => RSA.Create(2048));
    private static readonly Lazy<RSA> _other = new(() => RSA.Create(2048));
    private static readonly Lazy<RSA> _third = new(() => RSA.Create(2048));

    /// <summary>The channel's real signing key.</summary>
    public static RSA Channel => _channel.Value;

    /// <summary>A key the authority does not publish: a forger's, or one it has not rotated to yet.</summary>
    public static RSA Other => _other.Value;

    /// <summary>A second published key, for endorsement and rotation cases.</summary>
    public static RSA Third => _third.Value;
}
