using System.Net;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Http;

namespace NightSafe.FunctionsHost.TestApp;

/// <summary>HTTP triggers: a route with a typed parameter, a body echo, and one function per auth level.</summary>
public sealed class HttpFunctions
{
    [Function("GetItem")]
    public static async Task<HttpResponseData> GetItem(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "items/{id:int}")] HttpRequestData request, int id)
    {
        var response = request.CreateResponse(HttpStatusCode.OK);
        response.Headers.Add("X-Item-Id", id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await response.WriteAsJsonAsync(new { id, name = request.Query["name"] });
        return response;
    }

    [Function("Echo")]
    public static async Task<HttpResponseData> Echo(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", "put", Route = "echo/{*rest}")] HttpRequestData request, string? rest)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer);
        var response = request.CreateResponse(HttpStatusCode.Created);
        response.Headers.Add("Content-Type", "application/octet-stream");
        response.Headers.Add("X-Echo-Rest", rest ?? string.Empty);
        response.Headers.Add("X-Echo-Method", request.Method);
        await response.Body.WriteAsync(buffer.ToArray());
        return response;
    }

    [Function("Boom")]
    public static HttpResponseData Boom([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "boom")] HttpRequestData request) =>
        throw new InvalidOperationException("Failing on purpose.");

    [Function("Secret")]
    public static HttpResponseData Secret([HttpTrigger(AuthorizationLevel.Function, "get", Route = "secret")] HttpRequestData request)
    {
        var response = request.CreateResponse(HttpStatusCode.OK);
        response.WriteString("function-level ok");
        return response;
    }

    [Function("AdminArea")]
    public static HttpResponseData AdminArea([HttpTrigger(AuthorizationLevel.Admin, "get", Route = "admin-area")] HttpRequestData request)
    {
        var response = request.CreateResponse(HttpStatusCode.OK);
        response.WriteString("admin-level ok");
        return response;
    }
}
