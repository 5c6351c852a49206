using NightSafe.Core.Access;
using System.Net;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Http;
using Microsoft.Extensions.Options;
using NightSafe.Functions.Http;

namespace NightSafe.Functions.Pages;

/// <summary>Local sign-in links (development only) and sign-out.</summary>
public sealed class SignInPages(PageGuard guard, PageSessions sessions, IOptions<PagesOptions> options)
{
    [Function("SignIn")]
    public async Task<HttpResponseData> SignInAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "sign-in")] HttpRequestData request,
        FunctionContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        var token = System.Web.HttpUtility.ParseQueryString(request.Url.Query)["t"];
        var viewer = options.Value.LocalSignIn ? sessions.Open(PageSessions.SignInPurpose, token) : null;
        if (viewer is null)
        {
            return await PageResponses.HtmlAsync(request, HttpStatusCode.Forbidden, PageHtml.Message("Sign-in link not valid", "This sign-in link is not valid or has expired."), context.CancellationToken);
        }

        // A fresh session id per sign-in: the link's own id (and so its CSRF token) is never the session's.
        var session = viewer with { SessionId = PageSessions.NewSessionId() };
        var target = session.Role == ViewerRole.ControlRoom ? $"{PageHtml.Root}board" : $"{PageHtml.Root}desk/{session.AgencyId}";
        return PageResponses.Redirect(request, target, PageResponses.SessionCookie(request, sessions.Seal(PageSessions.SessionPurpose, session)));
    }

    [Function("SignOut")]
    public async Task<HttpResponseData> SignOutAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "sign-out")] HttpRequestData request,
        FunctionContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        var viewer = guard.Viewer(request);
        var body = await FormBody.ReadAsync(request.Body, context.CancellationToken);
        if (viewer is not null && !guard.IsGenuinePost(request, viewer, body is null ? new Dictionary<string, string>() : FormBody.FirstValues(FormBody.Parse(body))))
        {
            return await PageResponses.HtmlAsync(request, HttpStatusCode.Forbidden, PageHtml.Message("Form expired", "Reload the page and try again.", viewer), context.CancellationToken);
        }

        var page = await PageResponses.HtmlAsync(request, HttpStatusCode.OK, PageHtml.Message("Signed out", "You are signed out."), context.CancellationToken);
        page.Headers.Add("Set-Cookie", PageResponses.ClearedCookie(request));
        return page;
    }
}
