using System.Net;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace CustomerWorkflow.Testing;

/// <summary>
/// A test CA and a localhost server certificate made in-process, so loopback servers speak HTTPS as the real
/// authorities do. Clients trust the CA through <see cref="CreateTrustingHandler"/>, which only tests construct.
/// </summary>
/// <remarks>
/// SSL_CERT_FILE set with Environment.SetEnvironmentVariable in this process does not work: on Unix .NET keeps its
/// own copy of the environment and OpenSSL's getenv never sees it (the handshake fails with PartialChain). It does
/// work when set before the process starts, even if the file is written later, before the first handshake; but that
/// needs a fixed path shared by concurrent runs, so the tests scope the trust to their own HttpClients instead.
/// Certificate validation stays on: chain and host name are checked, only the root differs.
/// </remarks>
public static class TestTls
{
    public static X509Certificate2 Authority { get; private set; } = null!;

    public static X509Certificate2 ServerCertificate { get; private set; } = null!;

    /// <summary>A handler that trusts the test CA as its only root (no revocation lists exist for it).</summary>
    public static SocketsHttpHandler CreateTrustingHandler()
    {
        var policy = new X509ChainPolicy
        {
            TrustMode = X509ChainTrustMode.CustomRootTrust,
            RevocationMode = X509RevocationMode.NoCheck,
        };
        policy.CustomTrustStore.Add(Authority);
        return new SocketsHttpHandler { SslOptions = new SslClientAuthenticationOptions { CertificateChainPolicy = policy } };
    }

#pragma warning disable CA1810 // The certificates are made once, on first use, in one place.
    static TestTls()
#pragma warning restore CA1810
    {
        var now = DateTimeOffset.UtcNow;
        using var caKey = RSA.Create(2048);
        var caRequest = new CertificateRequest("CN=CustomerWorkflow Test CA", caKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        caRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(caRequest.PublicKey, false));
        Authority = caRequest.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(1));

        using var serverKey = RSA.Create(2048);
        var serverRequest = new CertificateRequest("CN=localhost", serverKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        serverRequest.CertificateExtensions.Add(names.Build());
        serverRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        serverRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, true));
        serverRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F;
        using var issued = serverRequest.Create(Authority, now.AddMinutes(-5), now.AddHours(12), serial);
        using var withKey = issued.CopyWithPrivateKey(serverKey);
        // Round-trip through PKCS#12 so the private key outlives the ephemeral RSA object on every platform.
        ServerCertificate = X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
    }
}
