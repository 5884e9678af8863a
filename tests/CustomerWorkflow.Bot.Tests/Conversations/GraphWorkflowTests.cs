using CustomerWorkflow.Bot.Tests.Infrastructure;
using CustomerWorkflow.Testing;

namespace CustomerWorkflow.Bot.Tests.Conversations;

/// <summary>
/// With Microsoft Graph on, the approver types read the organisation: the submitter's manager and a group's members
/// come from Graph (a loopback Graph here), and people Graph names are added to the directory so they can be told.
/// </summary>
public sealed class GraphWorkflowTests : IAsyncLifetime
{
    private FakeGraph _graph = null!;

    public async Task InitializeAsync()
    {
        _graph = await FakeGraph.StartAsync();
        _graph.AddUser("sample-approver", "Arun Approver");
        _graph.AddUser("sample-finance", "Farah Finance");
        _graph.AddUser("sample-clerk", "Chloe Clerk");
        _graph.AddUser("aad-gina", "Gina Risk", "gina.risk@example.com");
        _graph.SetManager("sample-clerk", "sample-finance");
        _graph.AddGroup("grp-risk", "sample-approver", "aad-gina");
    }

    public async Task DisposeAsync() => await _graph.DisposeAsync();

    [Fact]
    public async Task The_manager_and_a_groups_members_come_from_graph()
    {
        await using var host = await BotTestHost.StartAsync(authenticated: true, settings: new Dictionary<string, string?>
        {
            ["Graph:Enabled"] = "true",
            ["Graph:BaseUrl"] = _graph.BaseUrl.ToString(),
            ["Teams:CatalogAppId"] = _graph.CatalogAppId,
        });
        var admin = host.User("sample-admin", "Adam Admin", BotTestHost.AdminUpn);
        await admin.SendAsync("workflow new org from ms-single-approver approver=arun.approver@example.com");
        (await admin.SendAsync("workflow step org 1 approvers manager")).ReplyText("Workflow ORG v2: step 1: approvers set.");
        await admin.SendAsync("workflow step org add step-approved request-approval Risk");
        (await admin.SendAsync("workflow step org 3 approvers group 1:group:grp-risk")).ReplyText("Workflow ORG v4: step 3: approvers set.");
        (await admin.SendAsync("workflow show org")).ReplyText("approvers: a group, in sequence: 1: group grp-risk");
        (await admin.SendAsync("workflow enable org")).ReplyText("is enabled");
        await host.Clerk.SendAsync("set US-001 CreditLimit=300000");

        (await host.Clerk.SendAsync("submit US-001")).ReplyText("step 1 of 2 (Approval) waits for Farah Finance", "workflow ORG v4");
        (await host.Finance.SendAsync("approve US-001-P1")).ReplyText("step 2 of 2 (Risk) waits for Arun Approver, Gina Risk");

        Assert.Contains(_graph.Calls, c => c.Path == "/v1.0/users/sample-clerk/manager");
        Assert.Contains(_graph.Calls, c => c.Path == "/v1.0/groups/grp-risk/members");
        Assert.Equal("Gina Risk", (await host.Users.GetUserAsync("aad-gina"))?.Name);
    }
}
