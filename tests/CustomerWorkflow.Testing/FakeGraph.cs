using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace CustomerWorkflow.Testing;

/// <summary>A person in the fake directory.</summary>
public sealed record FakeGraphUser(string Id, string DisplayName, string? Mail, string UserPrincipalName);

/// <summary>The app installed in a person's personal scope, and the 1:1 chat that gave them with the bot.</summary>
public sealed record FakeInstallation(string UserId, string Id, string ChatId);

/// <summary>One request the fake received: the path with its segments unescaped, the query options decoded, the headers checked.</summary>
public sealed record GraphCall(
    string Method,
    string Path,
    IReadOnlyDictionary<string, string> Query,
    string RawTarget,
    string? Authorization,
    string? Accept,
    string? ContentType,
    string Body,
    int Status);

/// <summary>
/// Microsoft Graph v1.0 on loopback (HTTPS with the test CA), for the calls the bot makes (BOT-PROTOCOL §6): users by id
/// or UPN, managers, group members in pages joined by <c>@odata.nextLink</c>, automatic replies, installing a catalog
/// app for a person (409 when it already is) and the 1:1 chat that gives them, and activity feed notices. It refuses
/// what Graph would, and what the bot must not send: a missing or wrong bearer token (401), no JSON Accept, a query
/// other than the one each call should carry (the fake's own 400 <c>FakeGraph_UnexpectedQuery</c>), a write whose body
/// is not what the call takes. Answers are Graph-shaped JSON, errors too. Every request is recorded; the next requests
/// can be throttled with a Retry-After.
/// </summary>
public sealed class FakeGraph : IAsyncDisposable
{
    public const string DefaultToken = "graph-token";
    public const string UserSelect = "id,displayName,mail,userPrincipalName";

    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, FakeGraphUser> _users = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, string> _managers = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, IReadOnlyList<string>> _groups = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, JsonObject> _automaticReplies = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, FakeInstallation> _installations = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentQueue<GraphCall> _calls = new();
    private readonly ConcurrentQueue<JsonObject> _notices = new();
    private int _throttle;
    private int _refuseInstalls;

    private FakeGraph(WebApplication app) => _app = app;

    /// <summary><c>https://localhost:{port}/v1.0/</c>, as <c>Graph:BaseUrl</c>.</summary>
    public Uri BaseUrl { get; private set; } = null!;

    /// <summary>The one token the fake accepts.</summary>
    public string ExpectedToken { get; set; } = DefaultToken;

    /// <summary>The app's id in the tenant's catalog; installing any other app is 404.</summary>
    public string CatalogAppId { get; set; } = "6c5a9f5e-1b7e-4d39-9d0e-2f3a4b5c6d7e";

    /// <summary>Members per page, small so a test sees several pages.</summary>
    public int PageSize { get; set; } = 2;

    /// <summary>
    /// The activity types the app manifest declares, each with its template's parameters; when set, a notice of another
    /// type, or without exactly those parameters, is refused as Graph refuses it.
    /// </summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>>? DeclaredActivityTypes { get; set; }

    /// <summary>What the throttled answers say in Retry-After (seconds, or an HTTP date).</summary>
    public string RetryAfter { get; set; } = "1";

    public IReadOnlyCollection<GraphCall> Calls => _calls;

    public IReadOnlyCollection<JsonObject> ActivityNotices => _notices;

    public IReadOnlyCollection<FakeInstallation> Installations => _installations.Values.ToList();

    public static async Task<FakeGraph> StartAsync()
    {
        var app = LoopbackApp.Create();
        var graph = new FakeGraph(app);
        app.Run(graph.HandleAsync);
        await app.StartAsync().ConfigureAwait(false);
        graph.BaseUrl = new Uri($"https://localhost:{LoopbackApp.Port(app)}/v1.0/");
        return graph;
    }

    public FakeGraphUser AddUser(string id, string displayName, string? upn = null)
    {
        var user = new FakeGraphUser(id, displayName, upn ?? displayName.ToLowerInvariant().Replace(' ', '.') + "@example.com", upn ?? displayName.ToLowerInvariant().Replace(' ', '.') + "@example.com");
        _users[id] = user;
        return user;
    }

    public void SetManager(string userId, string managerId) => _managers[userId] = managerId;

    /// <summary>A group whose members are these ids; ids the directory does not know as users are listed as groups (nested).</summary>
    public void AddGroup(string groupId, params string[] memberIds) => _groups[groupId] = memberIds;

    /// <summary>The person's automaticRepliesSetting, as Graph gives it.</summary>
    public void SetAutomaticReplies(string userId, string status, string? start = null, string? end = null, string timeZone = "UTC")
    {
        _automaticReplies[userId] = new JsonObject
        {
            ["status"] = status,
            ["externalAudience"] = "all",
            ["scheduledStartDateTime"] = new JsonObject { ["dateTime"] = start ?? "2026-01-01T00:00:00.0000000", ["timeZone"] = timeZone },
            ["scheduledEndDateTime"] = new JsonObject { ["dateTime"] = end ?? "2026-01-02T00:00:00.0000000", ["timeZone"] = timeZone },
            ["internalReplyMessage"] = "<p>Away</p>",
            ["externalReplyMessage"] = "<p>Away</p>",
        };
    }

    /// <summary>The app is already installed for the person (installing again is 409).</summary>
    public FakeInstallation Install(string userId)
    {
        var installation = new FakeInstallation(userId, InstallationId(userId), $"19:{userId}_{CatalogAppId}@unq.gbl.spaces");
        _installations[userId] = installation;
        return installation;
    }

    /// <summary>The next <paramref name="count"/> requests are answered 429 with <see cref="RetryAfter"/>.</summary>
    public void Throttle(int count) => Volatile.Write(ref _throttle, count);

    /// <summary>Installing is refused (403), as when the tenant's app setup policy or a missing consent forbids it.</summary>
    public void RefuseInstalls() => Volatile.Write(ref _refuseInstalls, 1);

    private static string InstallationId(string userId) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes($"{userId}##installation"));

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var raw = context.Features.Get<IHttpRequestFeature>()!.RawTarget;
        using var reader = new StreamReader(request.Body);
        var body = await reader.ReadToEndAsync(context.RequestAborted).ConfigureAwait(false);
        var queryStart = raw.IndexOf('?', StringComparison.Ordinal);
        var rawPath = queryStart < 0 ? raw : raw[..queryStart];
        var segments = rawPath.Split('/', StringSplitOptions.RemoveEmptyEntries).Select(Uri.UnescapeDataString).ToArray();
        var query = ParseQuery(queryStart < 0 ? string.Empty : raw[(queryStart + 1)..]);

        var (status, answer, headers) = Answer(request.Method, segments, query, request, body);
        _calls.Enqueue(new GraphCall(
            request.Method,
            "/" + string.Join('/', segments),
            query,
            raw,
            request.Headers.Authorization.FirstOrDefault(),
            request.Headers.Accept.FirstOrDefault(),
            request.ContentType,
            body,
            status));

        context.Response.StatusCode = status;
        foreach (var (name, value) in headers)
        {
            context.Response.Headers[name] = value;
        }

        if (answer is not null)
        {
            context.Response.ContentType = "application/json; odata.metadata=minimal; odata.streaming=true; IEEE754Compatible=false; charset=utf-8";
            await context.Response.WriteAsync(answer.ToJsonString(), context.RequestAborted).ConfigureAwait(false);
        }
    }

    private (int Status, JsonNode? Body, Dictionary<string, string> Headers) Answer(string method, string[] path, Dictionary<string, string> query, HttpRequest request, string body)
    {
        var none = new Dictionary<string, string>();
        if (request.Headers.Authorization.FirstOrDefault() != "Bearer " + ExpectedToken)
        {
            return (401, Error("InvalidAuthenticationToken", "Access token validation failure."), none);
        }

        if (!request.Headers.Accept.Any(a => a is not null && a.Contains("application/json", StringComparison.OrdinalIgnoreCase)))
        {
            return (400, Error("FakeGraph_NoAccept", "The bot should ask for application/json."), none);
        }

        if (Interlocked.Decrement(ref _throttle) >= 0)
        {
            return (429, Error("TooManyRequests", "Too many requests."), new Dictionary<string, string> { ["Retry-After"] = RetryAfter });
        }

        if (path.Length < 2 || path[0] != "v1.0")
        {
            return (400, Error("BadRequest", "Invalid version."), none);
        }

        return (method, path[1..]) switch
        {
            ("GET", ["users", var id]) => Expect(query, Select()) ?? User(id),
            ("GET", ["users", var id, "manager"]) => Expect(query, Select()) ?? Manager(id),
            ("GET", ["groups", var id, "members"]) => Members(id, query),
            ("GET", ["users", var id, "mailboxSettings", "automaticRepliesSetting"]) => Expect(query, []) ?? AutomaticReplies(id),
            ("POST", ["users", var id, "teamwork", "installedApps"]) => Expect(query, []) ?? InstallApp(id, request, body),
            ("GET", ["users", var id, "teamwork", "installedApps"]) => Expect(query, new() { ["$expand"] = "teamsApp", ["$filter"] = $"teamsApp/id eq '{CatalogAppId}'" }) ?? ListInstallations(id),
            ("GET", ["users", var id, "teamwork", "installedApps", var installationId, "chat"]) => Expect(query, new() { ["$select"] = "id" }) ?? Chat(id, installationId),
            ("POST", ["users", var id, "teamwork", "sendActivityNotification"]) => Expect(query, []) ?? Notify(id, request, body),
            _ => (400, Error("BadRequest", $"Resource not found for the segment '{path[^1]}'."), none),
        };
    }

    private static Dictionary<string, string> Select() => new() { ["$select"] = UserSelect };

    private static (int, JsonNode?, Dictionary<string, string>)? Expect(Dictionary<string, string> query, Dictionary<string, string> expected) =>
        query.Count == expected.Count && expected.All(e => query.TryGetValue(e.Key, out var value) && value == e.Value)
            ? null
            : (400, Error("FakeGraph_UnexpectedQuery", $"Expected ?{string.Join('&', expected.Select(e => e.Key + "=" + e.Value))}, got ?{string.Join('&', query.Select(q => q.Key + "=" + q.Value))}."), []);

    private (int, JsonNode?, Dictionary<string, string>) User(string idOrUpn) =>
        Find(idOrUpn) is { } user
            ? (200, UserJson(user, $"{BaseUrl}$metadata#users(id,displayName,mail,userPrincipalName)/$entity", typed: false), [])
            : NotFound(idOrUpn);

    private (int, JsonNode?, Dictionary<string, string>) Manager(string idOrUpn)
    {
        if (Find(idOrUpn) is not { } user)
        {
            return NotFound(idOrUpn);
        }

        return _managers.TryGetValue(user.Id, out var managerId) && _users.TryGetValue(managerId, out var manager)
            ? (200, UserJson(manager, $"{BaseUrl}$metadata#directoryObjects(id,displayName,mail,userPrincipalName)/$entity", typed: true), [])
            : (404, Error("Request_ResourceNotFound", $"Resource 'manager' does not exist or one of its queried reference-property objects are not present."), []);
    }

    private (int, JsonNode?, Dictionary<string, string>) Members(string groupId, Dictionary<string, string> query)
    {
        var skip = 0;
        var expected = new Dictionary<string, string> { ["$select"] = UserSelect, ["$top"] = "999" };
        if (query.TryGetValue("$skiptoken", out var token))
        {
            expected["$skiptoken"] = token;
            if (!int.TryParse(token.Replace("page-", string.Empty, StringComparison.Ordinal), NumberStyles.None, CultureInfo.InvariantCulture, out skip))
            {
                return (400, Error("BadRequest", "Invalid skip token."), []);
            }
        }

        if (Expect(query, expected) is { } refused)
        {
            return refused;
        }

        if (!_groups.TryGetValue(groupId, out var members))
        {
            return NotFound(groupId);
        }

        var page = new JsonArray();
        foreach (var id in members.Skip(skip).Take(PageSize))
        {
            page.Add(_users.TryGetValue(id, out var user)
                ? UserJson(user, null, typed: true)
                : new JsonObject { ["@odata.type"] = "#microsoft.graph.group", ["id"] = id, ["displayName"] = id, ["mail"] = null });
        }

        var answer = new JsonObject
        {
            ["@odata.context"] = $"{BaseUrl}$metadata#directoryObjects(id,displayName,mail,userPrincipalName)",
            ["value"] = page,
        };
        if (skip + PageSize < members.Count)
        {
            answer["@odata.nextLink"] = $"{BaseUrl}groups/{Uri.EscapeDataString(groupId)}/members?$select={UserSelect}&$top=999&$skiptoken=page-{skip + PageSize}";
        }

        return (200, answer, []);
    }

    private (int, JsonNode?, Dictionary<string, string>) AutomaticReplies(string idOrUpn)
    {
        if (Find(idOrUpn) is not { } user)
        {
            return NotFound(idOrUpn);
        }

        var setting = _automaticReplies.TryGetValue(user.Id, out var stored) ? (JsonObject)stored.DeepClone() : new JsonObject { ["status"] = "disabled" };
        setting["@odata.context"] = $"{BaseUrl}$metadata#users('{user.Id}')/mailboxSettings/automaticRepliesSetting";
        return (200, setting, []);
    }

    private (int, JsonNode?, Dictionary<string, string>) InstallApp(string idOrUpn, HttpRequest request, string body)
    {
        if (!(request.ContentType ?? string.Empty).StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
        {
            return (415, Error("UnsupportedMediaType", "Content-Type must be application/json."), []);
        }

        string? bind;
        try
        {
            bind = JsonNode.Parse(body)?["teamsApp@odata.bind"]?.GetValue<string>();
        }
        catch (JsonException)
        {
            return (400, Error("BadRequest", "The body is not JSON."), []);
        }

        if (bind != $"{BaseUrl}appCatalogs/teamsApps/{CatalogAppId}")
        {
            return (404, Error("NotFound", $"The catalog has no app '{bind}'."), []);
        }

        if (Find(idOrUpn) is not { } user)
        {
            return NotFound(idOrUpn);
        }

        if (Volatile.Read(ref _refuseInstalls) == 1)
        {
            return (403, Error("Forbidden", "The app setup policy does not allow installing this app for the user."), []);
        }

        if (_installations.ContainsKey(user.Id))
        {
            return (409, Error("Conflict", "App is already installed for the user."), []);
        }

        Install(user.Id);
        return (201, null, []);
    }

    private (int, JsonNode?, Dictionary<string, string>) ListInstallations(string idOrUpn)
    {
        if (Find(idOrUpn) is not { } user)
        {
            return NotFound(idOrUpn);
        }

        var value = new JsonArray();
        if (_installations.TryGetValue(user.Id, out var installation))
        {
            value.Add(new JsonObject
            {
                ["id"] = installation.Id,
                ["consentedPermissionSet"] = null,
                ["teamsApp"] = new JsonObject
                {
                    ["id"] = CatalogAppId,
                    ["externalId"] = "f31b1263-ba99-435a-a679-911d24850d7c",
                    ["displayName"] = "Customer Workflow",
                    ["distributionMethod"] = "organization",
                },
            });
        }

        return (200, new JsonObject { ["@odata.context"] = $"{BaseUrl}$metadata#users('{user.Id}')/teamwork/installedApps(teamsApp())", ["value"] = value }, []);
    }

    private (int, JsonNode?, Dictionary<string, string>) Chat(string idOrUpn, string installationId) =>
        Find(idOrUpn) is { } user && _installations.TryGetValue(user.Id, out var installation) && installation.Id == installationId
            ? (200, new JsonObject { ["@odata.context"] = $"{BaseUrl}$metadata#chats(id)/$entity", ["id"] = installation.ChatId }, [])
            : NotFound(installationId);

    private (int, JsonNode?, Dictionary<string, string>) Notify(string idOrUpn, HttpRequest request, string body)
    {
        if (Find(idOrUpn) is not { } user)
        {
            return NotFound(idOrUpn);
        }

        JsonObject? notice;
        try
        {
            notice = JsonNode.Parse(body) as JsonObject;
        }
        catch (JsonException)
        {
            notice = null;
        }

        var topic = notice?["topic"] as JsonObject;
        var source = (string?)topic?["source"];
        var valid = (request.ContentType ?? string.Empty).StartsWith("application/json", StringComparison.OrdinalIgnoreCase)
            && notice?["activityType"] is JsonValue
            && notice["previewText"]?["content"] is JsonValue
            && notice["templateParameters"] is JsonArray
            && ((source == "entityUrl" && _installations.TryGetValue(user.Id, out var installation)
                    && (string?)topic!["value"] == $"{BaseUrl}users/{Uri.EscapeDataString(user.Id)}/teamwork/installedApps/{Uri.EscapeDataString(installation.Id)}")
                || (source == "text" && topic!["value"] is JsonValue && ((string?)topic["webUrl"])?.StartsWith("https://teams.microsoft.com/", StringComparison.Ordinal) == true));
        if (!valid)
        {
            return (400, Error("BadRequest", "The notice's topic, activityType, previewText or templateParameters are not as Graph takes them."), []);
        }

        if (DeclaredActivityTypes is { } declared
            && (!declared.TryGetValue((string)notice!["activityType"]!, out var parameters)
                || !parameters.Order(StringComparer.Ordinal).SequenceEqual(notice["templateParameters"]!.AsArray().Select(p => (string?)p?["name"] ?? string.Empty).Order(StringComparer.Ordinal))))
        {
            return (400, Error("BadRequest", "The activity type is not declared in the app manifest, or its template parameters differ."), []);
        }

        notice!["recipient"] = user.Id;
        _notices.Enqueue(notice);
        return (204, null, []);
    }

    private FakeGraphUser? Find(string idOrUpn) =>
        _users.TryGetValue(idOrUpn, out var byId) ? byId : _users.Values.FirstOrDefault(u => string.Equals(u.UserPrincipalName, idOrUpn, StringComparison.OrdinalIgnoreCase));

    private static JsonObject UserJson(FakeGraphUser user, string? context, bool typed)
    {
        var json = new JsonObject();
        if (context is not null)
        {
            json["@odata.context"] = context;
        }

        if (typed)
        {
            json["@odata.type"] = "#microsoft.graph.user";
        }

        json["id"] = user.Id;
        json["displayName"] = user.DisplayName;
        json["mail"] = user.Mail;
        json["userPrincipalName"] = user.UserPrincipalName;
        return json;
    }

    private static (int, JsonNode?, Dictionary<string, string>) NotFound(string id) =>
        (404, Error("Request_ResourceNotFound", $"Resource '{id}' does not exist or one of its queried reference-property objects are not present."), []);

    private static JsonObject Error(string code, string message) => new()
    {
        ["error"] = new JsonObject
        {
            ["code"] = code,
            ["message"] = message,
            ["innerError"] = new JsonObject
            {
                ["date"] = "2026-11-21T10:00:00",
                ["request-id"] = "8e4b1c3a-0000-4000-8000-000000000001",
                ["client-request-id"] = "8e4b1c3a-0000-4000-8000-000000000001",
            },
        },
    };

    private static Dictionary<string, string> ParseQuery(string raw)
    {
        var query = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in raw.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            var key = Uri.UnescapeDataString(equals < 0 ? pair : pair[..equals]);
            query[key] = equals < 0 ? string.Empty : Uri.UnescapeDataString(pair[(equals + 1)..]);
        }

        return query;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }
}
