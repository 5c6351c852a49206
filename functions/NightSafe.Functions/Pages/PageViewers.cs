using NightSafe.Core.Access;
using System.Text;
using System.Text.Json;
using Microsoft.Azure.Functions.Worker.Http;
using Microsoft.Extensions.Options;
using NightSafe.Core.World;

namespace NightSafe.Functions.Pages;

/// <summary>
/// Who is asking for a page: the principal App Service Authentication puts in its headers (Azure; only when
/// <see cref="PagesOptions.PlatformAuthentication"/> says the platform is in front and strips them from clients),
/// otherwise the signed session cookie (local sign-in, case links).
/// </summary>
public sealed class PageViewers(PageSessions sessions, IOptions<PagesOptions> options, RoutingWorld world, TimeProvider time)
{
    public const string PrincipalHeader = "X-MS-CLIENT-PRINCIPAL";
    public const string PrincipalNameHeader = "X-MS-CLIENT-PRINCIPAL-NAME";
    public const string PrincipalIdHeader = "X-MS-CLIENT-PRINCIPAL-ID";

    /// <summary>The cookie's name: the <c>__Host-</c> prefix (Secure, path /, no domain) wherever it can be Secure.</summary>
    public static string CookieName(bool secure) => secure ? "__Host-nightsafe" : "nightsafe";

    public Viewer? Resolve(HttpRequestData request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (options.Value.PlatformAuthentication && FromPlatform(request) is { } principal)
        {
            return principal;
        }

        return sessions.Open(PageSessions.SessionPurpose, CookieValue(request, CookieName(IsSecure(request))));
    }

    /// <summary>A cookie from the request's Cookie header (read here: not every host fills HttpRequestData.Cookies).</summary>
    public static string? CookieValue(HttpRequestData request, string name)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!request.Headers.TryGetValues("Cookie", out var headers))
        {
            return null;
        }

        foreach (var pair in headers.SelectMany(h => h.Split(';')))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0 && pair[..equals].Trim() == name)
            {
                return pair[(equals + 1)..].Trim();
            }
        }

        return null;
    }

    /// <summary>Cookies are Secure everywhere except plain http on the loopback address (the offline stack).</summary>
    public static bool IsSecure(HttpRequestData request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return !(request.Url.IsLoopback && request.Url.Scheme == Uri.UriSchemeHttp);
    }

    private Viewer? FromPlatform(HttpRequestData request)
    {
        if (!request.Headers.TryGetValues(PrincipalHeader, out var values) || values.FirstOrDefault() is not { Length: > 0 and < 16384 } encoded)
        {
            return null;
        }

        ClientPrincipal? principal;
        try
        {
            principal = JsonSerializer.Deserialize<ClientPrincipal>(Encoding.UTF8.GetString(Convert.FromBase64String(encoded)), Http.Responses.Json);
        }
        catch (Exception e) when (e is FormatException or JsonException)
        {
            return null;
        }

        if (principal?.Claims is null)
        {
            return null;
        }

        var roleType = principal.RoleTyp ?? "roles";
        var roles = principal.Claims
            .Where(c => c.Typ == roleType || c.Typ == "roles" || c.Typ == "http://schemas.microsoft.com/ws/2008/06/identity/claims/role")
            .Select(c => c.Val)
            .OfType<string>()
            .ToHashSet(StringComparer.Ordinal);
        var name = Header(request, PrincipalNameHeader) ?? principal.Claims.FirstOrDefault(c => c.Typ == principal.NameTyp)?.Val ?? "signed-in user";
        var id = Header(request, PrincipalIdHeader) ?? name;
        var expires = time.GetUtcNow().AddMinutes(5);
        var settings = options.Value;
        if (roles.Contains(settings.ControlRoomRole))
        {
            return new Viewer(ViewerRole.ControlRoom, name, null, null, expires, "entra:" + id, FromPlatform: true);
        }

        var agency = world.Agencies.FirstOrDefault(a => roles.Contains(settings.AgencyRolePrefix + a.Id));
        return agency is null ? null : new Viewer(ViewerRole.Agency, name, agency.Id, null, expires, "entra:" + id, FromPlatform: true);
    }

    private static string? Header(HttpRequestData request, string name) =>
        request.Headers.TryGetValues(name, out var values) && values.FirstOrDefault() is { Length: > 0 } value ? value : null;

    private sealed record ClientPrincipal(
        [property: System.Text.Json.Serialization.JsonPropertyName("auth_typ")] string? AuthTyp,
        [property: System.Text.Json.Serialization.JsonPropertyName("name_typ")] string? NameTyp,
        [property: System.Text.Json.Serialization.JsonPropertyName("role_typ")] string? RoleTyp,
        [property: System.Text.Json.Serialization.JsonPropertyName("claims")] IReadOnlyList<PrincipalClaim>? Claims);

    private sealed record PrincipalClaim(
        [property: System.Text.Json.Serialization.JsonPropertyName("typ")] string? Typ,
        [property: System.Text.Json.Serialization.JsonPropertyName("val")] string? Val);
}
