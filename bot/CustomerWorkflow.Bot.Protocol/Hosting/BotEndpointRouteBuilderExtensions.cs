using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace CustomerWorkflow.Bot.Protocol.Hosting;

public static class BotEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps the messaging endpoint (every method, so the adapter itself answers 405) to the registered
    /// <see cref="BotAdapter"/> and <see cref="IBot"/>.
    /// </summary>
    public static IEndpointConventionBuilder MapBotMessages(this IEndpointRouteBuilder endpoints, string pattern = "/api/messages") =>
        endpoints.Map(pattern, (HttpContext context) =>
            context.RequestServices.GetRequiredService<BotAdapter>().ProcessAsync(context, context.RequestServices.GetRequiredService<IBot>()));
}
