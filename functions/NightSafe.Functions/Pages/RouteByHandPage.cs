using System.Net;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Http;
using Microsoft.Extensions.Logging;
using NightSafe.Core;
using NightSafe.Core.Routing;
using NightSafe.Functions.Http;

namespace NightSafe.Functions.Pages;

/// <summary>
/// The dossier's "route by hand" form: the control room sends a referral flagged for manual routing to the agencies
/// it ticked, through the same publishing, minimisation and audit path as automatic routing (and the manual routing
/// API), with the signed-in person as the actor. Answers by redirecting back to the dossier with what happened.
/// </summary>
public sealed partial class RouteByHandPage(PageGuard guard, ReferralRouter router, ILogger<RouteByHandPage> logger)
{
    private const string Routed = "routed";

    private static readonly Dictionary<string, string> Problems = new(StringComparer.Ordinal)
    {
        ["none-ticked"] = "Tick at least one agency.",
        ["not-flagged"] = "It no longer needs manual routing: someone routed it, or it was closed.",
    };

    [Function("RouteByHandPage")]
    public async Task<HttpResponseData> RouteAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "board/referrals/{night}/{reference}/route")] HttpRequestData request,
        string night,
        string reference,
        FunctionContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        var ct = context.CancellationToken;
        var viewer = guard.Viewer(request);
        if (viewer is not { IsControlRoom: true })
        {
            return viewer is null ? await guard.SignInFirstAsync(request, ct) : await guard.ForbiddenAsync(request, viewer, "route by hand", ct);
        }

        var fields = await FormBody.ReadAsync(request.Body, ct) is { } body ? FormBody.Parse(body) : [];
        if (!guard.IsGenuinePost(request, viewer, FormBody.FirstValues(fields)) || ReferralRoute.Parse(night, reference) is not { } referral)
        {
            return await RefusedAsync(request, viewer, ct);
        }

        var agencies = fields.Where(f => f.Key == "agency").Select(f => f.Value).Distinct(StringComparer.Ordinal).ToList();
        return await Contention.AnswerAsync(
            request,
            router.RouteByHandAsync(referral.Night, referral.Reference, agencies, Actors.ControlRoom + ":" + viewer.AuditName, ct),
            result => AnsweredAsync(request, viewer, $"{PageHtml.Root}board/referrals/{referral.Night}/{referral.Reference}", result, ct),
            () => PageResponses.HtmlAsync(request, HttpStatusCode.ServiceUnavailable, PageHtml.Message("Not routed yet", "Others were changing this referral at the same moment, so nothing was routed. Send the form again in a second.", viewer), ct));
    }

    /// <summary>Back to the dossier saying what happened; 404 when there is no such referral.</summary>
    private static async Task<HttpResponseData> AnsweredAsync(HttpRequestData request, Core.Access.Viewer viewer, string dossier, ManualRoutingResult result, CancellationToken ct) => result switch
    {
        ManualRoutingResult.Routed => PageResponses.Redirect(request, $"{dossier}?done={Routed}"),
        ManualRoutingResult.NotFlagged => PageResponses.Redirect(request, $"{dossier}?problem=not-flagged"),
        ManualRoutingResult.UnknownAgencies => PageResponses.Redirect(request, $"{dossier}?problem=none-ticked"),
        _ => await PageResponses.HtmlAsync(request, HttpStatusCode.NotFound, PageHtml.Message("No such referral", "There is no referral with that reference on that night.", viewer), ct),
    };

    private async Task<HttpResponseData> RefusedAsync(HttpRequestData request, Core.Access.Viewer viewer, CancellationToken ct)
    {
        LogRefused();
        return await PageResponses.HtmlAsync(request, HttpStatusCode.Forbidden, PageHtml.Message("Form expired", "Reload the dossier and try again.", viewer), ct);
    }

    /// <summary>The dossier's notice after a routing by hand (only known words, never text from the query).</summary>
    public static string? Notice(HttpRequestData request) =>
        Query(request, "done") == Routed ? "Routed by hand: the ticked agencies have the case." : null;

    public static string? Problem(HttpRequestData request) =>
        Query(request, "problem") is { } key && Problems.TryGetValue(key, out var text) ? text : null;

    private static string? Query(HttpRequestData request, string name)
    {
        ArgumentNullException.ThrowIfNull(request);
        return System.Web.HttpUtility.ParseQueryString(request.Url.Query)[name];
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Route-by-hand form refused: no valid CSRF token or a malformed reference")]
    private partial void LogRefused();
}
