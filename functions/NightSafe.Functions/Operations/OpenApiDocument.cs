using System.Net;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Http;

namespace NightSafe.Functions.Operations;

/// <summary>
/// <c>GET /api/openapi.json</c>, anonymous: the hand-written OpenAPI 3.1 document of every HTTP endpoint
/// (Contract/openapi.json, shipped with the app). A test holds it to the functions' routes, methods and auth levels.
/// </summary>
public static class OpenApiDocument
{
    public const string Route = "openapi.json";

    public static string PathOnDisk => Path.Combine(AppContext.BaseDirectory, "Contract", "openapi.json");

    private static readonly Lazy<byte[]> Document = new(() => File.ReadAllBytes(PathOnDisk));

    [Function("OpenApiDocument")]
    public static async Task<HttpResponseData> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Route)] HttpRequestData request,
        FunctionContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        var response = request.CreateResponse(HttpStatusCode.OK);
        response.Headers.Add("Content-Type", "application/json; charset=utf-8");
        await response.Body.WriteAsync(Document.Value, context.CancellationToken);
        return response;
    }
}
