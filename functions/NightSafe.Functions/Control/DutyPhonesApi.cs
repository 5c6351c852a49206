using System.Net;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Http;
using NightSafe.Core.Control;
using NightSafe.Core.Ports;
using NightSafe.Functions.Http;

namespace NightSafe.Functions.Control;

/// <summary>
/// The control room manages partner duty phones, the numbers that get an agency's case alerts and may answer its cases
/// by SMS: list (masked), add, remove (by the id the list answers, or by the number in a request body), the trail. Each
/// change names the signed-in principal. Ids are keyed with the phone-key pepper: only the hub can compute them.
/// </summary>
public sealed class DutyPhonesApi(DutyPhoneAdministration phones, ControlRoomIdentity controlRoom)
{
    [Function("ListDutyPhones")]
    public Task<HttpResponseData> ListAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "control/duty-phones")] HttpRequestData request,
        FunctionContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        var agency = System.Web.HttpUtility.ParseQueryString(request.Url.Query)["agency"];
        return controlRoom.ReadAsync(request, context, async ct => new DutyPhonesBody(await phones.ListAsync(string.IsNullOrWhiteSpace(agency) ? null : agency, ct)));
    }

    [Function("AddDutyPhone")]
    public Task<HttpResponseData> AddAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "control/duty-phones")] HttpRequestData request,
        FunctionContext context) =>
        controlRoom.ChangeAsync<DutyPhoneAddition>(request, context, async (addition, principal, ct) =>
            await AnswerAsync(request, await phones.AddAsync(addition ?? new DutyPhoneAddition(null, null), principal.Actor, ct), HttpStatusCode.Created, ct));

    [Function("RemoveDutyPhone")]
    public Task<HttpResponseData> RemoveAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "control/duty-phones/{agency}/{id}")] HttpRequestData request,
        string agency,
        string id,
        FunctionContext context) =>
        controlRoom.RunAsync(request, context, async (principal, ct) =>
            await AnswerAsync(request, await phones.RemoveAsync(agency, id, principal.Actor, ct), HttpStatusCode.OK, ct));

    /// <summary>Removal by number, for a caller that knows the number and not its id: the number travels in the body, never a URL.</summary>
    [Function("RemoveDutyPhoneByNumber")]
    public Task<HttpResponseData> RemoveNumberAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "control/duty-phones/removals")] HttpRequestData request,
        FunctionContext context) =>
        controlRoom.ChangeAsync<DutyPhoneRemoval>(request, context, async (removal, principal, ct) =>
            await AnswerAsync(request, await phones.RemoveNumberAsync(removal ?? new DutyPhoneRemoval(null, null), principal.Actor, ct), HttpStatusCode.OK, ct));

    [Function("DutyPhoneChanges")]
    public Task<HttpResponseData> ChangesAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "control/duty-phones/changes")] HttpRequestData request,
        FunctionContext context) =>
        controlRoom.ReadAsync(request, context, async ct => new DutyPhoneChangesBody(await phones.ChangesAsync(ControlRoomCalls.TrailLength, ct)));

    private static Task<HttpResponseData> AnswerAsync(HttpRequestData request, DutyPhoneResult result, HttpStatusCode done, CancellationToken cancellationToken) => result switch
    {
        DutyPhoneResult.Done changed => ControlRoomCalls.ChangedAsync(request, done, new DutyPhonesBody(changed.Changed), cancellationToken),
        DutyPhoneResult.Invalid invalid => ControlRoomCalls.InvalidAsync(request, "duty phone", invalid.Errors, cancellationToken),
        DutyPhoneResult.NotFound => ControlRoomCalls.NotFoundAsync(request, "No duty phone of that agency with that id or number.", cancellationToken),
        _ => throw new InvalidOperationException($"Unknown duty phone result {result.GetType().Name}."),
    };
}

/// <summary>Duty phones (masked), each with its id and where it comes from.</summary>
public sealed record DutyPhonesBody(IReadOnlyList<DutyPhoneEntry> Phones);

/// <summary>The duty phones' latest changes, newest first, each naming who made it.</summary>
public sealed record DutyPhoneChangesBody(IReadOnlyList<DutyPhoneChange> Changes);
