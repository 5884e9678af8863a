using System.Security.Authentication;
using CustomerWorkflow.Bot.Protocol.Authentication;
using CustomerWorkflow.Testing;

namespace CustomerWorkflow.Bot.Protocol.Tests.Authentication;

/// <summary>The loopback authority is real HTTPS: trusted only where a test says so, refused everywhere else.</summary>
public class TlsTrustTests
{
    [Fact]
    public async Task TrustingHandler_ReachesTheLoopbackAuthority()
    {
        await using var server = await MetadataServer.StartAsync();
        using var http = new HttpClient(TestTls.CreateTrustingHandler());

        using var response = await http.GetAsync(server.MetadataUrl);

        Assert.True(response.IsSuccessStatusCode);
    }

    [Fact]
    public async Task DefaultHandler_RefusesTheTestAuthority()
    {
        await using var server = await MetadataServer.StartAsync();
        using var http = new HttpClient();

        var exception = await Assert.ThrowsAsync<HttpRequestException>(() => http.GetAsync(server.MetadataUrl));

        Assert.IsType<AuthenticationException>(exception.InnerException);
    }

    [Fact]
    public async Task SigningKeyCache_WithAnUntrustedAuthority_FindsNoKeys()
    {
        await using var server = await MetadataServer.StartAsync();
        server.PublishKey(TestKeys.Channel, "k1", "msteams");
        using var http = new HttpClient();
        var cache = new SigningKeyCache(http, server.MetadataUrl);

        Assert.Null(await cache.GetKeyAsync("k1", CancellationToken.None));
        Assert.Equal(0, server.MetadataHits); // the handshake failed before any request was made
    }

    [Fact]
    public void SigningKeyCache_RefusesAPlainHttpAuthority()
    {
        using var http = new HttpClient();

        Assert.Throws<ArgumentException>(() => new SigningKeyCache(http, "http://login.botframework.com/v1/.well-known/openidconfiguration"));
    }
}
