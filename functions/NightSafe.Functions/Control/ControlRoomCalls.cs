using System.Net;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Http;
using NightSafe.Functions.Http;

namespace NightSafe.Functions.Control;

/// <summary>
/// What every control-room administration endpoint (roster, duty phones) does around its one call: refuse without the
/// control room's identity (401), and answer a change as the changed entries, 400 naming each invalid field, or 404.
/// </summary>
public static class ControlRoomCalls
{
    /// <summary>The size of the trail an administration endpoint answers (newest first).</summary>
    public const int TrailLength = 100;

    /// <summary>Runs <paramref name="call"/> as the request's control-room principal; 401 when it has none.</summary>
    public static async Task<HttpResponseData> RunAsync(this ControlRoomIdentity controlRoom, HttpRequestData request, FunctionContext context, Func<ControlRoomPrincipal, CancellationToken, Task<HttpResponseData>> call)
    {
        ArgumentNullException.ThrowIfNull(controlRoom);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(call);
        return controlRoom.Resolve(request) is { } principal
            ? await call(principal, context.CancellationToken)
            : await Responses.ControlRoomRequiredAsync(request, context.CancellationToken);
    }

    /// <summary>A read for the control room: <paramref name="read"/>'s body as JSON with 200.</summary>
    public static Task<HttpResponseData> ReadAsync<T>(this ControlRoomIdentity controlRoom, HttpRequestData request, FunctionContext context, Func<CancellationToken, Task<T>> read) =>
        controlRoom.RunAsync(request, context, async (_, ct) => await Responses.JsonAsync(request, HttpStatusCode.OK, await read(ct), ct));

    /// <summary>A change for the control room with a JSON body: refused as <see cref="JsonBody"/> refuses (415, 413, 400), else <paramref name="change"/>.</summary>
    public static Task<HttpResponseData> ChangeAsync<TBody>(this ControlRoomIdentity controlRoom, HttpRequestData request, FunctionContext context, Func<TBody?, ControlRoomPrincipal, CancellationToken, Task<HttpResponseData>> change) =>
        controlRoom.RunAsync(request, context, async (principal, ct) =>
        {
            var read = await JsonBody.ReadAsync<TBody>(request, ct);
            return read.Refusal ?? await change(read.Value, principal, ct);
        });

    /// <summary>A change done: the changed entries with <paramref name="status"/>.</summary>
    public static Task<HttpResponseData> ChangedAsync<T>(HttpRequestData request, HttpStatusCode status, T changed, CancellationToken cancellationToken) =>
        Responses.JsonAsync(request, status, changed, cancellationToken);

    /// <summary>A change refused: 400 naming each invalid field; nothing was changed.</summary>
    public static Task<HttpResponseData> InvalidAsync(HttpRequestData request, string what, IReadOnlyDictionary<string, string[]> errors, CancellationToken cancellationToken) =>
        Responses.ProblemAsync(request, HttpStatusCode.BadRequest, $"The {what} change is not valid.", "See errors for each invalid field; nothing was changed.", errors, cancellationToken);

    /// <summary>Nothing to change: 404.</summary>
    public static Task<HttpResponseData> NotFoundAsync(HttpRequestData request, string title, CancellationToken cancellationToken) =>
        Responses.ProblemAsync(request, HttpStatusCode.NotFound, title, cancellationToken: cancellationToken);
}
