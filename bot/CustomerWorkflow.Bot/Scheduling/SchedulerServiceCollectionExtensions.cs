using CustomerWorkflow.Core.People;
using CustomerWorkflow.Core.Scheduling;
using CustomerWorkflow.Core.Storage;

namespace CustomerWorkflow.Bot.Scheduling;

internal static class SchedulerServiceCollectionExtensions
{
    /// <summary>
    /// Registers the workflow users (who is away, out-of-office through Graph), the daily digest, the scheduler's
    /// processor over the store's due items, and the background service that runs it (<see cref="SchedulerOptions"/>).
    /// </summary>
    public static IServiceCollection AddWorkflowScheduler(this IServiceCollection services)
    {
        services.AddSingleton(p => SchedulerOptions.From(p.GetRequiredService<IConfiguration>()));
        services.AddSingleton(p => (IDueItemStore)p.GetRequiredService<IWorkflowStore>());
        services.AddSingleton(p => (IDigestStore)p.GetRequiredService<IWorkflowStore>());
        services.AddSingleton<IOutOfOfficeSource, GraphOutOfOffice>();
        services.AddSingleton(p => new Availability(p.GetRequiredService<IUserStore>(), p.GetRequiredService<TimeProvider>(), p.GetRequiredService<IOutOfOfficeSource>()));
        services.AddSingleton(p => new DigestQueue(
            p.GetRequiredService<IDigestStore>(), p.GetRequiredService<IDueItemStore>(), p.GetRequiredService<SchedulerOptions>().Digest, p.GetRequiredService<TimeProvider>()));
        services.AddSingleton(p => new DueWorkProcessor(
            p.GetRequiredService<IDueItemStore>(),
            p.GetRequiredService<IDigestStore>(),
            p.GetRequiredService<Core.Engine.ProposalEngine>(),
            p.GetRequiredService<TimeProvider>(),
            new DueWorkOptions { Lease = p.GetRequiredService<SchedulerOptions>().Lease }));
        services.AddSingleton<ScheduledDelivery>();
        services.AddSingleton<SchedulerService>();
        services.AddHostedService(p => p.GetRequiredService<SchedulerService>());
        return services;
    }
}
