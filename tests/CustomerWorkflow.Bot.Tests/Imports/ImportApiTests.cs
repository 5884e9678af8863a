using System.IdentityModel.Tokens.Jwt;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using CustomerWorkflow.Bot.Imports;
using CustomerWorkflow.Bot.Tests.Infrastructure;
using CustomerWorkflow.Core.Import;
using CustomerWorkflow.Core.People;
using CustomerWorkflow.Core.Settings;
using CustomerWorkflow.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.Tokens;

namespace CustomerWorkflow.Bot.Tests.Imports;

/// <summary>
/// <c>POST /api/import</c> on the production host, called with real RS256 tokens signed by a loopback Entra authority
/// (OpenID metadata and keys over HTTPS): refused tokens get 401 or 403 and change nothing, a valid one imports under the
/// behaviour and answers every row, and an Idempotency-Key makes a retry answer the first result without importing again.
/// </summary>
public sealed class ImportApiTests : IAsyncLifetime
{
    private const string Tenant = "7d1c2a4e-5b6f-4c3d-8e9f-0a1b2c3d4e5f";
    private const string Audience = "api://customer-workflow-import";
    private const string ClientId = "3f9e8d7c-erp-sync";
    private const string KeyId = "entra-k1";
    private const string V2Issuer = $"https://login.microsoftonline.com/{Tenant}/v2.0";

    private MetadataServer _authority = null!;
    private BotTestHost _host = null!;

    public async Task InitializeAsync()
    {
        _authority = await MetadataServer.StartAsync();
        _authority.PublishKey(TestKeys.Third, KeyId);
        _host = await BotTestHost.StartAsync(authenticated: true, settings: new Dictionary<string, string?>
        {
            [ImportApiSettings.TenantIdKey] = Tenant,
            [ImportApiSettings.AudienceKey] = Audience,
            [ImportApiSettings.MetadataUrlKey] = _authority.MetadataUrl,
            [$"{ImportApiSettings.AppsKey}:{ClientId}"] = "ERP sync",
            [ImportSettings.MaxBytesKey] = "4096",
        });
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _authority.DisposeAsync();
    }

    /// <summary>An access token as Entra ID issues it to an app (client credentials), each part overridable.</summary>
    private static string Token(
        RSA? key = null,
        string issuer = V2Issuer,
        string audience = Audience,
        string[]? roles = null,
        string? azp = ClientId,
        string? appid = null,
        DateTime? expires = null)
    {
        var now = DateTime.UtcNow;
        var claims = new List<Claim> { new("tid", Tenant), new("oid", "sp-object-id"), new("idtyp", "app") };
        claims.AddRange((roles ?? ["Customers.Import"]).Select(r => new Claim("roles", r)));
        if (azp is not null)
        {
            claims.Add(new Claim("azp", azp));
        }

        if (appid is not null)
        {
            claims.Add(new Claim("appid", appid));
        }

        return new JwtSecurityTokenHandler().CreateEncodedJwt(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            Subject = new ClaimsIdentity(claims),
            NotBefore = (expires ?? now.AddHours(1)).AddHours(-2),
            IssuedAt = (expires ?? now.AddHours(1)).AddHours(-2),
            Expires = expires ?? now.AddHours(1),
            SigningCredentials = new SigningCredentials(new RsaSecurityKey(key ?? TestKeys.Third) { KeyId = KeyId }, SecurityAlgorithms.RsaSha256),
        });
    }

    private async Task<HttpResponseMessage> PostAsync(string body, string? token, string contentType = "text/csv", string? key = null, string path = ImportApiEndpoint.Path, HttpClient? client = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        if (key is not null)
        {
            request.Headers.Add(ImportApiEndpoint.IdempotencyKeyHeader, key);
        }

        return await (client ?? _host.Client).SendAsync(request);
    }

    private static async Task<JsonObject> JsonAsync(HttpResponseMessage response) => JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();

    private async Task<string> CityAsync(string id = "US-001") => (await _host.Engine.GetCustomerAsync(id)).Customer["City"];

    private async Task<IReadOnlyList<ImportRecord>> ImportsAsync() =>
        await _host.Services.GetRequiredService<IImportLog>().ListImportsAsync(DateTimeOffset.UtcNow.AddHours(-1), 100);

    private const string Csv = "CustomerId,CreditLimit,City\nUS-001,300000,Boston\nUS-002,120000,Tacoma\nUS-404,1,Nowhere\n";

    [Fact]
    public async Task A_request_without_a_token_is_refused_with_401_and_changes_nothing()
    {
        using var response = await PostAsync(Csv, token: null);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Bearer realm=\"customer-workflow-import\"", response.Headers.WwwAuthenticate.ToString());
        Assert.Equal("Unauthorized", (string?)(await JsonAsync(response))["title"]);
        Assert.Equal("Redmond", await CityAsync());
        Assert.Empty(await ImportsAsync());
    }

    public static TheoryData<string, string> RefusedTokens() => new()
    {
        { "expired", "the token has expired" },
        { "wrong-audience", "the token is for another audience" },
        { "other-tenant", "the token is from another issuer" },
        { "forged", "the token did not validate" },
        { "no-app", "the token names no calling application" },
        { "not-a-jwt", "the bearer token is not a compact JWS" },
        { "jwe", "the bearer token is not a compact JWS" },
    };

    [Theory]
    [MemberData(nameof(RefusedTokens))]
    public async Task A_refused_token_gets_401_with_the_reason_and_changes_nothing(string kind, string reason)
    {
        var token = kind switch
        {
            "expired" => Token(expires: DateTime.UtcNow.AddMinutes(-10)),
            "wrong-audience" => Token(audience: "api://some-other-api"),
            "other-tenant" => Token(issuer: "https://login.microsoftonline.com/11111111-2222-3333-4444-555555555555/v2.0"),
            "forged" => Token(key: TestKeys.Other),
            "no-app" => Token(azp: null),
            "not-a-jwt" => "not-a-token",
            _ => "eyJhbGciOiJSU0EtT0FFUCJ9.a.b.c.d",
        };

        using var response = await PostAsync(Csv, token);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var challenge = response.Headers.WwwAuthenticate.ToString();
        Assert.StartsWith("Bearer realm=\"customer-workflow-import\", error=\"invalid_token\"", challenge, StringComparison.Ordinal);
        Assert.Contains(reason, challenge, StringComparison.Ordinal);
        Assert.Equal("Redmond", await CityAsync());
        Assert.Empty(await ImportsAsync());
    }

    [Fact]
    public async Task A_valid_token_without_the_app_role_gets_403_and_changes_nothing()
    {
        using var response = await PostAsync(Csv, Token(roles: ["Customers.Read"]));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("error=\"insufficient_scope\"", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        Assert.Equal("The calling application needs the app role Customers.Import on the import API.", (string?)(await JsonAsync(response))["detail"]);
        Assert.Equal("Redmond", await CityAsync());
        Assert.Empty(await ImportsAsync());
    }

    [Theory]
    [InlineData(ImportBehaviour.Allow, "applied", 2, 0)]
    [InlineData(ImportBehaviour.Reject, "rejected", 1, 0)]
    [InlineData(ImportBehaviour.Propose, "proposed", 1, 1)]
    public async Task A_valid_token_imports_under_the_behaviour_and_answers_every_row(ImportBehaviour behaviour, string first, int applied, int proposed)
    {
        await _host.Engine.SetImportBehaviourAsync(ImportTestHost.Admin, behaviour);

        using var response = await PostAsync(Csv, Token());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await JsonAsync(response);
        Assert.Equal(("completed", behaviour.ToString().ToLowerInvariant(), false), ((string?)body["status"], (string?)body["behaviour"], (bool?)body["replayed"]));
        var counts = body["counts"]!;
        Assert.Equal((3, applied, proposed), ((int)counts["rows"]!, (int)counts["applied"]!, (int)counts["proposed"]!));
        var rows = body["rows"]!.AsArray();
        Assert.Equal([1, 2, 3], rows.Select(r => (int)r!["row"]!));
        Assert.Equal(first, (string?)rows[0]!["outcome"]);
        Assert.Equal(("rejected", "There is no customer US-404."), ((string?)rows[2]!["outcome"], (string?)rows[2]!["reason"]));
        Assert.Equal("Tacoma", await CityAsync("US-002"));
        var record = Assert.Single(await ImportsAsync());
        Assert.Equal((ImportEntryPoint.Api, "app:" + ClientId, "ERP sync", ImportRowsKept.All), (record.EntryPoint, record.ActorId, record.ActorName, record.RowsKept));
        if (behaviour == ImportBehaviour.Propose)
        {
            Assert.Equal(["US-001-P1"], body["submittedProposals"]!.AsArray().Select(p => (string?)p));
            // The app is the submitter, named as configured wherever the proposal is shown.
            var proposal = await _host.Engine.GetProposalAsync("US-001-P1");
            Assert.Equal(("app:" + ClientId, "ERP sync"), (proposal.SubmittedBy, proposal.SubmittedByName));
            Assert.Equal("ERP sync", (await _host.Users.GetUserAsync("app:" + ClientId))?.Name);
        }
    }

    [Fact]
    public async Task Approvers_hear_about_the_proposals_an_api_import_submitted()
    {
        await _host.Approver.SendAsync("hi");

        using var response = await PostAsync("CustomerId,CreditLimit\nUS-001,300000\nUS-002,130000\n", Token());
        await _host.Services.GetRequiredService<ImportJobs>().WhenIdleAsync().WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var notice = Assert.Single(_host.Approver.Received, a => a.Text?.Contains("import of", StringComparison.Ordinal) == true);
        Assert.Equal("ERP sync's import of request.csv submitted 2 proposals for approval. Type `inbox` to see the ones waiting for you.", notice.Text);
    }

    [Fact]
    public async Task A_v1_token_of_the_tenant_is_accepted_with_its_appid()
    {
        await _host.Engine.SetImportBehaviourAsync(ImportTestHost.Admin, ImportBehaviour.Allow);

        using var response = await PostAsync("CustomerId,City\nUS-001,Boston\n", Token(issuer: $"https://sts.windows.net/{Tenant}/", azp: null, appid: ClientId));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Boston", await CityAsync());
    }

    [Fact]
    public async Task The_same_idempotency_key_twice_imports_once_and_answers_the_first_result()
    {
        await _host.Engine.SetImportBehaviourAsync(ImportTestHost.Admin, ImportBehaviour.Propose);
        var key = Guid.NewGuid().ToString();

        using var first = await PostAsync(Csv, Token(), key: key);
        using var retry = await PostAsync(Csv, Token(), key: key);

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (first.StatusCode, retry.StatusCode));
        var (a, b) = (await JsonAsync(first), await JsonAsync(retry));
        Assert.Equal(("true", (bool?)true), (retry.Headers.GetValues(ImportApiEndpoint.ReplayedHeader).Single(), (bool?)b["replayed"]));
        Assert.False(first.Headers.Contains(ImportApiEndpoint.ReplayedHeader));
        Assert.Equal((string?)a["importId"], (string?)b["importId"]);
        Assert.Equal(a["rows"]!.ToJsonString(), b["rows"]!.ToJsonString());
        Assert.Single(await ImportsAsync());
        // Imported twice, the second run would have found the first's proposal and rejected the row.
        Assert.Single(await _host.Engine.GetHistoryAsync("US-001"), h => h.Action == Core.Proposals.HistoryAction.Submitted);
    }

    [Fact]
    public async Task The_same_idempotency_key_with_another_body_is_refused_with_422()
    {
        var key = Guid.NewGuid().ToString();
        using var first = await PostAsync("CustomerId,City\nUS-001,Boston\n", Token(), key: key);

        using var other = await PostAsync("CustomerId,City\nUS-001,Austin\n", Token(), key: key);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, other.StatusCode);
        Assert.StartsWith("This Idempotency-Key was used for import imp-", (string?)(await JsonAsync(other))["detail"], StringComparison.Ordinal);
        Assert.Equal("Boston", await CityAsync());
        Assert.Single(await ImportsAsync());
    }

    [Fact]
    public async Task A_dry_run_and_the_real_import_under_one_key_are_two_requests()
    {
        var key = Guid.NewGuid().ToString();
        using var dry = await PostAsync("CustomerId,City\nUS-001,Boston\n", Token(), key: key, path: ImportApiEndpoint.Path + "?dryRun=true");

        using var real = await PostAsync("CustomerId,City\nUS-001,Boston\n", Token(), key: key);

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.UnprocessableEntity), (dry.StatusCode, real.StatusCode));
        Assert.Equal("Redmond", await CityAsync());
    }

    [Fact]
    public async Task A_key_still_being_imported_gets_409_with_retry_after()
    {
        var key = Guid.NewGuid().ToString();
        // Another instance holds the key's claim and has not recorded its import yet.
        Assert.True(await _host.Services.GetRequiredService<IIdempotencyStore>().TryClaimAsync($"importkey|api|app:{ClientId}|{key}", DateTimeOffset.UtcNow));

        using var response = await PostAsync("CustomerId,City\nUS-001,Boston\n", Token(), key: key);

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal("5", response.Headers.RetryAfter?.ToString());
        Assert.Equal("Redmond", await CityAsync());
    }

    [Fact]
    public async Task The_same_key_from_another_app_is_another_key()
    {
        var key = Guid.NewGuid().ToString();
        using var first = await PostAsync("CustomerId,City\nUS-001,Boston\n", Token(), key: key);

        using var other = await PostAsync("CustomerId,City\nUS-002,Austin\n", Token(azp: "another-app"), key: key);

        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
        Assert.Equal(2, (await ImportsAsync()).Count);
    }

    public static TheoryData<string, string, int, string> BadRequests() => new()
    {
        { "text/plain", "CustomerId,City\nUS-001,Boston\n", 415, "Send the file as text/csv or application/json." },
        { "text/csv; charset=iso-8859-1", "CustomerId,City\nUS-001,Boston\n", 415, "The import reads UTF-8 only, not iso-8859-1." },
        { "text/csv", "US-001,Boston\n", 400, "The first row must be a header with a CustomerId column" },
        { "text/csv", "CustomerId,City,Colour\nUS-001,Boston,red\n", 400, "The header names an unknown column 'Colour'" },
        { "application/json", "[{\"CustomerId\": \"US-001\",", 400, "The file is not valid JSON" },
        { "text/csv", "CustomerId,City\n" + string.Concat(Enumerable.Repeat("US-001,Boston\n", 400)), 413, "The body is larger than the 4 KB an import may have." },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task Bad_input_gets_a_problem_answer_and_changes_nothing(string contentType, string body, int status, string detail)
    {
        using var response = await PostAsync(body, Token(), contentType);

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.StartsWith(detail, (string?)(await JsonAsync(response))["detail"], StringComparison.Ordinal);
        Assert.Equal("Redmond", await CityAsync());
        Assert.Empty(await ImportsAsync());
    }

    [Fact]
    public async Task A_malformed_idempotency_key_is_refused()
    {
        using var response = await PostAsync("CustomerId,City\nUS-001,Boston\n", Token(), key: new string('k', 201));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("Redmond", await CityAsync());
    }

    [Fact]
    public async Task A_json_body_is_imported_and_a_dry_run_writes_no_customer()
    {
        await _host.Engine.SetImportBehaviourAsync(ImportTestHost.Admin, ImportBehaviour.Allow);

        using var dry = await PostAsync("""[{"CustomerId": "US-001", "City": "Boston"}]""", Token(), "application/json", path: ImportApiEndpoint.Path + "?dryRun=true");
        Assert.Equal(HttpStatusCode.OK, dry.StatusCode);
        var body = await JsonAsync(dry);
        Assert.Equal((true, 1), ((bool)body["dryRun"]!, (int)body["counts"]!["applied"]!));
        Assert.Equal("Redmond", await CityAsync());

        using var real = await PostAsync("""[{"CustomerId": "US-001", "City": "Boston"}]""", Token(), "application/json");
        Assert.Equal(HttpStatusCode.OK, real.StatusCode);
        Assert.Equal("Boston", await CityAsync());
        Assert.Equal([false, true], (await ImportsAsync()).Select(r => r.DryRun));
    }
}

/// <summary>Where the import API exists: configured, or in development mode on this machine only; not otherwise.</summary>
public sealed class ImportApiModeTests
{
    [Fact]
    public async Task Without_settings_a_host_with_an_app_id_has_no_import_api()
    {
        await using var host = await BotTestHost.StartAsync(authenticated: true);

        using var response = await host.Client.PostAsync(ImportApiEndpoint.Path, new StringContent("CustomerId,City\nUS-001,Boston\n", Encoding.UTF8, "text/csv"));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task In_development_mode_it_imports_without_a_token_as_the_local_app()
    {
        await using var host = await BotTestHost.StartAsync();
        await host.Engine.SetImportBehaviourAsync(ImportTestHost.Admin, ImportBehaviour.Allow);

        using var response = await host.Client.PostAsync(ImportApiEndpoint.Path, new StringContent("CustomerId,City\nUS-001,Boston\n", Encoding.UTF8, "text/csv"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Boston", (await host.Engine.GetCustomerAsync("US-001")).Customer["City"]);
        var record = Assert.Single(await host.Services.GetRequiredService<IImportLog>().ListImportsAsync(DateTimeOffset.UtcNow.AddHours(-1), 10));
        Assert.Equal(("app:local-development", "Local development"), (record.ActorId, record.ActorName));
    }

    [Fact]
    public async Task Half_configured_it_stops_the_host_at_start_naming_the_setting()
    {
        var failure = await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            await using var host = await BotTestHost.StartAsync(settings: new Dictionary<string, string?> { [ImportApiSettings.TenantIdKey] = "contoso.onmicrosoft.com" });
            using var response = await host.Client.GetAsync("/healthz");
        });

        Assert.Contains("ImportApi:Audience", failure.ToString(), StringComparison.Ordinal);
    }
}
