using System.Net;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Http;
using NightSafe.Functions.Http;
using NightSafe.Integrations.Storage;

namespace NightSafe.Functions.Diagnostics;

/// <summary>
/// <c>GET /api/diagnostics/storage</c> (the host's master key): every storage request this instance's table and queue
/// clients have sent since it started, by operation, as the SDK pipeline counted them. `nightsafe load` reads it before
/// and after each phase to report storage requests per referral. Counts only; nothing about any referral.
/// </summary>
public sealed class StorageDiagnostics(StorageRequestCounter counter)
{
    public const string Route = "diagnostics/storage";

    [Function(nameof(StorageDiagnostics))]
    public Task<HttpResponseData> RunAsync(
        [HttpTrigger(AuthorizationLevel.Admin, "get", Route = Route)] HttpRequestData request,
        FunctionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var counts = counter.Snapshot();
        return Responses.JsonAsync(
            request,
            HttpStatusCode.OK,
            new StorageRequestsBody(
                StorageRequestCounter.Work(counts),
                counts.OrderBy(c => c.Key).ToDictionary(c => c.Key.ToString(), c => c.Value, StringComparer.Ordinal)),
            context.CancellationToken);
    }
}

/// <summary>The diagnostic's body: requests doing work (set-up excluded) and every count by operation.</summary>
public sealed record StorageRequestsBody(long Work, IReadOnlyDictionary<string, long> Requests);
