using System.Net;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Http;

namespace NightSafe.Functions.Pages;

/// <summary>The pages' CSS and JavaScript, embedded in the app (no web server, no build chain).</summary>
public static class PageAssets
{
    private static readonly Dictionary<string, string> Types = new(StringComparer.Ordinal)
    {
        ["site.css"] = "text/css; charset=utf-8",
        ["board.js"] = "text/javascript; charset=utf-8",
        ["desk.js"] = "text/javascript; charset=utf-8",
    };

    [Function("PageAsset")]
    public static async Task<HttpResponseData> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "assets/{name}")] HttpRequestData request,
        string name,
        FunctionContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        if (!Types.TryGetValue(name, out var contentType)
            || typeof(PageAssets).Assembly.GetManifestResourceStream("NightSafe.Functions.Pages.Assets." + name) is not { } stream)
        {
            return PageResponses.Secured(request.CreateResponse(HttpStatusCode.NotFound));
        }

        await using (stream)
        {
            var response = request.CreateResponse(HttpStatusCode.OK);
            response.Headers.Add("Content-Type", contentType);
            response.Headers.Add("X-Content-Type-Options", "nosniff");
            response.Headers.Add("Cache-Control", "public, max-age=300");
            await stream.CopyToAsync(response.Body, context.CancellationToken);
            return response;
        }
    }
}
