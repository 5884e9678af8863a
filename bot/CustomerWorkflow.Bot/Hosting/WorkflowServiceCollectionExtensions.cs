using CustomerWorkflow.Core.Engine;
using CustomerWorkflow.Core.People;
using CustomerWorkflow.Core.Storage;
using CustomerWorkflow.Core.Workflows;

namespace CustomerWorkflow.Bot.Hosting;

/// <summary>Registers configurable workflows: the catalog's parts, the definition store, the directory, the router and the admin use cases.</summary>
public static class WorkflowServiceCollectionExtensions
{
    /// <summary>
    /// Every event, response, condition operator and template of the core assembly (so a new one is a class and nothing
    /// more), the <see cref="WorkflowCatalog"/> built from all that are registered, and the engine with workflows.
    /// </summary>
    public static IServiceCollection AddWorkflows(this IServiceCollection services)
    {
        foreach (var type in WorkflowCatalog.ImplementationsIn(typeof(WorkflowCatalog).Assembly))
        {
            services.AddWorkflowPart(type);
        }

        services.AddSingleton(p => new WorkflowCatalog(
            p.GetServices<IWorkflowEvent>(), p.GetServices<IWorkflowResponse>(), p.GetServices<IConditionOperator>(), p.GetServices<IWorkflowTemplate>()));
        services.AddSingleton(p => (IWorkflowDefinitionStore)p.GetRequiredService<IWorkflowStore>());
        services.AddSingleton<IApproverDirectory, Graph.DirectoryApprovers>();
        services.AddSingleton(p => new WorkflowRouter(p.GetRequiredService<IWorkflowDefinitionStore>(), p.GetRequiredService<WorkflowCatalog>(), p.GetRequiredService<IApproverDirectory>()));
        services.AddSingleton(p => new WorkflowManager(p.GetRequiredService<IWorkflowDefinitionStore>(), p.GetRequiredService<WorkflowCatalog>(), p.GetRequiredService<TimeProvider>()));
        services.AddSingleton(p => new ProposalEngine(p.GetRequiredService<IWorkflowStore>(), p.GetRequiredService<TimeProvider>(), p.GetRequiredService<WorkflowRouter>())
        {
            Availability = p.GetService<Availability>(),
        });
        return services;
    }

    /// <summary>Adds one event, response, condition operator or template (a class of this or another assembly): the one line a new one needs.</summary>
    public static IServiceCollection AddWorkflowPart<T>(this IServiceCollection services) where T : class => services.AddWorkflowPart(typeof(T));

    private static IServiceCollection AddWorkflowPart(this IServiceCollection services, Type type)
    {
        Type[] kinds = [typeof(IWorkflowEvent), typeof(IWorkflowResponse), typeof(IConditionOperator), typeof(IWorkflowTemplate)];
        var matched = kinds.Where(k => k.IsAssignableFrom(type)).ToList();
        if (matched.Count == 0)
        {
            throw new ArgumentException($"{type.Name} is no workflow event, response, condition operator or template.", nameof(type));
        }

        foreach (var kind in matched)
        {
            services.AddSingleton(kind, type);
        }

        return services;
    }
}
