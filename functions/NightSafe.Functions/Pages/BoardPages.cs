using System.Net;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Http;
using NightSafe.Core;
using NightSafe.Core.Board;
using NightSafe.Core.Control;
using NightSafe.Core.Nights;
using NightSafe.Core.Ports;
using NightSafe.Core.World;
using NightSafe.Functions.Http;

namespace NightSafe.Functions.Pages;

/// <summary>The control room's pages: the live night board, its JSON feed, a referral's dossier, past nights.</summary>
public sealed class BoardPages(
    PageGuard guard,
    BoardFeed feed,
    NightBoard board,
    ReferralDossiers dossiers,
    IReferralStore store,
    ISummaryStore summaries,
    RoutingWorld world,
    TimeProvider time)
{
    [Function("BoardPage")]
    public async Task<HttpResponseData> BoardAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "board")] HttpRequestData request,
        FunctionContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        var ct = context.CancellationToken;
        if (await RefuseAsync(request, "board", ct) is { } refusal)
        {
            return refusal;
        }

        var viewer = guard.Viewer(request)!;
        var night = NightFrom(request) ?? NightId.For(time.GetUtcNow(), world);
        return await PageResponses.HtmlAsync(request, HttpStatusCode.OK, PageHtml.Board(night, viewer, guard.Csrf(viewer), live: true), ct);
    }

    [Function("BoardFeed")]
    public async Task<HttpResponseData> FeedAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "board/night.json")] HttpRequestData request,
        FunctionContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        var ct = context.CancellationToken;
        if (await RefuseAsync(request, "board feed", ct) is { } refusal)
        {
            return refusal;
        }

        var night = NightFrom(request) ?? NightId.For(time.GetUtcNow(), world);
        return await PageResponses.JsonAsync(request, await feed.ReadAsync(night, ct), ct);
    }

    [Function("DossierPage")]
    public async Task<HttpResponseData> DossierAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "board/referrals/{night}/{reference}")] HttpRequestData request,
        string night,
        string reference,
        FunctionContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        var ct = context.CancellationToken;
        if (await RefuseAsync(request, "dossier", ct) is { } refusal)
        {
            return refusal;
        }

        var viewer = guard.Viewer(request)!;
        var dossier = ReferralRoute.Parse(night, reference) is { } referral
            ? await dossiers.ReadAsync(referral.Night, referral.Reference, Actors.ControlRoom + ":" + viewer.AuditName, ct)
            : null;
        return dossier is null
            ? await PageResponses.HtmlAsync(request, HttpStatusCode.NotFound, PageHtml.Message("No such referral", "There is no referral with that reference on that night.", viewer), ct)
            : await PageResponses.HtmlAsync(request, HttpStatusCode.OK, PageHtml.Dossier(dossier, world, viewer, guard.Csrf(viewer), RouteByHandPage.Notice(request), RouteByHandPage.Problem(request)), ct);
    }

    [Function("PastNightPage")]
    public async Task<HttpResponseData> PastNightAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "board/nights")] HttpRequestData request,
        FunctionContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        var ct = context.CancellationToken;
        if (await RefuseAsync(request, "past night", ct) is { } refusal)
        {
            return refusal;
        }

        var viewer = guard.Viewer(request)!;
        var night = NightFrom(request) ?? NightId.For(time.GetUtcNow(), world).Previous;
        var summary = await summaries.FindAsync(night, ct);
        var text = summary is null ? "No summary is stored for this night yet; the figures below are read from its referrals." : summary.Value.Text;
        return await PageResponses.HtmlAsync(request, HttpStatusCode.OK, PageHtml.Board(night, viewer, guard.Csrf(viewer), live: false, text), ct);
    }

    [Function("PastNightFeed")]
    public async Task<HttpResponseData> PastNightFeedAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "board/summary.json")] HttpRequestData request,
        FunctionContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        var ct = context.CancellationToken;
        if (await RefuseAsync(request, "past night feed", ct) is { } refusal)
        {
            return refusal;
        }

        var night = NightFrom(request) ?? NightId.For(time.GetUtcNow(), world).Previous;
        var summary = await summaries.FindAsync(night, ct);
        NightGlance glance;
        if (summary is not null)
        {
            glance = board.FromSummary(summary.Value, await store.NightAsync(night, ct));
        }
        else
        {
            glance = board.Build(night, await store.NightRowsAsync(night, ct), time.GetUtcNow()).Glance;
        }

        return await PageResponses.JsonAsync(
            request,
            new NightBoardView(night.ToString(), summary?.Value.GeneratedAt ?? time.GetUtcNow(), glance, []),
            ct);
    }

    private async Task<HttpResponseData?> RefuseAsync(HttpRequestData request, string page, CancellationToken ct)
    {
        var viewer = guard.Viewer(request);
        if (viewer is null)
        {
            return await guard.SignInFirstAsync(request, ct);
        }

        return viewer.IsControlRoom ? null : await guard.ForbiddenAsync(request, viewer, page, ct);
    }

    private static NightId? NightFrom(HttpRequestData request)
    {
        var value = System.Web.HttpUtility.ParseQueryString(request.Url.Query)["night"];
        return NightId.TryParse(value, out var night) ? night : null;
    }
}
