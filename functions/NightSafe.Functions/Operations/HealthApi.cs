using System.Net;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Http;
using NightSafe.Functions.Http;
using NightSafe.Integrations.Health;

namespace NightSafe.Functions.Operations;

/// <summary>
/// <c>GET /api/health</c>, anonymous: 200 when storage (tables, queues) and Service Bus answer, 503 when one does not.
/// It names each dependency and how long it took, nothing else: no referral data, no error texts, no host names.
/// </summary>
public sealed class HealthApi(HubHealthProbe probe)
{
    public const string Route = "health";

    [Function("Health")]
    public async Task<HttpResponseData> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Route)] HttpRequestData request,
        FunctionContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        var report = await probe.CheckAsync(context.CancellationToken);
        var response = await Responses.JsonAsync(
            request,
            report.Healthy ? HttpStatusCode.OK : HttpStatusCode.ServiceUnavailable,
            new HealthBody(report.Healthy ? "healthy" : "unhealthy", report.Checks.ToDictionary(c => c.Name, c => new HealthCheckBody(c.Ok ? "ok" : "down", c.Milliseconds))),
            context.CancellationToken);
        response.Headers.Add("Cache-Control", "no-store");
        return response;
    }
}

/// <summary>The health answer: overall status and each dependency's, by name.</summary>
public sealed record HealthBody(string Status, IReadOnlyDictionary<string, HealthCheckBody> Checks);

/// <summary>One dependency's check: ok or down, and how long it took.</summary>
public sealed record HealthCheckBody(string Status, long Ms);
