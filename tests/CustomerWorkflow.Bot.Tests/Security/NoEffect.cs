using CustomerWorkflow.Bot.Tests.Infrastructure;
using CustomerWorkflow.Core.People;

namespace CustomerWorkflow.Bot.Tests.Security;

/// <summary>
/// A snapshot of what a refused request could have changed: the sample customer's city, the sample clerk's directory
/// entry, a stranger's absence from the directory, and the calls the channel received.
/// </summary>
internal sealed class NoEffect
{
    public const string CustomerId = "US-001";
    public const string OriginalCity = "Redmond";
    public const string Attack = "set US-001 City=Hacked";

    private readonly BotTestHost _host;
    private readonly UserProfile? _clerk;
    private readonly long _channelSequence;

    private NoEffect(BotTestHost host, TestUser stranger, UserProfile? clerk)
    {
        _host = host;
        Stranger = stranger;
        _clerk = clerk;
        _channelSequence = host.Channel.Sequence;
    }

    /// <summary>Someone the bot has never met; a refused request must not add them to the directory.</summary>
    public TestUser Stranger { get; }

    public static async Task<NoEffect> CaptureAsync(BotTestHost host)
    {
        var stranger = host.User("stranger-1", "Sam Stranger");
        Assert.Null(await host.Users.GetUserAsync(stranger.AadObjectId));
        var clerk = await host.Users.GetUserAsync(host.Clerk.AadObjectId);
        Assert.NotNull(clerk);
        Assert.Equal(OriginalCity, (await host.Engine.GetCustomerAsync(CustomerId)).Customer["City"]);
        return new NoEffect(host, stranger, clerk);
    }

    /// <summary>Posts the clerk's attack and the stranger's greeting with the given credential; both must be refused.</summary>
    public async Task<IReadOnlyList<Turn>> AttackAsync(string? authorization, bool noAuthorization = false, Action<Protocol.Schema.Activity>? shape = null)
    {
        var set = _host.NewActivity(_host.Clerk);
        set.Text = Attack;
        shape?.Invoke(set);
        var hello = _host.NewActivity(Stranger);
        hello.Text = "hi";
        shape?.Invoke(hello);
        return
        [
            await _host.Clerk.PostAsync(set, authorization, noAuthorization),
            await Stranger.PostAsync(hello, authorization, noAuthorization),
        ];
    }

    /// <summary>Nothing reached the channel and nothing was stored since the snapshot.</summary>
    public async Task AssertNothingChangedAsync()
    {
        Assert.Empty(_host.Channel.CallsSince(_channelSequence));
        Assert.Equal(OriginalCity, (await _host.Engine.GetCustomerAsync(CustomerId)).Customer["City"]);
        Assert.Equal(_clerk, await _host.Users.GetUserAsync(_host.Clerk.AadObjectId));
        Assert.Null(await _host.Users.GetUserAsync(Stranger.AadObjectId));
    }
}
