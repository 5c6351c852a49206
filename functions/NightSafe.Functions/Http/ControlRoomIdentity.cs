using System.Security.Cryptography;
using System.Text;
using Microsoft.Azure.Functions.Worker.Http;
using Microsoft.Extensions.Options;
using NightSafe.Core;
using NightSafe.Functions.Hosting;

namespace NightSafe.Functions.Http;

/// <summary>A person (or the offline control-room key) acting for the control room, as the audit trail names them.</summary>
/// <param name="Id">A stable id: the Entra object id, or "key" for the offline control-room key.</param>
/// <param name="Name">Who, for people: the principal's name (UPN), or "control-room key".</param>
public sealed record ControlRoomPrincipal(string Id, string Name)
{
    /// <summary>The audit trail's actor: "control-room:" and the principal's name (a consultation names its reader).</summary>
    public string Actor => Actors.ControlRoom + ":" + Name;
}

/// <summary>
/// The one place that decides whether an HTTP request comes from the control room, and who in it. Every endpoint
/// with control-room rights (dossiers, summaries, erasure; the night board, roster and manual routing) asks
/// <see cref="Resolve"/> and refuses with 401 when it answers null; a submitting system's function key is never enough.
/// <list type="bullet">
/// <item>In Azure, App Service Authentication signs people in with Entra ID and passes the principal to the app in
/// <c>X-MS-CLIENT-PRINCIPAL-ID</c> and <c>X-MS-CLIENT-PRINCIPAL-NAME</c> (and the encoded
/// <c>X-MS-CLIENT-PRINCIPAL</c>). The platform strips these headers from every client request, so when
/// <see cref="ControlRoomOptions.PlatformAuthentication"/> is on they can only have come from it. Turn it on only
/// where App Service Authentication is enabled: without it, anyone could send the headers.</item>
/// <item>Offline (no platform in front), a control-room key in <c>X-Control-Room-Key</c>: only its SHA-256 is in
/// settings (<c>ControlRoom__KeySha256</c>), compared in constant time, as partner keys are. `nightsafe up` makes one
/// and prints it.</item>
/// </list>
/// The principal's <see cref="ControlRoomPrincipal.Actor"/> is what consultations and erasures record: a caller can no
/// longer name itself (the old <c>X-Consulted-By</c> header is ignored).
/// </summary>
public sealed class ControlRoomIdentity(IOptions<ControlRoomOptions> options)
{
    public const string KeyHeader = "X-Control-Room-Key";
    public const string PrincipalIdHeader = "X-MS-CLIENT-PRINCIPAL-ID";
    public const string PrincipalNameHeader = "X-MS-CLIENT-PRINCIPAL-NAME";

    private const int MaxHeader = 256;

    private readonly byte[]? _keyHash = options?.Value.KeySha256 is { Length: 64 } hex && hex.All(Uri.IsHexDigit) ? Convert.FromHexString(hex) : null;
    private readonly bool _platform = options?.Value.PlatformAuthentication ?? throw new ArgumentNullException(nameof(options));

    /// <summary>
    /// The control-room principal of this request and the referral its route names, or the answer refusing it: 401
    /// without the control room's sign-in, then 404 "No such referral." (with <paramref name="notFoundDetail"/>) when the
    /// route names none.
    /// </summary>
    public async Task<ControlRoomReferralRequest> ReferralRequestAsync(HttpRequestData request, string night, string reference, string? notFoundDetail, CancellationToken cancellationToken)
    {
        if (Resolve(request) is not { } principal)
        {
            return new(null, default, await Responses.ControlRoomRequiredAsync(request, cancellationToken));
        }

        return ReferralRoute.Parse(night, reference) is { } referral
            ? new(principal, referral, null)
            : new(principal, default, await Responses.ProblemAsync(request, System.Net.HttpStatusCode.NotFound, "No such referral.", notFoundDetail, cancellationToken: cancellationToken));
    }

    /// <summary>The control-room principal of this request, or null when it has none (answer 401).</summary>
    public ControlRoomPrincipal? Resolve(HttpRequestData request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (_platform && Header(request, PrincipalIdHeader) is { } id)
        {
            return new ControlRoomPrincipal(id, Header(request, PrincipalNameHeader) ?? id);
        }

        if (_keyHash is not null && Header(request, KeyHeader) is { } key)
        {
            var presented = SHA256.HashData(Encoding.UTF8.GetBytes(key));
            if (CryptographicOperations.FixedTimeEquals(presented, _keyHash))
            {
                return new ControlRoomPrincipal("key", "control-room key");
            }
        }

        return null;
    }

    private static string? Header(HttpRequestData request, string name)
    {
        if (!request.Headers.TryGetValues(name, out var values) || values.FirstOrDefault() is not { } value)
        {
            return null;
        }

        value = value.Trim();
        return value.Length is 0 or > MaxHeader || value.Any(char.IsControl) ? null : value;
    }
}
