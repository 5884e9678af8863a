using System.Net;

namespace CustomerWorkflow.Bot.Imports;

/// <summary>
/// Downloads a file a user sent the bot in Teams, from the pre-authenticated, short-lived URL Teams hands over
/// (<c>content.downloadUrl</c> of a <c>file.download.info</c> attachment). Only https, only hosts in
/// <see cref="ImportSettings.AllowedDownloadHosts"/> — the first URL and every redirect, which are followed here, one hop
/// at a time, never by the handler — and never with the bot's token. The size limit holds while streaming: a
/// Content-Length over it is refused before the body, and a body that runs past it is cut off.
/// </summary>
internal sealed class FileDownloader(IHttpClientFactory clients, ImportSettings settings)
{
    public const string HttpClientName = "CustomerWorkflow.Bot.Imports.Download";

    private const int MaxRedirects = 3;

    /// <summary>The message when <paramref name="url"/> may not be downloaded from; null when it may.</summary>
    public string? Refusal(Uri url)
    {
        ArgumentNullException.ThrowIfNull(url);
        if (url.Scheme != Uri.UriSchemeHttps)
        {
            return "I only download files over https from where Teams keeps them, and this link is not https, so I did not open it.";
        }

        return settings.IsAllowedDownloadHost(url)
            ? null
            : $"I only download files from where Teams keeps them ({string.Join(", ", settings.AllowedDownloadHosts)}); this link goes to {url.IdnHost}, so I did not open it.";
    }

    /// <summary>Downloads and checks the file; throws <see cref="ImportFileException"/> with a message for the sender when it cannot.</summary>
    public async Task<ImportFile> DownloadAsync(Uri url, string name, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(url);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(settings.DownloadTimeout);
        var http = clients.CreateClient(HttpClientName);
        try
        {
            for (var hop = 0; hop <= MaxRedirects; hop++)
            {
                if (Refusal(url) is { } refusal)
                {
                    throw new ImportFileException(ImportFileProblem.Download, hop == 0 ? refusal : $"The link to {name} redirected elsewhere. {refusal}");
                }

                using var request = new HttpRequestMessage(HttpMethod.Get, url);
                using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
                if (response.RequestMessage?.RequestUri is { } reached && reached != url && Refusal(reached) is { } followed)
                {
                    // A handler that follows redirects itself is a misconfiguration; its answer is still not read.
                    throw new ImportFileException(ImportFileProblem.Download, $"The link to {name} redirected elsewhere. {followed}");
                }

                if (IsRedirect(response.StatusCode) && response.Headers.Location is { } location)
                {
                    url = location.IsAbsoluteUri ? location : new Uri(url, location);
                    continue;
                }

                if (!response.IsSuccessStatusCode)
                {
                    throw new ImportFileException(ImportFileProblem.Download,
                        $"I couldn't download {name}: the link Teams gave me answered {(int)response.StatusCode} {response.ReasonPhrase}. Links expire after a few minutes; send the file again.");
                }

                if (response.Content.Headers.ContentLength > settings.MaxBytes)
                {
                    throw new ImportFileException(ImportFileProblem.TooLarge,
                        $"The file is larger than the {ImportSettings.Size(settings.MaxBytes)} an import may have ({ImportSettings.Size(response.Content.Headers.ContentLength.Value)}). Split it into smaller files.");
                }

                var body = await response.Content.ReadAsStreamAsync(timeout.Token).ConfigureAwait(false);
                await using (body.ConfigureAwait(false))
                {
                    return await ImportFile.ReadAsync(body, name, null, settings.MaxBytes, timeout.Token).ConfigureAwait(false);
                }
            }

            throw new ImportFileException(ImportFileProblem.Download, $"The link to {name} redirected more than {MaxRedirects} times, so I stopped following it.");
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new ImportFileException(ImportFileProblem.Download, $"Downloading {name} took longer than {settings.DownloadTimeout.TotalSeconds:0} seconds, so I stopped. Try again, or send a smaller file.");
        }
        catch (HttpRequestException e)
        {
            throw new ImportFileException(ImportFileProblem.Download, $"I couldn't download {name}: {e.HttpRequestError switch
            {
                HttpRequestError.SecureConnectionError => "its server's certificate was not trusted",
                HttpRequestError.NameResolutionError => "its server's name did not resolve",
                HttpRequestError.ConnectionError => "its server did not answer",
                _ => "the connection failed",
            }}. Send it again in a moment.");
        }
    }

    private static bool IsRedirect(HttpStatusCode status) =>
        status is HttpStatusCode.Moved or HttpStatusCode.Redirect or HttpStatusCode.RedirectMethod or HttpStatusCode.TemporaryRedirect or HttpStatusCode.PermanentRedirect;
}
