using Microsoft.Azure.Functions.Worker.Http;
using NightSafe.Core;

namespace NightSafe.Functions.Http;

/// <summary>
/// Who is calling a control-room endpoint, as the actor its audit events name. For now the Functions host admits the
/// caller by the function key and <c>X-Control-Room-User</c> (or <c>X-Consulted-By</c>) names them; the control-room
/// identity (Entra principal in Azure, a control-room key offline) replaces this one call.
/// </summary>
public static class ControlRoomCaller
{
    public const string UserHeader = "X-Control-Room-User";

    public static string Actor(HttpRequestData request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var by = Header(request, UserHeader) ?? Header(request, "X-Consulted-By");
        return string.IsNullOrWhiteSpace(by) ? Actors.ControlRoom : Actors.ControlRoom + ":" + new string([.. by.Where(c => !char.IsControl(c)).Take(64)]);
    }

    private static string? Header(HttpRequestData request, string name) =>
        request.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;
}
