using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Http;

namespace NightSafe.Functions;

public sealed class Ping
{
    [Function("Ping")]
    public static HttpResponseData Run([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "ping")] HttpRequestData req)
    {
        ArgumentNullException.ThrowIfNull(req);
        return req.CreateResponse(System.Net.HttpStatusCode.OK);
    }
}
