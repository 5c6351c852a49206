using System.Net;
using Microsoft.Azure.Functions.Worker.Http;
using Microsoft.Extensions.Logging;
using NightSafe.Core.Outcomes;
using NightSafe.Core.World;

namespace NightSafe.Functions.Http;

/// <summary>
/// The partner-key check of every partner endpoint, in one place: the agency's own key in <c>X-Partner-Key</c> (or
/// <c>Authorization: Bearer</c>), so the function key never leaves NightSafe and an agency acts only as itself.
/// </summary>
public sealed partial class PartnerAccess(PartnerKeyRing keys, RoutingWorld world, ILogger<PartnerAccess> logger)
{
    public const string KeyHeader = "X-Partner-Key";

    /// <summary>Null when the request carries <paramref name="agency"/>'s key; otherwise the 401 to answer (logged).</summary>
    public async Task<HttpResponseData?> RefuseAsync(HttpRequestData request, string agency, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var key = request.Headers.TryGetValues(KeyHeader, out var values) ? values.FirstOrDefault() : null;
        if (key is null && request.Headers.TryGetValues("Authorization", out var auth) && auth.FirstOrDefault() is { } header
            && header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            key = header["Bearer ".Length..].Trim();
        }

        if (world.AgencyNamed(agency) is { } found && keys.Verify(found.Id, key))
        {
            return null;
        }

        LogUnauthenticated(world.AgencyNamed(agency) is null ? "(unknown)" : agency);
        var response = await Responses.ProblemAsync(request, HttpStatusCode.Unauthorized, "A valid partner key for this agency is required.", cancellationToken: cancellationToken);
        response.Headers.Add("WWW-Authenticate", "Bearer");
        return response;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Partner API call for agency {Agency} refused: missing or wrong key")]
    private partial void LogUnauthenticated(string agency);
}
