using NightSafe.Core.Access;
using System.Net;
using Microsoft.Azure.Functions.Worker.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace NightSafe.Functions.Pages;

/// <summary>
/// The pages' one door: who is asking, and the answer when they may not (sign in first, or 403, logged). Refusals
/// log the page and the viewer's role and agency, never a name or a phone number.
/// </summary>
public sealed partial class PageGuard(PageViewers viewers, PageSessions sessions, IOptions<PagesOptions> options, ILogger<PageGuard> logger)
{
    public Viewer? Viewer(HttpRequestData request) => viewers.Resolve(request);

    public string Csrf(Viewer viewer) => sessions.CsrfToken(viewer);

    /// <summary>
    /// A form post is accepted only with the session's CSRF token and, when the browser says where it came from, from
    /// this site (SameSite=Strict cookies already keep other sites' posts unauthenticated).
    /// </summary>
    public bool IsGenuinePost(HttpRequestData request, Viewer viewer, IReadOnlyDictionary<string, string> form)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(form);
        if (request.Headers.TryGetValues("Sec-Fetch-Site", out var site) && site.FirstOrDefault() is { } fetchSite && fetchSite is not ("same-origin" or "none"))
        {
            return false;
        }

        return sessions.CheckCsrf(viewer, form.GetValueOrDefault("csrf"));
    }

    /// <summary>No one signed in: Entra's sign-in in Azure, otherwise a page saying how to sign in.</summary>
    public async Task<HttpResponseData> SignInFirstAsync(HttpRequestData request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (options.Value.PlatformAuthentication)
        {
            return PageResponses.Redirect(request, "/.auth/login/aad?post_login_redirect_uri=" + Uri.EscapeDataString(request.Url.PathAndQuery));
        }

        return await PageResponses.HtmlAsync(
            request,
            HttpStatusCode.Unauthorized,
            PageHtml.Message("Sign in", "Open the sign-in link you were given (nightsafe up prints one for the board and one per agency desk)."),
            cancellationToken);
    }

    public async Task<HttpResponseData> ForbiddenAsync(HttpRequestData request, Viewer viewer, string page, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(viewer);
        LogForbidden(page, viewer.Role, viewer.AgencyId?.Value ?? "-", viewer.CaseScope is not null);
        return await PageResponses.HtmlAsync(
            request,
            HttpStatusCode.Forbidden,
            PageHtml.Message("Not yours to see", "This page is not open to you. The attempt has been recorded.", viewer),
            cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Page {Page} refused (403) to a {Role} viewer of agency {Agency} (case link: {CaseLink})")]
    private partial void LogForbidden(string page, ViewerRole role, string agency, bool caseLink);
}
