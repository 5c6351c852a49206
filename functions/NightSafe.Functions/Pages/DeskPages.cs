using NightSafe.Core.Access;
using System.Net;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Http;
using Microsoft.Extensions.Logging;
using NightSafe.Core.Desk;
using NightSafe.Core.Nights;
using NightSafe.Core.Outcomes;
using NightSafe.Core.References;
using NightSafe.Core.World;
using NightSafe.Functions.Http;

namespace NightSafe.Functions.Pages;

/// <summary>
/// One agency's desk: its cases in its minimised view, and its answers, which go through the same
/// <see cref="PartnerCases"/> rules as the partner API. A case link signs a person in to one case until the night ends.
/// </summary>
public sealed partial class DeskPages(
    PageGuard guard,
    PageSessions sessions,
    AgencyDesk desk,
    PartnerCases cases,
    CaseLinks links,
    RoutingWorld world,
    ILogger<DeskPages> logger)
{
    [Function("DeskPage")]
    public async Task<HttpResponseData> DeskAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "desk/{agency}")] HttpRequestData request,
        string agency,
        FunctionContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        var ct = context.CancellationToken;
        var viewer = guard.Viewer(request);
        if (viewer is null)
        {
            return await guard.SignInFirstAsync(request, ct);
        }

        if (world.AgencyNamed(agency) is not { } found || !viewer.IsAgency(found.Id))
        {
            return await guard.ForbiddenAsync(request, viewer, "desk", ct);
        }

        if (viewer.CaseScope is { } scope)
        {
            // A case link opens its one case, never the agency's list.
            return PageResponses.Redirect(request, $"{PageHtml.Root}desk/{agency}/cases/{scope}");
        }

        var list = await desk.ListAsync(found.Id, ct);
        return await PageResponses.HtmlAsync(request, HttpStatusCode.OK, PageHtml.Desk(found, list, viewer, guard.Csrf(viewer)), ct);
    }

    [Function("DeskCasePage")]
    public async Task<HttpResponseData> CaseAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "desk/{agency}/cases/{night}/{reference}")] HttpRequestData request,
        string agency,
        string night,
        string reference,
        FunctionContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        var ct = context.CancellationToken;
        var (viewer, route, refusal) = await AuthoriseAsync(request, agency, night, reference, ct);
        if (refusal is not null)
        {
            return refusal;
        }

        var found = await desk.OpenAsync(AgencyId.From(agency), route.Night, route.Reference, viewer!.AuditName, ct);
        if (found is null)
        {
            return await guard.ForbiddenAsync(request, viewer, "desk case", ct);
        }

        var query = System.Web.HttpUtility.ParseQueryString(request.Url.Query);
        return await PageResponses.HtmlAsync(
            request,
            HttpStatusCode.OK,
            PageHtml.DeskCasePage(world.AgencyNamed(agency)!, found, viewer, guard.Csrf(viewer), Known(query["done"]), query["problem"] is "conflict" ? "That answer does not fit where the case stands now." : null),
            ct);
    }

    [Function("DeskOutcome")]
    public async Task<HttpResponseData> OutcomeAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "desk/{agency}/cases/{night}/{reference}/outcome")] HttpRequestData request,
        string agency,
        string night,
        string reference,
        FunctionContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        var ct = context.CancellationToken;
        var (viewer, route, refusal) = await AuthoriseAsync(request, agency, night, reference, ct);
        if (refusal is not null)
        {
            return refusal;
        }

        var body = await FormBody.ReadAsync(request.Body, ct);
        var form = body is null ? new Dictionary<string, string>() : FormBody.FirstValues(FormBody.Parse(body));
        if (!guard.IsGenuinePost(request, viewer!, form))
        {
            LogCsrf(agency);
            return await PageResponses.HtmlAsync(request, HttpStatusCode.Forbidden, PageHtml.Message("Form expired", "Reload the page and try again.", viewer), ct);
        }

        if (ReadAnswer(form) is not { } answer)
        {
            return await PageResponses.HtmlAsync(request, HttpStatusCode.BadRequest, PageHtml.Message("Not a valid answer", "Choose one of the buttons; a note has at most 1000 characters.", viewer), ct);
        }

        var page = $"{PageHtml.Root}desk/{agency}/cases/{night}/{route.Reference}";
        return await Contention.AnswerAsync(
            request,
            cases.ReportAsync(AgencyId.From(agency), route.Night, route.Reference, answer.Outcome, answer.Note, viewer!.AuditName, ct),
            result => AnsweredAsync(request, viewer, page, result, ct),
            () => PageResponses.HtmlAsync(request, HttpStatusCode.ServiceUnavailable, NotRecordedYetPage(viewer), ct));
    }

    /// <summary>Back to the case page, saying what was recorded or that the answer does not fit; 403 not this agency's.</summary>
    private async Task<HttpResponseData> AnsweredAsync(HttpRequestData request, Viewer viewer, string page, OutcomeResult result, CancellationToken ct) => result switch
    {
        OutcomeResult.Recorded recorded => PageResponses.Redirect(request, $"{page}?done={recorded.Status.ToString().ToLowerInvariant()}"),
        OutcomeResult.NotAllowed => PageResponses.Redirect(request, $"{page}?problem=conflict"),
        _ => await guard.ForbiddenAsync(request, viewer, "desk outcome", ct),
    };

    /// <summary>The short link in a case alert: checks it, then signs the person in to that one case.</summary>
    [Function("CaseLink")]
    public async Task<HttpResponseData> LinkAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "c/{token}")] HttpRequestData request,
        string token,
        FunctionContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        var ct = context.CancellationToken;
        var refusal = links.TryRead(token, out var link);
        if (refusal != CaseLinkRefusal.None)
        {
            LogLinkRefused(refusal);
            return await PageResponses.HtmlAsync(request, HttpStatusCode.Forbidden, LinkRefusedPage(refusal), ct);
        }

        var state = await desk.LinkStateAsync(link!.AgencyId, link.Night, link.Reference, ct);
        if (state != CaseLinkState.Open)
        {
            LogLinkClosed(link.Night, link.Reference, link.AgencyId.Value, state);
            return await PageResponses.HtmlAsync(request, HttpStatusCode.Forbidden, CaseNoLongerOpenPage(null), ct);
        }

        var viewer = new Viewer(ViewerRole.Agency, $"case link {link.Reference}", link.AgencyId, $"{link.Night}/{link.Reference}", link.ExpiresAt, PageSessions.NewSessionId(), FromPlatform: false);
        return PageResponses.Redirect(
            request,
            $"{PageHtml.Root}desk/{link.AgencyId}/cases/{link.Night}/{link.Reference}",
            PageResponses.SessionCookie(request, sessions.Seal(PageSessions.SessionPurpose, viewer)));
    }

    /// <summary>The signed-in viewer and the case the route names when the viewer may open it; otherwise the page refusing it.</summary>
    private async Task<(Viewer? Viewer, ReferralRoute Case, HttpResponseData? Refusal)> AuthoriseAsync(HttpRequestData request, string agency, string night, string reference, CancellationToken ct)
    {
        var viewer = guard.Viewer(request);
        if (viewer is null)
        {
            return (null, default, await guard.SignInFirstAsync(request, ct));
        }

        if (ReferralRoute.Parse(night, reference) is not { } route || world.AgencyNamed(agency) is not { } found
            || !viewer.MayOpen(found.Id, route.Night.ToString(), route.Reference.ToString()))
        {
            return (viewer, default, await guard.ForbiddenAsync(request, viewer, "desk case", ct));
        }

        if (viewer.CaseScope is not null && await desk.LinkStateAsync(found.Id, route.Night, route.Reference, ct) != CaseLinkState.Open)
        {
            // A case link stops working once its case is closed or erased, even mid-session.
            return (viewer, default, await PageResponses.HtmlAsync(request, HttpStatusCode.Forbidden, CaseNoLongerOpenPage(viewer), ct));
        }

        return (viewer, route, null);
    }

    private static string LinkRefusedPage(CaseLinkRefusal refusal) => refusal == CaseLinkRefusal.Expired
        ? PageHtml.Message("Link expired", "This case link expired when its night ended. Ask the control room if you still need the case.")
        : PageHtml.Message("Link not valid", "This case link is not valid. Check it was copied whole, or ask the control room.");

    private static string NotRecordedYetPage(Viewer viewer) =>
        PageHtml.Message("Not recorded yet", "Others were changing this case at the same moment, so your answer was not recorded. Send it again in a second.", viewer);

    private static string CaseNoLongerOpenPage(Viewer? viewer) =>
        PageHtml.Message("Case no longer open", "This case is closed or its details have been removed, so the link no longer opens it.", viewer);

    /// <summary>The desk form's answer: one of the outcomes by its exact name, and a note of at most the API's length.</summary>
    private static (PartnerOutcome Outcome, string? Note)? ReadAnswer(IReadOnlyDictionary<string, string> form)
    {
        var note = form.GetValueOrDefault("note");
        return Outcomes.OutcomeReport.Check(new Outcomes.OutcomeReport(form.GetValueOrDefault("outcome"), note), out var outcome) is null ? (outcome, note) : null;
    }

    private static string? Known(string? done) => done is "accepted" or "declined" or "attended" or "closed" ? done : null;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Desk outcome for agency {Agency} refused: missing or wrong CSRF token")]
    private partial void LogCsrf(string agency);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Case link refused: {Refusal}")]
    private partial void LogLinkRefused(CaseLinkRefusal refusal);

    [LoggerMessage(Level = LogLevel.Information, Message = "Case link for referral {Night}/{ReferenceCode} (agency {Agency}) refused: the case is {State}")]
    private partial void LogLinkClosed(NightId night, ReferenceCode referenceCode, string agency, CaseLinkState state);
}
