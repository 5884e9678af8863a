using CustomerWorkflow.Bot.Hosting;
using CustomerWorkflow.Bot.Tests.Infrastructure;
using CustomerWorkflow.Core.Proposals;
using CustomerWorkflow.Core.Workflows;
using Microsoft.Extensions.DependencyInjection;

namespace CustomerWorkflow.Bot.Tests.Hosting;

/// <summary>The host finds every built-in event, response, operator and template, and takes another with one line.</summary>
public sealed class WorkflowRegistrationTests
{
    /// <summary>An event the product does not ship, registered by a host as a product built on this one would.</summary>
    public sealed class CustomerRenamedEvent : IWorkflowEvent
    {
        public string Code => "customer-renamed";

        public string Title => "the customer's name changes";

        public WorkflowEventKind Kind => WorkflowEventKind.Outcome;

        public bool Matches(HistoryEntry entry, Proposal proposal) =>
            entry.Action == HistoryAction.Applied && proposal.LineFor("Name") is not null;
    }

    [Fact]
    public async Task The_catalog_holds_the_built_ins_and_a_part_added_with_one_line()
    {
        await using var host = await BotTestHost.StartAsync(services: s => s.AddWorkflowPart<CustomerRenamedEvent>());

        var catalog = host.Services.GetRequiredService<WorkflowCatalog>();

        Assert.Equal(WorkflowCatalog.BuiltIn.Events.Count + 1, catalog.Events.Count);
        Assert.NotNull(catalog.FindEvent("customer-renamed"));
        Assert.Equal(WorkflowCatalog.BuiltIn.Responses.Select(r => r.Code), catalog.Responses.Select(r => r.Code));
        Assert.Equal(WorkflowCatalog.BuiltIn.Templates.Count, catalog.Templates.Count);
        Assert.Throws<ArgumentException>(() => new ServiceCollection().AddWorkflowPart<WorkflowRegistrationTests>());
    }
}
