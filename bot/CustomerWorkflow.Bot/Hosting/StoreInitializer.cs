using CustomerWorkflow.Bot.Protocol;
using CustomerWorkflow.Core.Engine;
using CustomerWorkflow.Core.Samples;
using CustomerWorkflow.Core.Storage;
using CustomerWorkflow.Core.People;

namespace CustomerWorkflow.Bot.Hosting;

/// <summary>
/// Brings the store's schema up to date before the first request, and in development loads the sample data into an
/// empty database. A store that cannot open stops the host at start, with the reason, not on the first click.
/// </summary>
internal sealed partial class StoreInitializer(
    IWorkflowStore store,
    IUserStore users,
    ProposalEngine engine,
    WorkflowHostOptions options,
    UserDirectory directory,
    IConfiguration configuration,
    BotProtocolOptions protocol,
    ILogger<StoreInitializer> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await store.InitializeAsync(cancellationToken).ConfigureAwait(false);
        var seeded = 0;
        if (options.SampleData)
        {
            seeded = await SampleData.SeedAsync(store, cancellationToken).ConfigureAwait(false);
            await SampleData.SeedUsersAsync(users, cancellationToken).ConfigureAwait(false);
            if (WebChat.WebChatEndpoints.IsEnabled(configuration, protocol))
            {
                // In the web chat the sample users have known channel ids, so the bot can open their chats before they write.
                foreach (var user in SampleData.Users)
                {
                    var known = await directory.GetAsync(user.Id, cancellationToken).ConfigureAwait(false);
                    if (known is { ChannelUserId: null })
                    {
                        await directory.MeetAsync(known with { ChannelUserId = WebChat.WebChatChannel.ChannelUserId(user.Id) }, cancellationToken).ConfigureAwait(false);
                    }
                }
            }
        }

        var count = await store.CountCustomersAsync(cancellationToken).ConfigureAwait(false);
        var settings = (await engine.GetSettingsAsync(cancellationToken).ConfigureAwait(false)).Settings;
        LogReady(logger, options.StoreDescription, count, seeded, settings.ApprovalsEnabled ? "on" : "off");
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Store {Store}: {Count} customers ({Seeded} sample customers loaded now); approvals {Approvals}")]
    private static partial void LogReady(ILogger logger, string store, int count, int seeded, string approvals);
}
