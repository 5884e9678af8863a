using System.Globalization;
using System.Text.Json;
using CustomerWorkflow.Bot.Conversation;
using CustomerWorkflow.Bot.Protocol.Hosting;
using CustomerWorkflow.Bot.Protocol.Schema;
using CustomerWorkflow.Cards.Model;
using CustomerWorkflow.Cards.Views;
using CustomerWorkflow.Core;
using CustomerWorkflow.Core.Import;
using CustomerWorkflow.Core.People;

namespace CustomerWorkflow.Bot.Imports;

/// <summary>
/// Imports in Teams: a CSV or JSON file a user sends the bot in their 1:1 chat arrives as a <c>file.download.info</c>
/// attachment. The turn checks what it can at once (the chat, the sender's right to import, the file type, the link's
/// host), claims the activity so a redelivery imports nothing twice, says it started, and leaves the download and the
/// import to <see cref="ImportJobs"/>; the result card follows in the same chat, and approvers of the proposals it
/// submitted are told once each. Its "Show all rejections" pages come back here.
/// </summary>
internal sealed partial class TeamsImports(
    ImportService imports,
    FileDownloader downloader,
    ImportJobs jobs,
    ImportNotices notices,
    IIdempotencyStore claims,
    DeliveryQueue deliveries,
    BotAdapter adapter,
    TimeProvider time,
    ILogger<TeamsImports> logger)
{
    /// <summary>The attachment type of a file a user sent the bot in a 1:1 chat (BOT-PROTOCOL §4; msteams-docs bots-filesv4).</summary>
    public const string FileDownloadInfo = "application/vnd.microsoft.teams.file.download.info";

    private static readonly string[] _importable = ["csv", "json", "txt", "tsv"];

    public static bool HasFile(Activity activity) =>
        activity.Attachments?.Any(a => string.Equals(a.ContentType, FileDownloadInfo, StringComparison.OrdinalIgnoreCase)) == true;

    /// <summary>Handles a message that carries a file: answers at once, imports in the background.</summary>
    public async Task OnFileAsync(ITurnContext turn, Actor actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(turn);
        var activity = turn.Activity;
        var files = activity.Attachments!.Where(a => string.Equals(a.ContentType, FileDownloadInfo, StringComparison.OrdinalIgnoreCase)).ToList();
        if (!IsPersonal(activity))
        {
            await turn.SendActivityAsync("Send the file to me in our 1:1 chat: Teams gives bots files there only.", cancellationToken).ConfigureAwait(false);
            return;
        }

        try
        {
            imports.EnsureMayImport(actor);
        }
        catch (WorkflowException refusal)
        {
            await turn.SendActivityAsync(refusal.Message, cancellationToken).ConfigureAwait(false);
            return;
        }

        var attachment = files[0];
        var name = string.IsNullOrWhiteSpace(attachment.Name) ? "the file" : attachment.Name.Trim();
        var content = attachment.Content is { ValueKind: JsonValueKind.Object } c ? c : default;
        var fileType = (Read(content, "fileType") ?? Path.GetExtension(name).TrimStart('.')).ToLowerInvariant();
        if (!_importable.Contains(fileType, StringComparer.Ordinal))
        {
            await turn.SendActivityAsync(fileType is "xlsx" or "xls" or "xlsm"
                ? $"{name} is an Excel workbook. I import CSV or JSON: in Excel, save it as CSV UTF-8 (comma delimited) and send me that file."
                : $"I import CSV or JSON files, and {name} is {(fileType.Length == 0 ? "neither" : $"a .{fileType} file")}.", cancellationToken).ConfigureAwait(false);
            return;
        }

        if (!Uri.TryCreate(Read(content, "downloadUrl"), UriKind.Absolute, out var url))
        {
            await turn.SendActivityAsync($"The message with {name} has no download link I can use. Send the file again.", cancellationToken).ConfigureAwait(false);
            return;
        }

        if (downloader.Refusal(url) is { } refused)
        {
            LogRefusedHost(logger, url.IdnHost);
            await turn.SendActivityAsync(refused, cancellationToken).ConfigureAwait(false);
            return;
        }

        // Claimed before anything is imported: a redelivery (to this instance or another) finds the claim and does nothing.
        if (!string.IsNullOrEmpty(activity.Id)
            && !await claims.TryClaimAsync($"import|{activity.ChannelId}|{activity.Conversation?.Id}|{activity.Id}", time.GetUtcNow(), cancellationToken).ConfigureAwait(false))
        {
            return;
        }

        var more = files.Count > 1 ? " (one file at a time: this one, not the others)" : string.Empty;
        await turn.SendActivityAsync($"Importing {name}{more}. I'll post the result here when it is done.", cancellationToken).ConfigureAwait(false);
        var authenticated = turn.IsAuthenticated();
        jobs.Enqueue(ct => ImportAsync(activity, authenticated, actor, url, name, ct));
    }

    /// <summary>Show all rejections, Previous and Next on a result card: the page asked for, as a card.</summary>
    public async Task<(string Text, AdaptiveCard? Card)> ShowRejectionsAsync(Actor actor, JsonElement data, CancellationToken cancellationToken)
    {
        var importId = Read(data, "importId");
        if (string.IsNullOrWhiteSpace(importId))
        {
            return ("The card action doesn't say which import it is for.", null);
        }

        _ = int.TryParse(Read(data, "skip"), NumberStyles.None, CultureInfo.InvariantCulture, out var skip);
        try
        {
            var record = await imports.GetForAsync(actor, importId, cancellationToken).ConfigureAwait(false);
            var page = await imports.RejectionsAsync(record, skip, ImportCards.PageSize, cancellationToken).ConfigureAwait(false);
            return (string.Empty, ImportCards.Rejections(record, page, skip));
        }
        catch (WorkflowException refusal)
        {
            return (refusal.Message, null);
        }
    }

    private async Task ImportAsync(Activity activity, bool authenticated, Actor actor, Uri url, string name, CancellationToken cancellationToken)
    {
        var turn = new TurnContext(activity, adapter.Connector);
        turn.TurnState[BotAdapter.AuthenticatedKey] = authenticated;
        Activity reply;
        ImportResult? result = null;
        try
        {
            var file = await downloader.DownloadAsync(url, name, cancellationToken).ConfigureAwait(false);
            await using (file.ConfigureAwait(false))
            {
                result = await imports.RunAsync(new ImportRequest(actor, ImportEntryPoint.Teams, file), null, cancellationToken).ConfigureAwait(false);
            }

            reply = activity.CreateReply(ImportCards.Summary(result.Record));
            reply.Attachments = [ApprovalCards.Attachment(ImportCards.Result(result.Record, result.FirstRejections))];
        }
        catch (Exception refusal) when (refusal is ImportFileException or WorkflowException)
        {
            reply = activity.CreateReply($"I did not import {name}. {refusal.Message}");
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // The service records an import that stopped part-way; reaching here means no row of it was written.
            LogFailed(logger, exception, name);
            reply = activity.CreateReply($"Something went wrong on my side while importing {name}; none of it was imported. Please send it again in a while.");
        }

        try
        {
            await Retry.RunAsync(() => turn.SendActivityAsync(reply, cancellationToken), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (Retry.IsChannelFailure(exception))
        {
            LogReplyFailed(logger, exception, result?.Record.Id);
        }

        if (result is not null)
        {
            deliveries.Enqueue(activity, authenticated, await notices.ForAsync(result, cancellationToken).ConfigureAwait(false), null);
        }
    }

    private static bool IsPersonal(Activity activity) =>
        activity.Conversation is { } c && (string.Equals(c.ConversationType, "personal", StringComparison.OrdinalIgnoreCase) || (c.ConversationType is null && c.IsGroup != true));

    private static string? Read(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value)
            ? value.ValueKind switch
            {
                JsonValueKind.String => value.GetString(),
                JsonValueKind.Number => value.GetRawText(),
                _ => null,
            }
            : null;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused to download an import file from {Host}: not an allowed download host")]
    private static partial void LogRefusedHost(ILogger logger, string host);

    [LoggerMessage(Level = LogLevel.Error, Message = "Importing {FileName} failed before any row was written")]
    private static partial void LogFailed(ILogger logger, Exception exception, string fileName);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not post the result of import {ImportId}")]
    private static partial void LogReplyFailed(ILogger logger, Exception exception, string? importId);
}
