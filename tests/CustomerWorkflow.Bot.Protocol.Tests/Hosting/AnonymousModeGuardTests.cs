using CustomerWorkflow.Bot.Protocol.Hosting;

namespace CustomerWorkflow.Bot.Protocol.Tests.Hosting;

/// <summary>Anonymous mode (no app id) may only listen on this machine: which bound addresses count as loopback.</summary>
public sealed class AnonymousModeGuardTests
{
    [Theory]
    [InlineData("http://localhost:3978")]
    [InlineData("http://LOCALHOST:3978")]
    [InlineData("http://127.0.0.1:5000")]
    [InlineData("https://127.0.0.2:5001")]
    [InlineData("http://[::1]:80")]
    public void A_loopback_address_is_allowed(string address)
    {
        Assert.True(AnonymousModeGuard.AllLoopback([address]));
    }

    [Theory]
    [InlineData("http://0.0.0.0:80")]
    [InlineData("http://+:80")]
    [InlineData("http://*:80")]
    [InlineData("http://[::]:80")]
    [InlineData("http://10.0.0.5:80")]
    [InlineData("http://192.168.1.10:3978")]
    [InlineData("http://example.com:80")]
    [InlineData("http://localhost.example.com:80")]
    [InlineData("not an address")]
    public void Any_other_address_is_refused(string address)
    {
        Assert.False(AnonymousModeGuard.AllLoopback([address]));
    }

    [Fact]
    public void One_address_beyond_loopback_is_enough_to_refuse()
    {
        Assert.True(AnonymousModeGuard.AllLoopback(["http://localhost:3978", "http://127.0.0.1:3978"]));
        Assert.False(AnonymousModeGuard.AllLoopback(["http://localhost:3978", "http://0.0.0.0:3978"]));
    }
}
