using System.Net;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Http;
using NightSafe.Core.Control;
using NightSafe.Core.Ports;
using NightSafe.Functions.Http;

namespace NightSafe.Functions.Control;

/// <summary>
/// The control room manages partner duty phones, the numbers that get an agency's case alerts and may answer its cases
/// by SMS: list (masked), add, remove, the trail. Each change names the signed-in principal.
/// </summary>
public sealed class DutyPhonesApi(DutyPhoneAdministration phones, ControlRoomIdentity controlRoom)
{
    [Function("ListDutyPhones")]
    public async Task<HttpResponseData> ListAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "control/duty-phones")] HttpRequestData request,
        FunctionContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        if (controlRoom.Resolve(request) is null)
        {
            return await Responses.ControlRoomRequiredAsync(request, context.CancellationToken);
        }

        var agency = System.Web.HttpUtility.ParseQueryString(request.Url.Query)["agency"];
        var listed = await phones.ListAsync(string.IsNullOrWhiteSpace(agency) ? null : agency, context.CancellationToken);
        return await Responses.JsonAsync(request, HttpStatusCode.OK, new DutyPhonesBody(listed), context.CancellationToken);
    }

    [Function("AddDutyPhone")]
    public async Task<HttpResponseData> AddAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "control/duty-phones")] HttpRequestData request,
        FunctionContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        if (controlRoom.Resolve(request) is not { } principal)
        {
            return await Responses.ControlRoomRequiredAsync(request, context.CancellationToken);
        }

        var read = await JsonBody.ReadAsync<DutyPhoneAddition>(request, context.CancellationToken);
        if (read.Refusal is { } refusal)
        {
            return refusal;
        }

        var result = await phones.AddAsync(read.Value ?? new DutyPhoneAddition(null, null), principal.Actor, context.CancellationToken);
        return await AnswerAsync(request, result, HttpStatusCode.Created, context.CancellationToken);
    }

    [Function("RemoveDutyPhone")]
    public async Task<HttpResponseData> RemoveAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "control/duty-phones/{agency}/{id}")] HttpRequestData request,
        string agency,
        string id,
        FunctionContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        if (controlRoom.Resolve(request) is not { } principal)
        {
            return await Responses.ControlRoomRequiredAsync(request, context.CancellationToken);
        }

        return await AnswerAsync(request, await phones.RemoveAsync(agency, id, principal.Actor, context.CancellationToken), HttpStatusCode.OK, context.CancellationToken);
    }

    [Function("DutyPhoneChanges")]
    public async Task<HttpResponseData> ChangesAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "control/duty-phones/changes")] HttpRequestData request,
        FunctionContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        if (controlRoom.Resolve(request) is null)
        {
            return await Responses.ControlRoomRequiredAsync(request, context.CancellationToken);
        }

        var changes = await phones.ChangesAsync(100, context.CancellationToken);
        return await Responses.JsonAsync(request, HttpStatusCode.OK, new DutyPhoneChangesBody(changes), context.CancellationToken);
    }

    private static async Task<HttpResponseData> AnswerAsync(HttpRequestData request, DutyPhoneResult result, HttpStatusCode done, CancellationToken cancellationToken) => result switch
    {
        DutyPhoneResult.Done changed => await Responses.JsonAsync(request, done, new DutyPhonesBody(changed.Changed), cancellationToken),
        DutyPhoneResult.Invalid invalid => await Responses.ProblemAsync(request, HttpStatusCode.BadRequest, "The duty phone change is not valid.", "See errors for each invalid field; nothing was changed.", invalid.Errors, cancellationToken),
        DutyPhoneResult.NotFound => await Responses.ProblemAsync(request, HttpStatusCode.NotFound, "No duty phone of that agency with that id.", cancellationToken: cancellationToken),
        _ => throw new InvalidOperationException($"Unknown duty phone result {result.GetType().Name}."),
    };
}

/// <summary>Duty phones (masked), each with its id and where it comes from.</summary>
public sealed record DutyPhonesBody(IReadOnlyList<DutyPhoneEntry> Phones);

/// <summary>The duty phones' latest changes, newest first, each naming who made it.</summary>
public sealed record DutyPhoneChangesBody(IReadOnlyList<DutyPhoneChange> Changes);
