using System.Net;
using System.Text.Json;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Http;
using Microsoft.Extensions.Logging;
using NightSafe.Core.Nights;
using NightSafe.Core.Outcomes;
using NightSafe.Core.References;
using NightSafe.Core.Text;
using NightSafe.Core.World;
using NightSafe.Functions.Http;

namespace NightSafe.Functions.Outcomes;

/// <summary>A partner's report: {"outcome": "accepted|declined|attended|closed", "note": "..."}.</summary>
public sealed record OutcomeReport(string? Outcome, string? Note);

/// <summary>
/// The partner API. Each agency authenticates with its own key (header <c>X-Partner-Key</c>, or
/// <c>Authorization: Bearer</c>), so the function key never leaves NightSafe; an agency sees and reports on its own
/// cases only.
/// </summary>
public sealed partial class PartnerApi(PartnerCases cases, PartnerKeyRing keys, RoutingWorld world, TimeProvider time, ILogger<PartnerApi> logger)
{
    public const string KeyHeader = "X-Partner-Key";
    public const int MaxNote = 1000;

    [Function("ReportOutcome")]
    public async Task<HttpResponseData> ReportAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "partners/{agency}/cases/{night}/{reference}/outcome")] HttpRequestData request,
        string agency,
        string night,
        string reference,
        FunctionContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        var cancellationToken = context.CancellationToken;
        if (await RefuseUnlessAuthenticatedAsync(request, agency, cancellationToken) is { } refusal)
        {
            return refusal;
        }

        if (!NightId.TryParse(night, out var nightId) || !ReferenceCode.TryParse(reference, out var code))
        {
            return await Responses.ProblemAsync(request, HttpStatusCode.NotFound, "No such case.", cancellationToken: cancellationToken);
        }

        var read = await JsonBody.ReadAsync<OutcomeReport>(request, cancellationToken);
        if (read.Refusal is { } unreadable)
        {
            return unreadable;
        }

        var report = read.Value;
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (!EnumNames.TryParse<PartnerOutcome>(report?.Outcome, out var outcome))
        {
            errors["outcome"] = ["One of: accepted, declined, attended, closed."];
        }

        if (report?.Note?.Length > MaxNote)
        {
            errors["note"] = [$"At most {MaxNote} characters."];
        }

        if (errors.Count > 0)
        {
            return await Responses.ProblemAsync(request, HttpStatusCode.BadRequest, "The outcome is not valid.", "See errors for each invalid field.", errors, cancellationToken);
        }

        var result = await cases.ReportAsync(agency, nightId, code, outcome, report!.Note, cancellationToken);
        return result switch
        {
            OutcomeResult.Recorded recorded => await Responses.JsonAsync(
                request,
                HttpStatusCode.OK,
                new { night = nightId.ToString(), reference = code.ToString(), agency, status = recorded.Status.ToString().ToLowerInvariant(), referralStatus = recorded.ReferralStatus.ToString() },
                cancellationToken),
            OutcomeResult.NotRoutedToAgency => await Responses.ProblemAsync(request, HttpStatusCode.Forbidden, "This case was not routed to your agency.", cancellationToken: cancellationToken),
            OutcomeResult.NotAllowed notAllowed => await Responses.ProblemAsync(
                request,
                HttpStatusCode.Conflict,
                "The case cannot move to that outcome.",
                $"The case is {notAllowed.Current.ToString().ToLowerInvariant()}; outcomes go forward: accepted, attended, closed (declined before attended).",
                cancellationToken: cancellationToken),
            _ => throw new InvalidOperationException($"Unknown outcome result {result.GetType().Name}."),
        };
    }

    [Function("ListPartnerCases")]
    public async Task<HttpResponseData> ListAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "partners/{agency}/cases")] HttpRequestData request,
        string agency,
        FunctionContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        var cancellationToken = context.CancellationToken;
        if (await RefuseUnlessAuthenticatedAsync(request, agency, cancellationToken) is { } refusal)
        {
            return refusal;
        }

        var query = System.Web.HttpUtility.ParseQueryString(request.Url.Query);
        var night = NightId.For(time.GetUtcNow(), world);
        if (query["night"] is { } given && !NightId.TryParse(given, out night))
        {
            return await Responses.ProblemAsync(
                request,
                HttpStatusCode.BadRequest,
                "The night is not valid.",
                errors: new Dictionary<string, string[]> { ["night"] = ["A date as yyyy-MM-dd."] },
                cancellationToken: cancellationToken);
        }

        var list = await cases.ListAsync(agency, night, cancellationToken);
        return await Responses.JsonAsync(
            request,
            HttpStatusCode.OK,
            new
            {
                agency,
                night = night.ToString(),
                cases = list.Select(c => new { c.Night, c.Reference, c.Status, c.DisclosedAt, @case = JsonDocument.Parse(c.View).RootElement }),
            },
            cancellationToken);
    }

    private async Task<HttpResponseData?> RefuseUnlessAuthenticatedAsync(HttpRequestData request, string agency, CancellationToken cancellationToken)
    {
        var key = request.Headers.TryGetValues(KeyHeader, out var values) ? values.FirstOrDefault() : null;
        if (key is null && request.Headers.TryGetValues("Authorization", out var auth) && auth.FirstOrDefault() is { } header
            && header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            key = header["Bearer ".Length..].Trim();
        }

        if (keys.Verify(agency, key))
        {
            return null;
        }

        LogUnauthenticated(world.FindAgency(agency) is null ? "(unknown)" : agency);
        var response = await Responses.ProblemAsync(request, HttpStatusCode.Unauthorized, "A valid partner key for this agency is required.", cancellationToken: cancellationToken);
        response.Headers.Add("WWW-Authenticate", "Bearer");
        return response;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Partner API call for agency {Agency} refused: missing or wrong key")]
    private partial void LogUnauthenticated(string agency);
}
