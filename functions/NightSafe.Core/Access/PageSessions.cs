using NightSafe.Core.World;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace NightSafe.Core.Access;

/// <summary>
/// Signed values for the pages: the session cookie, local sign-in links and CSRF tokens. Each is JSON and an
/// HMAC-SHA256 tag under a key derived for its purpose, so a value signed for one purpose never passes as another.
/// </summary>
public sealed class PageSessions
{
    public const string SessionPurpose = "session";
    public const string SignInPurpose = "sign-in";

    private static readonly JsonSerializerOptions Compact = new(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    private readonly byte[] _key;
    private readonly TimeProvider _time;

    public PageSessions(ReadOnlySpan<byte> signingKey, TimeProvider time)
    {
        if (signingKey.Length < 32)
        {
            throw new ArgumentException("Pages:SigningKey must be base64 of at least 32 bytes.", nameof(signingKey));
        }

        _key = signingKey.ToArray();
        _time = time;
    }

    /// <summary>A signed, expiring value for <paramref name="purpose"/> (a cookie value or a sign-in token).</summary>
    public string Seal(string purpose, Viewer viewer)
    {
        ArgumentNullException.ThrowIfNull(viewer);
        var claims = new SessionClaims(
            viewer.Role == ViewerRole.ControlRoom ? "control" : "agency",
            viewer.AgencyId?.Value,
            viewer.Name,
            viewer.CaseScope,
            viewer.ExpiresAt.ToUnixTimeSeconds(),
            viewer.SessionId);
        var payload = Base64Url(JsonSerializer.SerializeToUtf8Bytes(claims, Compact));
        return payload + "." + Base64Url(Tag(purpose, payload));
    }

    /// <summary>The viewer a sealed value names, or null when it is tampered with, expired or not for this purpose.</summary>
    public Viewer? Open(string purpose, string? sealedValue)
    {
        if (string.IsNullOrEmpty(sealedValue) || sealedValue.Length > 2048 || sealedValue.Split('.') is not [var payload, var tag])
        {
            return null;
        }

        if (!TryFromBase64Url(tag, out var given) || !CryptographicOperations.FixedTimeEquals(given, Tag(purpose, payload)))
        {
            return null;
        }

        if (!TryFromBase64Url(payload, out var json))
        {
            return null;
        }

        SessionClaims? claims;
        try
        {
            claims = JsonSerializer.Deserialize<SessionClaims>(json, Compact);
        }
        catch (JsonException)
        {
            return null;
        }

        if (claims is null || claims.Sid is null || claims.Name is null)
        {
            return null;
        }

        var expires = DateTimeOffset.FromUnixTimeSeconds(claims.Exp);
        if (_time.GetUtcNow() >= expires)
        {
            return null;
        }

        return claims.Kind switch
        {
            "control" => new Viewer(ViewerRole.ControlRoom, claims.Name, null, null, expires, claims.Sid, FromPlatform: false),
            "agency" when claims.Agency is not null => new Viewer(ViewerRole.Agency, claims.Name, AgencyId.From(claims.Agency), claims.Case, expires, claims.Sid, FromPlatform: false),
            _ => null,
        };
    }

    /// <summary>The CSRF token of a session: forms carry it, and an action without it is refused.</summary>
    public string CsrfToken(Viewer viewer)
    {
        ArgumentNullException.ThrowIfNull(viewer);
        return Base64Url(Tag("csrf", viewer.SessionId));
    }

    public bool CheckCsrf(Viewer viewer, string? token)
    {
        ArgumentNullException.ThrowIfNull(viewer);
        return token is not null && TryFromBase64Url(token, out var given)
            && CryptographicOperations.FixedTimeEquals(given, Tag("csrf", viewer.SessionId));
    }

    public static string NewSessionId() => Base64Url(RandomNumberGenerator.GetBytes(16));

    private byte[] Tag(string purpose, string value)
    {
        var purposeKey = HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes("nightsafe pages " + purpose));
        return HMACSHA256.HashData(purposeKey, Encoding.UTF8.GetBytes(value));
    }

    private static string Base64Url(ReadOnlySpan<byte> bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static bool TryFromBase64Url(string text, out byte[] bytes)
    {
        var padded = text.Replace('-', '+').Replace('_', '/');
        padded += new string('=', (4 - (padded.Length % 4)) % 4);
        var buffer = new byte[padded.Length];
        var ok = Convert.TryFromBase64String(padded, buffer, out var written);
        bytes = ok ? buffer[..written] : [];
        return ok;
    }

    private sealed record SessionClaims(string Kind, string? Agency, string? Name, string? Case, long Exp, string? Sid);
}
