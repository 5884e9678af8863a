using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using CustomerWorkflow.Bot.Graph;
using CustomerWorkflow.Bot.Protocol;
using CustomerWorkflow.Bot.Protocol.Connector;
using CustomerWorkflow.Bot.Teams;
using CustomerWorkflow.Testing;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;

namespace CustomerWorkflow.Bot.Tests.Graph;

/// <summary>
/// The Graph client against a loopback Graph that checks each request's path, query, headers and token: the token comes
/// from a loopback token endpoint that gives the Graph token only for the Graph scope.
/// </summary>
public sealed class GraphClientTests : IAsyncLifetime, IDisposable
{
    private const string Ada = "3f2504e0-4f89-41d3-9a0c-0305e82c3301";
    private const string Ben = "7c9e6679-7425-40de-944b-e07fc1f90ae7";
    private const string Cleo = "16fd2706-8baf-433b-82eb-8c7fada847da";
    private const string Dev = "886313e1-3b8a-5372-9b90-0c9aee199e5d";
    private const string Guest = "guest_fabrikam.com#EXT#@contoso.onmicrosoft.com";

    private static readonly DateTimeOffset Start = DateTimeOffset.Parse("2026-11-21T10:00:00Z", CultureInfo.InvariantCulture);

    private readonly HttpClient _http = new(TestTls.CreateTrustingHandler());
    private readonly InstantTime _time = new(Start);
    private readonly List<IDisposable> _disposables = [];
    private GraphCache _cache = null!;
    private FakeGraph _graph = null!;
    private LoopbackServer _login = null!;

    public async Task InitializeAsync()
    {
        _cache = new GraphCache(_time);
        _graph = await FakeGraph.StartAsync();
        _login = await LoopbackServer.StartAsync((context, body) => context.Response.WriteAsJsonAsync(new
        {
            access_token = System.Web.HttpUtility.ParseQueryString(body)["scope"] == GraphOptions.DefaultScope ? FakeGraph.DefaultToken : "some-other-token",
            token_type = "Bearer",
            expires_in = 3600,
        }));
        _graph.AddUser(Ada, "Ada Approver");
        _graph.AddUser(Ben, "Ben Boss");
        _graph.AddUser(Cleo, "Cleo Clerk");
        _graph.AddUser(Dev, "Dev Finance");
        _graph.AddUser("guest-id", "Gus Guest", Guest);
        _graph.SetManager(Cleo, Ben);
    }

    public async Task DisposeAsync()
    {
        await _graph.DisposeAsync();
        await _login.DisposeAsync();
    }

    public void Dispose()
    {
        foreach (var disposable in _disposables)
        {
            disposable.Dispose();
        }

        _http.Dispose();
    }

    private TokenAudience Audience => new(GraphOptions.DefaultScope, new Uri(_login.BaseAddress, "tenant-1").ToString().TrimEnd('/'), "tenant-1");

    private GraphOptions Options(int maxAttempts = 4, TimeSpan? maxRetryDelay = null) => new()
    {
        Enabled = true,
        BaseUrl = _graph.BaseUrl,
        Audience = Audience,
        CatalogAppId = _graph.CatalogAppId,
        MaxAttempts = maxAttempts,
        MaxRetryDelay = maxRetryDelay ?? TimeSpan.FromSeconds(30),
    };

    private GraphClient Client(GraphOptions? options = null)
    {
        var bot = new BotProtocolOptions { MicrosoftAppType = "SingleTenant", MicrosoftAppId = "app-id", MicrosoftAppPassword = "app-secret", MicrosoftAppTenantId = "tenant-1" };
        var tokens = new ClientCredentialsTokenProvider(_http, bot, _time, Audience);
        _disposables.Add(tokens);
        return new GraphClient(_http, new GraphTokens(tokens), options ?? Options(), _cache, _time, NullLogger<GraphClient>.Instance);
    }

    [Fact]
    public async Task A_user_by_id_is_asked_with_the_graph_token_and_only_the_fields_used()
    {
        var user = await Client().GetUserAsync(Ada, CancellationToken.None);

        Assert.Equal(new GraphUser(Ada, "Ada Approver", "ada.approver@example.com", "ada.approver@example.com"), user);
        var call = Assert.Single(_graph.Calls);
        Assert.Equal(("GET", $"/v1.0/users/{Ada}", 200), (call.Method, call.Path, call.Status));
        Assert.Equal(new Dictionary<string, string> { ["$select"] = "id,displayName,mail,userPrincipalName" }, call.Query);
        Assert.Equal("Bearer graph-token", call.Authorization);
        Assert.Equal("application/json", call.Accept);
        // The token was asked for the Graph scope in the customer's tenant, with the bot's own secret.
        var tokenRequest = System.Web.HttpUtility.ParseQueryString(Assert.Single(_login.Requests).Body);
        Assert.Equal(("https://graph.microsoft.com/.default", "app-id", "client_credentials"), (tokenRequest["scope"], tokenRequest["client_id"], tokenRequest["grant_type"]));
        Assert.Equal("/tenant-1/oauth2/v2.0/token", _login.Requests.Single().RawTarget);
    }

    [Fact]
    public async Task A_guest_upn_is_escaped_into_the_path()
    {
        var user = await Client().GetUserAsync(Guest, CancellationToken.None);

        Assert.Equal("guest-id", user?.Id);
        var call = Assert.Single(_graph.Calls);
        Assert.StartsWith("/v1.0/users/guest_fabrikam.com%23EXT%23%40contoso.onmicrosoft.com?", call.RawTarget, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_user_is_null_and_the_answer_is_cached_too()
    {
        var client = Client();

        Assert.Null(await client.GetUserAsync("00000000-0000-0000-0000-000000000404", CancellationToken.None));
        Assert.Null(await client.GetUserAsync("00000000-0000-0000-0000-000000000404", CancellationToken.None));

        var call = Assert.Single(_graph.Calls);
        Assert.Equal(404, call.Status);
    }

    [Fact]
    public async Task Users_and_managers_are_cached_for_a_few_minutes_then_asked_again()
    {
        var client = Client();
        await client.GetUserAsync(Ada, CancellationToken.None);
        await client.GetManagerAsync(Cleo, CancellationToken.None);
        _time.Advance(TimeSpan.FromMinutes(4));

        Assert.Equal("Ada Approver", (await client.GetUserAsync(Ada, CancellationToken.None))?.DisplayName);
        Assert.Equal(Ben, (await client.GetManagerAsync(Cleo, CancellationToken.None))?.Id);
        Assert.Equal(2, _graph.Calls.Count);

        _time.Advance(TimeSpan.FromMinutes(2));
        await client.GetUserAsync(Ada, CancellationToken.None);
        Assert.Equal(3, _graph.Calls.Count);
    }

    [Fact]
    public async Task A_user_found_by_upn_is_cached_under_its_id_as_well()
    {
        var client = Client();

        await client.GetUserAsync("ADA.APPROVER@example.com", CancellationToken.None);
        await client.GetUserAsync(Ada, CancellationToken.None);

        Assert.Single(_graph.Calls);
    }

    [Fact]
    public async Task The_manager_is_a_user_and_someone_without_one_has_none()
    {
        var client = Client();

        var manager = await client.GetManagerAsync(Cleo, CancellationToken.None);
        var none = await client.GetManagerAsync(Ben, CancellationToken.None);

        Assert.Equal(new GraphUser(Ben, "Ben Boss", "ben.boss@example.com", "ben.boss@example.com"), manager);
        Assert.Null(none);
        Assert.Equal([$"/v1.0/users/{Cleo}/manager", $"/v1.0/users/{Ben}/manager"], _graph.Calls.Select(c => c.Path));
        Assert.All(_graph.Calls, c => Assert.Equal("id,displayName,mail,userPrincipalName", c.Query["$select"]));
    }

    [Fact]
    public async Task Group_members_follow_every_next_link_and_keep_only_the_users()
    {
        _graph.PageSize = 2;
        _graph.AddGroup("finance-approvers", Ada, Ben, "nested-group", Dev, Cleo);

        var members = await Client().GetGroupMembersAsync("finance-approvers", CancellationToken.None);

        Assert.Equal([Ada, Ben, Dev, Cleo], members!.Select(m => m.Id));
        Assert.Equal(3, _graph.Calls.Count);
        Assert.All(_graph.Calls, c =>
        {
            Assert.Equal(("/v1.0/groups/finance-approvers/members", 200, "Bearer graph-token"), (c.Path, c.Status, c.Authorization));
            Assert.Equal(("id,displayName,mail,userPrincipalName", "999"), (c.Query["$select"], c.Query["$top"]));
        });
        Assert.Equal([null, "page-2", "page-4"], _graph.Calls.Select(c => c.Query.GetValueOrDefault("$skiptoken")));
    }

    [Fact]
    public async Task Group_members_are_cached_for_a_minute_and_an_unknown_group_is_null()
    {
        _graph.AddGroup("approvers", Ada);
        var client = Client();

        await client.GetGroupMembersAsync("approvers", CancellationToken.None);
        _time.Advance(TimeSpan.FromSeconds(50));
        await client.GetGroupMembersAsync("approvers", CancellationToken.None);
        Assert.Single(_graph.Calls);
        _time.Advance(TimeSpan.FromSeconds(20));
        await client.GetGroupMembersAsync("approvers", CancellationToken.None);
        Assert.Equal(2, _graph.Calls.Count);

        Assert.Null(await client.GetGroupMembersAsync("no-such-group", CancellationToken.None));
    }

    [Fact]
    public async Task A_next_link_that_leaves_graph_is_not_followed_with_the_token()
    {
        await using var elsewhere = await LoopbackServer.StartAsync((context, _) => context.Response.WriteAsync("{}"));
        await using var rogue = await LoopbackServer.StartAsync((context, _) =>
        {
            context.Response.ContentType = "application/json";
            return context.Response.WriteAsync(new JsonObject
            {
                ["value"] = new JsonArray(new JsonObject { ["@odata.type"] = "#microsoft.graph.user", ["id"] = Ada }),
                ["@odata.nextLink"] = new Uri(elsewhere.BaseAddress, "v1.0/groups/g/members?$skiptoken=2").ToString(),
            }.ToJsonString());
        });
        var options = Options();
        var client = Client(new GraphOptions { Enabled = true, BaseUrl = new Uri(rogue.BaseAddress, "v1.0/"), Audience = options.Audience });

        var refusal = await Assert.ThrowsAsync<GraphException>(() => client.GetGroupMembersAsync("g", CancellationToken.None));

        Assert.Contains("next page link", refusal.Message, StringComparison.Ordinal);
        Assert.Single(rogue.Requests);
        Assert.Empty(elsewhere.Requests);
    }

    [Fact]
    public async Task A_429_is_retried_after_the_seconds_retry_after_asks_for()
    {
        _graph.RetryAfter = "7";
        _graph.Throttle(2);

        var user = await Client().GetUserAsync(Ada, CancellationToken.None);

        Assert.Equal(Ada, user?.Id);
        Assert.Equal([429, 429, 200], _graph.Calls.Select(c => c.Status));
        Assert.Equal([TimeSpan.FromSeconds(7), TimeSpan.FromSeconds(7)], _time.Waits);
        Assert.All(_graph.Calls, c => Assert.Equal("Bearer graph-token", c.Authorization));
    }

    [Fact]
    public async Task A_retry_after_date_is_waited_for_until_that_moment()
    {
        _graph.RetryAfter = Start.AddSeconds(12).ToString("R", CultureInfo.InvariantCulture);
        _graph.Throttle(1);

        await Client().GetManagerAsync(Cleo, CancellationToken.None);

        Assert.Equal([TimeSpan.FromSeconds(12)], _time.Waits);
        Assert.Equal([429, 200], _graph.Calls.Select(c => c.Status));
    }

    [Fact]
    public async Task Throttling_that_outlasts_the_attempts_is_a_graph_exception_with_its_code()
    {
        _graph.RetryAfter = "2";
        _graph.Throttle(10);

        var failure = await Assert.ThrowsAsync<GraphException>(() => Client(Options(maxAttempts: 4)).GetUserAsync(Ada, CancellationToken.None));

        Assert.Equal((HttpStatusCode.TooManyRequests, "TooManyRequests"), (failure.StatusCode, failure.ErrorCode));
        Assert.Equal("429 TooManyRequests", failure.Reason);
        Assert.Equal(4, _graph.Calls.Count);
        Assert.Equal(3, _time.Waits.Count);
    }

    [Fact]
    public async Task A_retry_after_beyond_the_cap_is_not_waited_for()
    {
        _graph.RetryAfter = "120";
        _graph.Throttle(1);

        var failure = await Assert.ThrowsAsync<GraphException>(() => Client(Options(maxRetryDelay: TimeSpan.FromSeconds(30))).GetUserAsync(Ada, CancellationToken.None));

        Assert.Equal(HttpStatusCode.TooManyRequests, failure.StatusCode);
        Assert.Single(_graph.Calls);
        Assert.Empty(_time.Waits);
    }

    public static TheoryData<string, string?, string?, string, bool> AutomaticRepliesCases => new()
    {
        { "alwaysEnabled", null, null, "UTC", true },
        { "disabled", null, null, "UTC", false },
        { "scheduled", "2026-11-20T08:00:00.0000000", "2026-11-25T08:00:00.0000000", "UTC", true },
        { "Scheduled", "2026-11-21T10:30:00.0000000", "2026-11-25T08:00:00.0000000", "UTC", false },
        { "scheduled", "2026-11-10T08:00:00.0000000", "2026-11-21T09:59:00.0000000", "UTC", false },
        // 10:00 UTC is 11:00 in Amsterdam: inside 10:30-12:00 there, outside it in UTC.
        { "scheduled", "2026-11-21T10:30:00.0000000", "2026-11-21T12:00:00.0000000", "Europe/Amsterdam", true },
    };

    [Theory]
    [MemberData(nameof(AutomaticRepliesCases))]
    public async Task Out_of_office_follows_the_automatic_replies_and_their_schedule(string status, string? start, string? end, string timeZone, bool away)
    {
        _graph.SetAutomaticReplies(Ada, status, start, end, timeZone);

        Assert.Equal(away, await Client().IsOutOfOfficeAsync(Ada, CancellationToken.None));

        var call = Assert.Single(_graph.Calls);
        Assert.Equal(($"/v1.0/users/{Ada}/mailboxSettings/automaticRepliesSetting", 200), (call.Path, call.Status));
        Assert.Empty(call.Query);
    }

    [Fact]
    public async Task Out_of_office_is_cached_only_briefly_and_nobody_is_away_without_a_mailbox()
    {
        _graph.SetAutomaticReplies(Ada, "alwaysEnabled");
        var client = Client();

        Assert.True(await client.IsOutOfOfficeAsync(Ada, CancellationToken.None));
        _graph.SetAutomaticReplies(Ada, "disabled");
        Assert.True(await client.IsOutOfOfficeAsync(Ada, CancellationToken.None));
        _time.Advance(TimeSpan.FromSeconds(61));
        Assert.False(await client.IsOutOfOfficeAsync(Ada, CancellationToken.None));
        Assert.Equal(2, _graph.Calls.Count);

        Assert.False(await client.IsOutOfOfficeAsync("no-mailbox", CancellationToken.None));
    }

    [Fact]
    public async Task Installing_binds_the_catalog_app_and_a_second_install_is_a_conflict_not_a_failure()
    {
        var client = Client();

        Assert.True(await client.InstallAppForUserAsync(Ada, _graph.CatalogAppId, CancellationToken.None));
        Assert.False(await client.InstallAppForUserAsync(Ada, _graph.CatalogAppId, CancellationToken.None));

        Assert.Equal([201, 409], _graph.Calls.Select(c => c.Status));
        var post = _graph.Calls.First();
        Assert.Equal(("POST", $"/v1.0/users/{Ada}/teamwork/installedApps"), (post.Method, post.Path));
        Assert.StartsWith("application/json", post.ContentType, StringComparison.Ordinal);
        Assert.Equal($"{_graph.BaseUrl}appCatalogs/teamsApps/{_graph.CatalogAppId}", (string?)JsonNode.Parse(post.Body)!["teamsApp@odata.bind"]);
    }

    [Fact]
    public async Task The_installation_is_found_by_the_catalog_id_and_gives_the_1_to_1_chat()
    {
        var client = Client();
        Assert.Null(await client.FindInstallationAsync(Ada, _graph.CatalogAppId, CancellationToken.None));
        var installed = _graph.Install(Ada);

        var installationId = await client.FindInstallationAsync(Ada, _graph.CatalogAppId, CancellationToken.None);
        var chatId = await client.GetInstallationChatIdAsync(Ada, installationId!, CancellationToken.None);

        Assert.Equal((installed.Id, installed.ChatId), (installationId, chatId));
        var list = _graph.Calls.ElementAt(1);
        Assert.Equal(new Dictionary<string, string> { ["$expand"] = "teamsApp", ["$filter"] = $"teamsApp/id eq '{_graph.CatalogAppId}'" }, list.Query);
        var chat = _graph.Calls.Last();
        Assert.Equal(($"/v1.0/users/{Ada}/teamwork/installedApps/{installed.Id}/chat", 200), (chat.Path, chat.Status));
        Assert.Contains(Uri.EscapeDataString(installed.Id), chat.RawTarget, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_refused_install_is_a_graph_exception_with_status_and_code()
    {
        _graph.RefuseInstalls();

        var failure = await Assert.ThrowsAsync<GraphException>(() => Client().InstallAppForUserAsync(Ada, _graph.CatalogAppId, CancellationToken.None));

        Assert.Equal("403 Forbidden", failure.Reason);
        Assert.DoesNotContain("graph-token", failure.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_activity_notice_names_its_topic_type_preview_and_template_values()
    {
        var installed = _graph.Install(Ada);
        var client = Client();
        var preview = new string('x', 200);

        _graph.DeclaredActivityTypes = ActivityFeedTypes.TemplateParameters;

        await client.SendActivityNotificationAsync(Ada, new ActivityNotice(
            ActivityTopic.Installation(_graph.BaseUrl, Ada, installed.Id), ActivityFeedTypes.ApprovalRequested, preview,
            new Dictionary<string, string> { ["submitter"] = "Cleo Clerk", ["customer"] = "US-001 Contoso Retail" }), CancellationToken.None);

        var call = Assert.Single(_graph.Calls);
        Assert.Equal(("POST", $"/v1.0/users/{Ada}/teamwork/sendActivityNotification", 204), (call.Method, call.Path, call.Status));
        var notice = Assert.Single(_graph.ActivityNotices);
        Assert.Equal(("entityUrl", $"{_graph.BaseUrl}users/{Ada}/teamwork/installedApps/{Uri.EscapeDataString(installed.Id)}"), ((string?)notice["topic"]!["source"], (string?)notice["topic"]!["value"]));
        Assert.Equal("approvalRequested", (string?)notice["activityType"]);
        Assert.Equal(150, ((string?)notice["previewText"]!["content"])!.Length);
        Assert.Equal(["submitter=Cleo Clerk", "customer=US-001 Contoso Retail"], notice["templateParameters"]!.AsArray().Select(p => $"{p!["name"]}={p["value"]}"));
    }

    [Fact]
    public async Task A_token_for_another_scope_is_refused_by_graph()
    {
        _graph.ExpectedToken = "a-different-token";

        var failure = await Assert.ThrowsAsync<GraphException>(() => Client().GetUserAsync(Ada, CancellationToken.None));

        Assert.Equal("401 InvalidAuthenticationToken", failure.Reason);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("ada\r\nHost: evil")]
    public async Task Ids_that_cannot_be_a_directory_key_are_refused_before_any_request(string id)
    {
        await Assert.ThrowsAsync<ArgumentException>(() => Client().GetUserAsync(id, CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentException>(() => Client().InstallAppForUserAsync(Ada, "not-a-guid", CancellationToken.None));

        Assert.Empty(_graph.Calls);
    }
}
