using System.Net;
using System.Text.Json;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Http;
using NightSafe.Core.Control;
using NightSafe.Core.Ports;
using NightSafe.Functions.Http;

namespace NightSafe.Functions.Control;

/// <summary>The control room manages the officer roster: list (phones masked), add, deactivate, import a CSV, the trail. Each change names the signed-in principal.</summary>
public sealed class RosterApi(RosterAdministration roster, ControlRoomIdentity controlRoom)
{
    public const int MaxImportBytes = 512 * 1024;

    [Function("ListRoster")]
    public Task<HttpResponseData> ListAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "control/roster")] HttpRequestData request,
        FunctionContext context) =>
        controlRoom.ReadAsync(request, context, async ct => new RosterBody([.. (await roster.ListAsync(ct)).Select(RosterOfficerBody.From)]));

    [Function("AddOfficer")]
    public Task<HttpResponseData> AddAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "control/roster")] HttpRequestData request,
        FunctionContext context) =>
        controlRoom.RunAsync(request, context, async (principal, ct) =>
        {
            RosterAddition? addition;
            try
            {
                addition = await JsonSerializer.DeserializeAsync<RosterAddition>(request.Body, Responses.Json, ct);
            }
            catch (JsonException e)
            {
                return await Responses.ProblemAsync(request, HttpStatusCode.BadRequest, "The body is not valid JSON.", e.Message, cancellationToken: ct);
            }

            return await AnswerAsync(request, await roster.AddAsync(addition ?? new RosterAddition(null, null, null, null, false), principal.Actor, ct), HttpStatusCode.Created, ct);
        });

    [Function("ImportRoster")]
    public Task<HttpResponseData> ImportAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "control/roster/import")] HttpRequestData request,
        FunctionContext context) =>
        controlRoom.RunAsync(request, context, async (principal, ct) =>
        {
            var buffer = new char[MaxImportBytes + 1];
            using var reader = new StreamReader(request.Body);
            var read = await reader.ReadBlockAsync(buffer, ct);
            if (read > MaxImportBytes)
            {
                return await Responses.ProblemAsync(request, HttpStatusCode.RequestEntityTooLarge, $"At most {MaxImportBytes} characters per import.", cancellationToken: ct);
            }

            return await AnswerAsync(request, await roster.ImportAsync(new string(buffer, 0, read), principal.Actor, ct), HttpStatusCode.OK, ct);
        });

    [Function("DeactivateOfficer")]
    public Task<HttpResponseData> DeactivateAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "control/roster/{collar}")] HttpRequestData request,
        string collar,
        FunctionContext context) =>
        controlRoom.RunAsync(request, context, async (principal, ct) =>
            await AnswerAsync(request, await roster.DeactivateAsync(collar, principal.Actor, ct), HttpStatusCode.OK, ct));

    [Function("RosterChanges")]
    public Task<HttpResponseData> ChangesAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "control/roster/changes")] HttpRequestData request,
        FunctionContext context) =>
        controlRoom.ReadAsync(request, context, async ct => new RosterChangesBody(await roster.ChangesAsync(ControlRoomCalls.TrailLength, ct)));

    private static Task<HttpResponseData> AnswerAsync(HttpRequestData request, RosterResult result, HttpStatusCode done, CancellationToken cancellationToken) => result switch
    {
        RosterResult.Done changed => ControlRoomCalls.ChangedAsync(request, done, new RosterBody([.. changed.Changed.Select(RosterOfficerBody.From)]), cancellationToken),
        RosterResult.Invalid invalid => ControlRoomCalls.InvalidAsync(request, "roster", invalid.Errors, cancellationToken),
        RosterResult.NotFound => ControlRoomCalls.NotFoundAsync(request, "No active officer with that collar number.", cancellationToken),
        _ => throw new InvalidOperationException($"Unknown roster result {result.GetType().Name}."),
    };
}

/// <summary>Officers on the roster (phones masked).</summary>
public sealed record RosterBody(IReadOnlyList<RosterOfficerBody> Officers);

/// <summary>One officer as the control room sees the roster: never the full phone number.</summary>
public sealed record RosterOfficerBody(string Collar, string Name, string Town, string Phone, bool Supervisor, bool Active)
{
    public static RosterOfficerBody From(RosterEntry e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return new(e.Collar, e.Name, e.TownId, e.MaskedPhone, e.Supervisor, e.Active);
    }
}

/// <summary>The roster's latest changes, newest first, each naming who made it.</summary>
public sealed record RosterChangesBody(IReadOnlyList<RosterChange> Changes);
