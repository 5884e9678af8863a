using CustomerWorkflow.Bot.Protocol;
using CustomerWorkflow.Bot.Protocol.Authentication;
using CustomerWorkflow.Core.Import;
using CustomerWorkflow.Core.Storage;

namespace CustomerWorkflow.Bot.Imports;

/// <summary>Wires the imports into the host: the service and log, the Teams download client, the job worker, the API.</summary>
internal static class ImportHosting
{
    public static IServiceCollection AddImports(this IServiceCollection services)
    {
        services.AddSingleton(p => ImportSettings.From(p.GetRequiredService<IConfiguration>()));
        services.AddSingleton(p => new ImportApiHolder(ImportApiSettings.From(p.GetRequiredService<IConfiguration>())));
        services.AddSingleton<IImportLog>(p => (IImportLog)p.GetRequiredService<IWorkflowStore>());
        services.AddSingleton<ImportService>();
        services.AddSingleton<ImportNotices>();
        services.AddSingleton<ImportJobs>();
        services.AddHostedService<ImportWorker>();
        services.AddHostedService<ImportSettingsCheck>();
        services.AddSingleton<FileDownloader>();
        services.AddSingleton<TeamsImports>();
        // Redirects are followed by the downloader, hop by hop, each checked against the allowed hosts.
        services.AddHttpClient(FileDownloader.HttpClientName).ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false });
        services.AddSingleton(p =>
        {
            var api = p.GetRequiredService<ImportApiHolder>().Settings;
            EntraTokenValidator? validator = null;
            if (api is not null)
            {
                var time = p.GetRequiredService<TimeProvider>();
                var keys = new SigningKeyCache(
                    p.GetRequiredService<IHttpClientFactory>().CreateClient(BotProtocolServiceCollectionExtensions.AuthorityHttpClient),
                    api.MetadataUrl, new SigningKeyCacheOptions(), time, p.GetService<ILogger<SigningKeyCache>>());
                validator = new EntraTokenValidator(api.Tokens, keys, time, p.GetService<ILogger<EntraTokenValidator>>());
            }

            return new ImportApiEndpoint(
                p.GetRequiredService<ImportService>(),
                p.GetRequiredService<IImportLog>(),
                p.GetRequiredService<Core.People.IIdempotencyStore>(),
                p.GetRequiredService<Core.People.UserDirectory>(),
                p.GetRequiredService<ImportNotices>(),
                p.GetRequiredService<ImportJobs>(),
                validator,
                api,
                p.GetRequiredService<TimeProvider>(),
                p.GetRequiredService<ILogger<ImportApiEndpoint>>());
        });
        return services;
    }

    /// <summary>
    /// Maps <c>POST /api/import</c> when the API is configured (<c>ImportApi:TenantId</c> and <c>ImportApi:Audience</c>), or
    /// in development mode (no bot app id), where it takes requests from this machine only; otherwise it does not exist.
    /// </summary>
    public static WebApplication MapImportApi(this WebApplication app)
    {
        var configured = app.Services.GetRequiredService<ImportApiHolder>().Settings is not null;
        if (configured || app.Services.GetRequiredService<BotProtocolOptions>().IsAnonymous)
        {
            app.MapPost(ImportApiEndpoint.Path, (HttpContext http) => http.RequestServices.GetRequiredService<ImportApiEndpoint>().HandleAsync(http));
        }

        return app;
    }

    /// <summary>The import API's settings, or null when it is not configured (a holder, since DI has no null singletons).</summary>
    internal sealed record ImportApiHolder(ImportApiSettings? Settings);

    /// <summary>Reads the import settings at start, so one that cannot work stops the host with its name, not the first import.</summary>
    private sealed class ImportSettingsCheck(IServiceProvider services) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            services.GetRequiredService<ImportSettings>();
            services.GetRequiredService<ImportApiEndpoint>();
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
