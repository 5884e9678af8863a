using System.Net;
using System.Text.Json;
using CustomerWorkflow.Bot.Protocol;
using CustomerWorkflow.Bot.Protocol.Authentication;
using CustomerWorkflow.Core;
using CustomerWorkflow.Core.Import;
using CustomerWorkflow.Core.People;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Net.Http.Headers;

namespace CustomerWorkflow.Bot.Imports;

/// <summary>
/// The import API's settings (<c>ImportApi:*</c>): the Entra tenant and the audience of the API's own app registration,
/// the app role a caller needs, and optional display names for calling apps. Null when the API is not configured.
/// </summary>
internal sealed record ImportApiSettings(EntraTokenOptions Tokens, string Role, string MetadataUrl, IReadOnlyDictionary<string, string> AppNames)
{
    public const string TenantIdKey = "ImportApi:TenantId";
    public const string AudienceKey = "ImportApi:Audience";
    public const string RoleKey = "ImportApi:Role";
    public const string MetadataUrlKey = "ImportApi:MetadataUrl";
    public const string AcceptV1TokensKey = "ImportApi:AcceptV1Tokens";
    public const string AppsKey = "ImportApi:Apps";
    public const string DefaultRole = "Customers.Import";

    public static ImportApiSettings? From(IConfiguration configuration)
    {
        var tenant = configuration[TenantIdKey]?.Trim();
        var audiences = ImportSettings.List(configuration, AudienceKey);
        if (string.IsNullOrEmpty(tenant) && audiences.Count == 0)
        {
            return null;
        }

        if (string.IsNullOrEmpty(tenant) || audiences.Count == 0)
        {
            throw new InvalidOperationException($"The import API needs both {TenantIdKey} (the Entra tenant id) and {AudienceKey} (the API's application id URI or client id); only one is set.");
        }

        if (!Guid.TryParse(tenant, out _) && !tenant.Contains('.', StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"{TenantIdKey} must be the tenant's id (a GUID) or its domain, not '{tenant}'.");
        }

        var tokens = new EntraTokenOptions(tenant, audiences, configuration.GetValue(AcceptV1TokensKey, true));
        var metadata = configuration[MetadataUrlKey]?.Trim();
        if (!string.IsNullOrEmpty(metadata) && (!Uri.TryCreate(metadata, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttps))
        {
            throw new InvalidOperationException($"{MetadataUrlKey} must be an https URL, not '{metadata}'.");
        }

        var names = configuration.GetSection(AppsKey).GetChildren()
            .Where(c => !string.IsNullOrWhiteSpace(c.Value))
            .ToDictionary(c => c.Key, c => c.Value!.Trim(), StringComparer.OrdinalIgnoreCase);
        return new ImportApiSettings(tokens, configuration[RoleKey]?.Trim() is { Length: > 0 } role ? role : DefaultRole,
            string.IsNullOrEmpty(metadata) ? tokens.DefaultMetadataUrl : metadata, names);
    }
}

/// <summary>
/// <c>POST /api/import</c> for integrations: a CSV (<c>text/csv</c>) or JSON (<c>application/json</c>) body, imported under
/// the data entity behaviour, answered with every row's result as JSON. Callers authenticate with Entra ID access tokens
/// for the API's own app registration, holding its app role; the calling app is the importer. An <c>Idempotency-Key</c>
/// makes a retry answer with the first result (header <c>Idempotent-Replayed: true</c>) instead of importing again; the
/// same key with another body is refused with 422, and while the first request still runs, with 409. In development
/// mode (no bot app id, and no <c>ImportApi</c> settings) it takes requests from this machine only, without a token, as
/// the bot does. Bad input gets a problem+json answer and changes nothing.
/// </summary>
internal sealed partial class ImportApiEndpoint(
    ImportService imports,
    IImportLog log,
    IIdempotencyStore claims,
    UserDirectory directory,
    ImportNotices notices,
    ImportJobs jobs,
    EntraTokenValidator? validator,
    ImportApiSettings? settings,
    TimeProvider time,
    ILogger<ImportApiEndpoint> logger)
{
    public const string Path = "/api/import";
    public const string IdempotencyKeyHeader = "Idempotency-Key";
    public const string ReplayedHeader = "Idempotent-Replayed";
    public const int MaxKeyLength = 200;

    private const string Realm = "customer-workflow-import";
    private const string DevelopmentApp = "local-development";

    // The answer is JSON for programs, never embedded in HTML: quotes and accents in reasons stay readable.
    private static readonly JsonWriterOptions _json = new() { Indented = false, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public async Task HandleAsync(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        var request = http.Request;
        var ct = http.RequestAborted;

        var caller = await AuthenticateAsync(http, ct).ConfigureAwait(false);
        if (caller is null)
        {
            return;
        }

        var mediaType = MediaTypeHeaderValue.TryParse(request.ContentType, out var parsed) ? parsed : null;
        var type = mediaType?.MediaType.Value?.ToLowerInvariant();
        if (type is not ("text/csv" or "application/csv" or "application/json" or "text/json"))
        {
            await ProblemAsync(http, 415, "Unsupported media type", "Send the file as text/csv or application/json.").ConfigureAwait(false);
            return;
        }

        if (mediaType!.Charset.Value is { Length: > 0 } charset && !charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase) && !charset.Equals("utf8", StringComparison.OrdinalIgnoreCase))
        {
            await ProblemAsync(http, 415, "Unsupported charset", $"The import reads UTF-8 only, not {charset}.").ConfigureAwait(false);
            return;
        }

        var maxBytes = imports.Settings.MaxBytes;
        if (request.ContentLength > maxBytes)
        {
            await ProblemAsync(http, 413, "Too large", $"The body is larger than the {ImportSettings.Size(maxBytes)} an import may have. Split it into smaller requests.").ConfigureAwait(false);
            return;
        }

        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            // The server's own limit (30 MB by default) would cut a file the import allows; the import counts instead.
            limit.MaxRequestBodySize = maxBytes + 1;
        }

        string? key = null;
        if (request.Headers.TryGetValue(IdempotencyKeyHeader, out var keys))
        {
            var given = keys.ToString().Trim();
            if (given.Length is 0 or > MaxKeyLength || keys.Count > 1 || given.Any(c => c is < '!' or > '~'))
            {
                await ProblemAsync(http, 400, "Bad Idempotency-Key", $"An Idempotency-Key is one value of 1 to {MaxKeyLength} printable ASCII characters without spaces, such as a GUID.").ConfigureAwait(false);
                return;
            }

            key = $"api|{caller.Id}|{given}";
        }

        ImportFile file;
        try
        {
            file = await ImportFile.ReadAsync(request.Body, FileName(request, type), type, maxBytes, ct).ConfigureAwait(false);
        }
        catch (ImportFileException refusal)
        {
            await ProblemAsync(http, refusal.Problem == ImportFileProblem.TooLarge ? 413 : 400, "The file cannot be imported", refusal.Message).ConfigureAwait(false);
            return;
        }
        catch (BadHttpRequestException exception)
        {
            await ProblemAsync(http, exception.StatusCode, "Bad request", exception.StatusCode == 413
                ? $"The body is larger than the {ImportSettings.Size(maxBytes)} an import may have."
                : "The request body could not be read.").ConfigureAwait(false);
            return;
        }

        await using (file.ConfigureAwait(false))
        {
            var dryRun = request.Query.TryGetValue("dryRun", out var dry) && bool.TryParse(dry.ToString(), out var d) && d;
            await ImportAsync(http, caller, file, dryRun, key, ct).ConfigureAwait(false);
        }
    }

    private async Task ImportAsync(HttpContext http, Actor caller, ImportFile file, bool dryRun, string? key, CancellationToken ct)
    {
        // A retry is the same body with the same dry-run flag: a dry run and the real import of a file are two requests.
        var requestHash = dryRun ? file.Sha256 + "|dry-run" : file.Sha256;
        var claim = key is null ? null : "importkey|" + key;
        if (key is not null)
        {
            if (await log.FindImportByKeyAsync(key, ct).ConfigureAwait(false) is { } first)
            {
                await ReplayAsync(http, first, requestHash).ConfigureAwait(false);
                return;
            }

            if (!await claims.TryClaimAsync(claim!, time.GetUtcNow(), ct).ConfigureAwait(false))
            {
                // Claimed by a request still running, or one that finished since the lookup above.
                if (await log.FindImportByKeyAsync(key, ct).ConfigureAwait(false) is { } finished)
                {
                    await ReplayAsync(http, finished, requestHash).ConfigureAwait(false);
                    return;
                }

                http.Response.Headers.RetryAfter = "5";
                await ProblemAsync(http, 409, "In progress", "A request with this Idempotency-Key is still being imported. Retry it in a few seconds to get its result.").ConfigureAwait(false);
                return;
            }
        }

        ImportResult result;
        try
        {
            result = await imports.RunAsync(new ImportRequest(caller, ImportEntryPoint.Api, file, dryRun, IsApplication: true, ImportRowsKept.All, key, requestHash), null, ct).ConfigureAwait(false);
        }
        catch (WorkflowException refusal)
        {
            await ReleaseAsync(claim).ConfigureAwait(false);
            await ProblemAsync(http, 400, "The file cannot be imported", refusal.Message).ConfigureAwait(false);
            return;
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // The service rethrows only what stopped the import before its first row: nothing was written.
            await ReleaseAsync(claim).ConfigureAwait(false);
            LogFailed(logger, exception);
            await ProblemAsync(http, 503, "Not imported", "The store could not be reached; nothing was imported. Retry the request (with the same Idempotency-Key) later.").ConfigureAwait(false);
            return;
        }

        if (result.SubmittedProposals.Count > 0 && !result.Record.DryRun)
        {
            jobs.Enqueue(async jobCt => await notices.SendAsync(await notices.ForAsync(result, jobCt).ConfigureAwait(false), jobCt).ConfigureAwait(false));
        }

        await WriteResultAsync(http, result.Record, replayed: false).ConfigureAwait(false);
    }

    /// <summary>The first answer to a key, again; a different request under the same key is the caller's mistake.</summary>
    private async Task ReplayAsync(HttpContext http, ImportRecord first, string requestHash)
    {
        if (!string.Equals(first.RequestHash, requestHash, StringComparison.Ordinal))
        {
            await ProblemAsync(http, 422, "Idempotency-Key reused", $"This Idempotency-Key was used for import {first.Id} with a different body (or dry-run flag). Use a new key for a new request.").ConfigureAwait(false);
            return;
        }

        http.Response.Headers[ReplayedHeader] = "true";
        await WriteResultAsync(http, first, replayed: true).ConfigureAwait(false);
    }

    private async Task ReleaseAsync(string? claim)
    {
        if (claim is not null)
        {
            await claims.ReleaseClaimAsync(claim, CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>The caller as an actor, or null when the answer (401/403) is already written.</summary>
    private async Task<Actor?> AuthenticateAsync(HttpContext http, CancellationToken ct)
    {
        if (settings is null)
        {
            // Development mode: nothing to check a token against, so only this machine is heard (as for the bot).
            var remote = http.Connection.RemoteIpAddress;
            if (remote is not null && !IPAddress.IsLoopback(remote))
            {
                LogRemoteRefused(logger);
                await UnauthorizedAsync(http, "invalid_token", "the import API takes requests without a token from this machine only").ConfigureAwait(false);
                return null;
            }

            return new Actor("app:" + DevelopmentApp, "Local development", Roles.Admin);
        }

        var result = await validator!.ValidateAsync(http.Request.Headers.Authorization, ct).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            await UnauthorizedAsync(http, result.Missing ? null : "invalid_token", result.Missing ? null : result.Failure).ConfigureAwait(false);
            return null;
        }

        if (!result.HasRole(settings.Role))
        {
            http.Response.Headers.WWWAuthenticate = $"Bearer realm=\"{Realm}\", error=\"insufficient_scope\", error_description=\"the token lacks the app role {settings.Role}\"";
            await ProblemAsync(http, 403, "Forbidden", $"The calling application needs the app role {settings.Role} on the import API.").ConfigureAwait(false);
            return null;
        }

        var clientId = result.ClientId!;
        var name = settings.AppNames.TryGetValue(clientId, out var configured) ? configured : $"App {clientId}";
        var actor = new Actor("app:" + clientId, name, Roles.Admin);
        // Known to the directory by name (no roles), so cards and the history name the app rather than its id.
        await directory.MeetAsync(new UserProfile(actor.Id, name), ct).ConfigureAwait(false);
        return actor;
    }

    private static Task UnauthorizedAsync(HttpContext http, string? error, string? description)
    {
        http.Response.Headers.WWWAuthenticate = error is null
            ? $"Bearer realm=\"{Realm}\""
            : $"Bearer realm=\"{Realm}\", error=\"{error}\", error_description=\"{description}\"";
        return ProblemAsync(http, 401, "Unauthorized", error is null
            ? "Send an Entra ID access token for the import API: Authorization: Bearer <token>."
            : $"The access token was refused: {description}.");
    }

    private static string FileName(HttpRequest request, string type)
    {
        if (ContentDispositionHeaderValue.TryParse(request.Headers.ContentDisposition.ToString(), out var disposition)
            && (disposition.FileNameStar.Value ?? disposition.FileName.Value)?.Trim('"') is { Length: > 0 } name)
        {
            return System.IO.Path.GetFileName(name);
        }

        return type.EndsWith("json", StringComparison.Ordinal) ? "request.json" : "request.csv";
    }

    /// <summary>Writes the result, streaming every row from the log a page at a time.</summary>
    private async Task WriteResultAsync(HttpContext http, ImportRecord record, bool replayed)
    {
        var response = http.Response;
        response.StatusCode = record.Status == ImportStatus.Completed ? 200 : 500;
        response.ContentType = "application/json; charset=utf-8";
        var writer = new Utf8JsonWriter(response.BodyWriter, _json);
        await using (writer.ConfigureAwait(false))
        {
            writer.WriteStartObject();
            writer.WriteString("importId", record.Id);
            writer.WriteString("status", record.Status == ImportStatus.Completed ? "completed" : "incomplete");
            if (record.Message is { } message)
            {
                writer.WriteString("message", message);
            }

            writer.WriteBoolean("replayed", replayed);
            writer.WriteBoolean("dryRun", record.DryRun);
            writer.WriteString("at", record.At);
            writer.WriteString("fileName", record.FileName);
            writer.WriteString("behaviour", record.Behaviour.ToString().ToLowerInvariant());
            writer.WriteStartObject("counts");
            writer.WriteNumber("rows", record.Rows);
            writer.WriteNumber("applied", record.Applied);
            writer.WriteNumber("proposed", record.Proposed);
            writer.WriteNumber("rejected", record.Rejected);
            writer.WriteNumber("unchanged", record.Unchanged);
            writer.WriteNumber("submittedProposals", record.Submitted);
            writer.WriteEndObject();
            writer.WriteStartArray("submittedProposals");
            record.SubmittedProposals.ToList().ForEach(writer.WriteStringValue);
            writer.WriteEndArray();
            writer.WriteStartArray("problems");
            record.Problems.ToList().ForEach(writer.WriteStringValue);
            writer.WriteEndArray();
            writer.WriteStartArray("rows");
            var written = 0;
            await foreach (var row in imports.RowsAsync(record, http.RequestAborted).ConfigureAwait(false))
            {
                WriteRow(writer, row);
                if (++written % 500 == 0)
                {
                    await writer.FlushAsync(http.RequestAborted).ConfigureAwait(false);
                }
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
            await writer.FlushAsync(http.RequestAborted).ConfigureAwait(false);
        }
    }

    private static void WriteRow(Utf8JsonWriter writer, ImportRowResult row)
    {
        writer.WriteStartObject();
        writer.WriteNumber("row", row.RowNumber);
        writer.WriteString("customerId", row.CustomerId);
        writer.WriteString("outcome", row.Outcome.ToString().ToLowerInvariant());
        if (row.Reason is { } reason)
        {
            writer.WriteString("reason", reason);
        }

        writer.WriteStartArray("fields");
        foreach (var field in row.Fields)
        {
            writer.WriteStartObject();
            writer.WriteString("field", field.Field);
            writer.WriteString("outcome", field.Outcome.ToString().ToLowerInvariant());
            if (field.Reason is { } fieldReason)
            {
                writer.WriteString("reason", fieldReason);
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private static async Task ProblemAsync(HttpContext http, int status, string title, string detail)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = "application/problem+json";
        await http.Response.WriteAsync(JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["type"] = "about:blank",
            ["title"] = title,
            ["status"] = status,
            ["detail"] = detail,
        }), http.RequestAborted).ConfigureAwait(false);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused an import API request from another machine: without ImportApi settings it takes requests from this machine only")]
    private static partial void LogRemoteRefused(ILogger logger);

    [LoggerMessage(Level = LogLevel.Error, Message = "An import API request failed before its first row; nothing was imported")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
