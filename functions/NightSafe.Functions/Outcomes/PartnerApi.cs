using System.Net;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Http;
using NightSafe.Core.Nights;
using NightSafe.Core.Outcomes;
using NightSafe.Core.Text;
using NightSafe.Core.World;
using NightSafe.Functions.Http;

namespace NightSafe.Functions.Outcomes;

/// <summary>A partner's report: {"outcome": "accepted|declined|attended|closed", "note": "..."}.</summary>
public sealed record OutcomeReport(string? Outcome, string? Note)
{
    public const int MaxNote = 1000;

    /// <summary>The errors of each invalid field, or null when <paramref name="report"/> is valid and <paramref name="outcome"/> is set.</summary>
    public static Dictionary<string, string[]>? Check(OutcomeReport? report, out PartnerOutcome outcome)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        // By exact name only: Enum.TryParse would read "declined, attended" as flags, a third outcome.
        if (!EnumNames.TryParse(report?.Outcome, out outcome))
        {
            errors["outcome"] = ["One of: accepted, declined, attended, closed."];
        }

        if (report?.Note?.Length > MaxNote)
        {
            errors["note"] = [$"At most {MaxNote} characters."];
        }

        return errors.Count > 0 ? errors : null;
    }
}

/// <summary>
/// The partner API. Each agency authenticates with its own key (header <c>X-Partner-Key</c>, or
/// <c>Authorization: Bearer</c>), so the function key never leaves NightSafe; an agency sees and reports on its own
/// cases only.
/// </summary>
public sealed class PartnerApi(PartnerCases cases, PartnerAccess access, RoutingWorld world, TimeProvider time)
{
    public const string KeyHeader = PartnerAccess.KeyHeader;
    public const int MaxNote = OutcomeReport.MaxNote;

    private static readonly Dictionary<string, string[]> NightErrors = new(StringComparer.Ordinal) { ["night"] = ["A date as yyyy-MM-dd."] };

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
        if (await access.RefuseAsync(request, agency, cancellationToken) is { } refusal)
        {
            return refusal;
        }

        if (ReferralRoute.Parse(night, reference) is not { } referral)
        {
            return await Responses.ProblemAsync(request, HttpStatusCode.NotFound, "No such case.", cancellationToken: cancellationToken);
        }

        var (nightId, code) = referral;

        var (report, outcome, invalid) = await ReadReportAsync(request, cancellationToken);
        if (invalid is not null)
        {
            return invalid;
        }

        var asked = new OutcomeRecordedBody(nightId.ToString(), code.ToString(), agency, string.Empty, string.Empty);
        return await Contention.AnswerAsync(
            request,
            cases.ReportAsync(AgencyId.From(agency), nightId, code, outcome, report!.Note, cancellationToken),
            result => AnswerAsync(request, asked, result, cancellationToken),
            cancellationToken);
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
        if (await access.RefuseAsync(request, agency, cancellationToken) is { } refusal)
        {
            return refusal;
        }

        if (NightAsked(request) is not { } night)
        {
            return await Responses.ProblemAsync(request, HttpStatusCode.BadRequest, "The night is not valid.", errors: NightErrors, cancellationToken: cancellationToken);
        }

        var list = await cases.ListAsync(AgencyId.From(agency), night, cancellationToken);
        return await Responses.JsonAsync(
            request,
            HttpStatusCode.OK,
            PartnerCaseListBody.From(agency, night, list),
            cancellationToken);
    }

    /// <summary>The report in the body and its outcome, or the answer refusing it (not JSON, or a field invalid).</summary>
    private static async Task<(OutcomeReport? Report, PartnerOutcome Outcome, HttpResponseData? Refusal)> ReadReportAsync(HttpRequestData request, CancellationToken cancellationToken)
    {
        var read = await JsonBody.ReadAsync<OutcomeReport>(request, cancellationToken);
        if (read.Refusal is { } unreadable)
        {
            return (null, default, unreadable);
        }

        return OutcomeReport.Check(read.Value, out var outcome) is { } errors
            ? (null, outcome, await Responses.ProblemAsync(request, HttpStatusCode.BadRequest, "The outcome is not valid.", "See errors for each invalid field.", errors, cancellationToken))
            : (read.Value, outcome, null);
    }

    /// <summary>The night in the query (<c>?night=</c>), tonight when none is given, null when it is not a night.</summary>
    private NightId? NightAsked(HttpRequestData request)
    {
        var given = System.Web.HttpUtility.ParseQueryString(request.Url.Query)["night"];
        return given is null ? NightId.For(time.GetUtcNow(), world) : NightId.TryParse(given, out var night) ? night : null;
    }

    /// <summary>Maps what the case service said to the answer: 200 with the statuses, 403 not this agency's, 409 not forward (503 with Retry-After: <see cref="Contention"/>).</summary>
    private static async Task<HttpResponseData> AnswerAsync(HttpRequestData request, OutcomeRecordedBody asked, OutcomeResult result, CancellationToken cancellationToken) => result switch
    {
        OutcomeResult.Recorded recorded => await Responses.JsonAsync(
            request,
            HttpStatusCode.OK,
            asked with { Status = recorded.Status.ToString().ToLowerInvariant(), ReferralStatus = recorded.ReferralStatus.ToString() },
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
