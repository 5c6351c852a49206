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
    public async Task<HttpResponseData> ListAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "control/roster")] HttpRequestData request,
        FunctionContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        if (controlRoom.Resolve(request) is null)
        {
            return await Responses.ControlRoomRequiredAsync(request, context.CancellationToken);
        }

        var officers = await roster.ListAsync(context.CancellationToken);
        return await Responses.JsonAsync(request, HttpStatusCode.OK, new RosterBody([.. officers.Select(RosterOfficerBody.From)]), context.CancellationToken);
    }

    [Function("AddOfficer")]
    public async Task<HttpResponseData> AddAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "control/roster")] HttpRequestData request,
        FunctionContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        if (controlRoom.Resolve(request) is not { } principal)
        {
            return await Responses.ControlRoomRequiredAsync(request, context.CancellationToken);
        }

        var actor = principal.Actor;
        RosterAddition? addition;
        try
        {
            addition = await JsonSerializer.DeserializeAsync<RosterAddition>(request.Body, Responses.Json, context.CancellationToken);
        }
        catch (JsonException e)
        {
            return await Responses.ProblemAsync(request, HttpStatusCode.BadRequest, "The body is not valid JSON.", e.Message, cancellationToken: context.CancellationToken);
        }

        return await AnswerAsync(request, await roster.AddAsync(addition ?? new RosterAddition(null, null, null, null, false), actor, context.CancellationToken), HttpStatusCode.Created, context.CancellationToken);
    }

    [Function("ImportRoster")]
    public async Task<HttpResponseData> ImportAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "control/roster/import")] HttpRequestData request,
        FunctionContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        if (controlRoom.Resolve(request) is not { } principal)
        {
            return await Responses.ControlRoomRequiredAsync(request, context.CancellationToken);
        }

        var actor = principal.Actor;
        var buffer = new char[MaxImportBytes + 1];
        using var reader = new StreamReader(request.Body);
        var read = await reader.ReadBlockAsync(buffer, context.CancellationToken);
        if (read > MaxImportBytes)
        {
            return await Responses.ProblemAsync(request, HttpStatusCode.RequestEntityTooLarge, $"At most {MaxImportBytes} characters per import.", cancellationToken: context.CancellationToken);
        }

        return await AnswerAsync(request, await roster.ImportAsync(new string(buffer, 0, read), actor, context.CancellationToken), HttpStatusCode.OK, context.CancellationToken);
    }

    [Function("DeactivateOfficer")]
    public async Task<HttpResponseData> DeactivateAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "control/roster/{collar}")] HttpRequestData request,
        string collar,
        FunctionContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        if (controlRoom.Resolve(request) is not { } principal)
        {
            return await Responses.ControlRoomRequiredAsync(request, context.CancellationToken);
        }

        var actor = principal.Actor;
        return await AnswerAsync(request, await roster.DeactivateAsync(collar, actor, context.CancellationToken), HttpStatusCode.OK, context.CancellationToken);
    }

    [Function("RosterChanges")]
    public async Task<HttpResponseData> ChangesAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "control/roster/changes")] HttpRequestData request,
        FunctionContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        if (controlRoom.Resolve(request) is null)
        {
            return await Responses.ControlRoomRequiredAsync(request, context.CancellationToken);
        }

        var changes = await roster.ChangesAsync(100, context.CancellationToken);
        return await Responses.JsonAsync(request, HttpStatusCode.OK, new RosterChangesBody(changes), context.CancellationToken);
    }

    private static async Task<HttpResponseData> AnswerAsync(HttpRequestData request, RosterResult result, HttpStatusCode done, CancellationToken cancellationToken) => result switch
    {
        RosterResult.Done changed => await Responses.JsonAsync(request, done, new RosterBody([.. changed.Changed.Select(RosterOfficerBody.From)]), cancellationToken),
        RosterResult.Invalid invalid => await Responses.ProblemAsync(request, HttpStatusCode.BadRequest, "The roster change is not valid.", "See errors for each invalid field; nothing was changed.", invalid.Errors, cancellationToken),
        RosterResult.NotFound => await Responses.ProblemAsync(request, HttpStatusCode.NotFound, "No active officer with that collar number.", cancellationToken: cancellationToken),
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
