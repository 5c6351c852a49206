using System.Net;
using Microsoft.Azure.Functions.Worker.Http;

namespace NightSafe.Functions.Pages;

/// <summary>Answers of the pages, each with the same security headers.</summary>
public static class PageResponses
{
    /// <summary>No inline script or style, nothing from elsewhere, never framed, forms post only here.</summary>
    public const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
        "form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

    public static HttpResponseData Secured(HttpResponseData response)
    {
        ArgumentNullException.ThrowIfNull(response);
        response.Headers.Add("Content-Security-Policy", ContentSecurityPolicy);
        response.Headers.Add("X-Content-Type-Options", "nosniff");
        // Case links carry tokens: never send the address on.
        response.Headers.Add("Referrer-Policy", "no-referrer");
        response.Headers.Add("X-Frame-Options", "DENY");
        response.Headers.Add("Cache-Control", "no-store");
        return response;
    }

    public static async Task<HttpResponseData> HtmlAsync(HttpRequestData request, HttpStatusCode status, string html, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var response = Secured(request.CreateResponse(status));
        response.Headers.Add("Content-Type", "text/html; charset=utf-8");
        await response.WriteStringAsync(html, cancellationToken);
        return response;
    }

    public static async Task<HttpResponseData> JsonAsync<T>(HttpRequestData request, T body, CancellationToken cancellationToken)
    {
        var response = await Http.Responses.JsonAsync(request, HttpStatusCode.OK, body, cancellationToken);
        return Secured(response);
    }

    /// <summary>303 See Other: after a form post, and after a sign-in link.</summary>
    public static HttpResponseData Redirect(HttpRequestData request, string location, string? setCookie = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        var response = Secured(request.CreateResponse(HttpStatusCode.SeeOther));
        response.Headers.Add("Location", location);
        if (setCookie is not null)
        {
            response.Headers.Add("Set-Cookie", setCookie);
        }

        return response;
    }

    /// <summary>
    /// The session cookie: HttpOnly, SameSite=Strict, Secure except on the loopback address. It ends with the browser
    /// session; the signed value carries its own expiry, checked against the app's clock (not the browser's).
    /// </summary>
    public static string SessionCookie(HttpRequestData request, string value)
    {
        var secure = PageViewers.IsSecure(request);
        var cookie = $"{PageViewers.CookieName(secure)}={value}; Path=/; HttpOnly; SameSite=Strict";
        return secure ? cookie + "; Secure" : cookie;
    }

    public static string ClearedCookie(HttpRequestData request)
    {
        var secure = PageViewers.IsSecure(request);
        var cookie = $"{PageViewers.CookieName(secure)}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0";
        return secure ? cookie + "; Secure" : cookie;
    }
}
