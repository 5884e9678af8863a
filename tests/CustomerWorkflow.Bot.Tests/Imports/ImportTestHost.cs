using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using CustomerWorkflow.Bot.Imports;
using CustomerWorkflow.Bot.Protocol.Schema;
using CustomerWorkflow.Bot.Tests.Infrastructure;
using CustomerWorkflow.Core;
using CustomerWorkflow.Core.Import;
using CustomerWorkflow.Core.Settings;
using CustomerWorkflow.Testing;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace CustomerWorkflow.Bot.Tests.Imports;

/// <summary>
/// The production bot host with a loopback HTTPS file server standing in for OneDrive: files are served under
/// <c>https://localhost:{port}/files/…</c>, <c>localhost</c> is the one allowed download host, and the download client
/// trusts the test CA (and, as in production, follows no redirect by itself). Sending a file posts the Teams
/// <c>file.download.info</c> attachment to /api/messages and waits until the import job and its notices are done.
/// </summary>
internal sealed class ImportTestHost : IAsyncDisposable
{
    public static readonly Actor Admin = new("sample-admin", "Adam Admin", Roles.Admin);

    /// <summary>What the file server answers, by path.</summary>
    private readonly ConcurrentDictionary<string, Func<HttpContext, Task>> _serve;

    private ImportTestHost(BotTestHost host, LoopbackServer files, ConcurrentDictionary<string, Func<HttpContext, Task>> serve)
    {
        Host = host;
        Files = files;
        _serve = serve;
    }

    public BotTestHost Host { get; }

    public LoopbackServer Files { get; }

    /// <summary>How many times anything was downloaded.</summary>
    public int Downloads => Files.Requests.Count;

    public IImportLog Log => Host.Services.GetRequiredService<IImportLog>();

    public static async Task<ImportTestHost> StartAsync(IDictionary<string, string?>? settings = null, bool authenticated = false)
    {
        var files = new ConcurrentDictionary<string, Func<HttpContext, Task>>(StringComparer.Ordinal);
        var server = await LoopbackServer.StartAsync((context, _) =>
            files.TryGetValue(context.Request.Path.Value ?? string.Empty, out var serve) ? serve(context) : NotFound(context));
        var config = new Dictionary<string, string?> { [ImportSettings.AllowedDownloadHostsKey] = "localhost" };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            config[key] = value;
        }

        var host = await BotTestHost.StartAsync(authenticated, config, services =>
            services.AddHttpClient(FileDownloader.HttpClientName).ConfigurePrimaryHttpMessageHandler(() =>
            {
                var handler = TestTls.CreateTrustingHandler();
                handler.AllowAutoRedirect = false;
                return handler;
            }));
        return new ImportTestHost(host, server, files);
    }

    /// <summary>Serves <paramref name="content"/> once per request at a fresh path; returns its download URL.</summary>
    public Uri Serve(string name, byte[] content, string contentType = "application/octet-stream")
    {
        var path = $"/files/{Guid.NewGuid():N}/{name}";
        _serve[path] = context =>
        {
            context.Response.ContentType = contentType;
            context.Response.ContentLength = content.Length;
            return context.Response.Body.WriteAsync(content).AsTask();
        };
        return new Uri(Files.BaseAddress, path);
    }

    public Uri Serve(string name, string text) => Serve(name, Encoding.UTF8.GetBytes(text));

    /// <summary>A download URL that answers with a redirect to <paramref name="location"/>.</summary>
    public Uri Redirect(Uri location)
    {
        var path = $"/files/{Guid.NewGuid():N}/redirect.csv";
        _serve[path] = context =>
        {
            context.Response.StatusCode = 302;
            context.Response.Headers.Location = location.ToString();
            return Task.CompletedTask;
        };
        return new Uri(Files.BaseAddress, path);
    }

    /// <summary>The attachment Teams puts on a message when the user sends the bot a file in their 1:1 chat.</summary>
    public static Attachment FileAttachment(Uri downloadUrl, string name, string? fileType = null) => new()
    {
        ContentType = TeamsImports.FileDownloadInfo,
        ContentUrl = "https://contoso-my.sharepoint.com/personal/adam_contoso_com/Documents/Applications/" + name,
        Name = name,
        Content = JsonSerializer.SerializeToElement(new
        {
            downloadUrl = downloadUrl.ToString(),
            uniqueId = Guid.NewGuid().ToString().ToUpperInvariant(),
            fileType = fileType ?? Path.GetExtension(name).TrimStart('.'),
            etag = "1",
        }),
    };

    /// <summary>Sends a file as <paramref name="user"/> and waits for the import; returns everything the bot said meanwhile.</summary>
    public async Task<FileTurn> SendFileAsync(TestUser user, Uri downloadUrl, string name, string? fileType = null, Action<Activity>? shape = null)
    {
        var activity = Host.NewActivity(user);
        activity.Text = string.Empty;
        activity.Attachments = [FileAttachment(downloadUrl, name, fileType)];
        shape?.Invoke(activity);
        return await PostFileAsync(user, activity);
    }

    public async Task<FileTurn> PostFileAsync(TestUser user, Activity activity)
    {
        var before = Host.Channel.Sequence;
        var turn = await user.PostAsync(activity);
        await WhenIdleAsync();
        var said = Host.Channel.CallsSince(before)
            .Where(c => c.ConversationId == user.ConversationId && c.Kind is "send" or "reply" && c.Activity is not null)
            .Select(c => c.Activity!)
            .ToList();
        return new FileTurn(turn, said);
    }

    public async Task WhenIdleAsync()
    {
        await Host.Services.GetRequiredService<ImportJobs>().WhenIdleAsync().WaitAsync(TimeSpan.FromSeconds(30));
        await Host.WhenDeliveredAsync();
    }

    public Task SetBehaviourAsync(ImportBehaviour behaviour) => Host.Engine.SetImportBehaviourAsync(Admin, behaviour);

    public async Task<IReadOnlyList<ImportRecord>> ImportsAsync() => await Log.ListImportsAsync(DateTimeOffset.UtcNow.AddHours(-1), 100);

    public async ValueTask DisposeAsync()
    {
        await Host.DisposeAsync();
        await Files.DisposeAsync();
    }

    private static Task NotFound(HttpContext context)
    {
        context.Response.StatusCode = 404;
        return Task.CompletedTask;
    }
}

/// <summary>What sending a file led to: the turn itself, and every message the bot posted into the chat until the import was done.</summary>
internal sealed record FileTurn(Turn Turn, IReadOnlyList<Activity> Said)
{
    /// <summary>Everything said, text and card texts, in one string.</summary>
    public string Text => string.Join("\n", Said.Select(a => string.Join(" ", new[] { a.Text ?? string.Empty }.Concat((a.Attachments ?? []).Select(x => CardTexts.Of(x.Content))))));

    /// <summary>The message with the result card.</summary>
    public Activity ResultMessage => Assert.Single(Said, a => a.Attachments?.Any(x => x.ContentType == "application/vnd.microsoft.card.adaptive") == true);

    public void Says(params string[] fragments)
    {
        foreach (var fragment in fragments)
        {
            Assert.Contains(fragment, Text, StringComparison.OrdinalIgnoreCase);
        }
    }
}
