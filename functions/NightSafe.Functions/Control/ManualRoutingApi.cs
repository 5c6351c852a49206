using System.Net;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Http;
using NightSafe.Core.Nights;
using NightSafe.Core.References;
using NightSafe.Core.Routing;
using NightSafe.Functions.Http;

namespace NightSafe.Functions.Control;

/// <summary>The control room's choice of agencies for a referral automatic routing gave up on.</summary>
public sealed record ManualRoutingRequest(IReadOnlyList<string>? Agencies);

/// <summary>200 to a routing by hand: the referral and the agencies it went to.</summary>
public sealed record RoutedByHandBody(string Night, string Reference, string Status, IReadOnlyList<string> Agencies);

/// <summary>Routes a <c>NeedsManualRouting</c> referral by hand, through the same publishing, minimisation and audit path.</summary>
public sealed class ManualRoutingApi(ReferralRouter router, ControlRoomIdentity controlRoom)
{
    [Function("RouteByHand")]
    public async Task<HttpResponseData> RouteAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "control/referrals/{night}/{reference}/route")] HttpRequestData request,
        string night,
        string reference,
        FunctionContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        var cancellationToken = context.CancellationToken;
        var asked = await controlRoom.ReferralRequestAsync(request, night, reference, null, cancellationToken);
        if (asked.Refusal is { } refused)
        {
            return refused;
        }

        var (nightId, code) = asked.Referral;
        var read = await JsonBody.ReadAsync<ManualRoutingRequest>(request, cancellationToken);
        if (read.Refusal is { } refusal)
        {
            return refusal;
        }

        return await Contention.AnswerAsync(
            request,
            router.RouteByHandAsync(nightId, code, read.Value?.Agencies ?? [], asked.Actor, cancellationToken),
            result => AnswerAsync(request, nightId, code, result, cancellationToken),
            cancellationToken);
    }

    private static async Task<HttpResponseData> AnswerAsync(HttpRequestData request, NightId night, ReferenceCode reference, ManualRoutingResult result, CancellationToken cancellationToken) => result switch
    {
        ManualRoutingResult.Routed routed => await Responses.JsonAsync(
            request,
            HttpStatusCode.OK,
            new RoutedByHandBody(night.ToString(), reference.ToString(), "Routed", [.. routed.Decision.Assignments.Select(a => a.AgencyId.Value)]),
            cancellationToken),
        ManualRoutingResult.UnknownAgencies unknown => await Responses.ProblemAsync(
            request,
            HttpStatusCode.BadRequest,
            "Choose one or more agencies from routing.json.",
            errors: new Dictionary<string, string[]> { ["agencies"] = unknown.Agencies.Count == 0 ? ["At least one agency id."] : [.. unknown.Agencies.Select(a => "Unknown agency: " + a)] },
            cancellationToken: cancellationToken),
        ManualRoutingResult.NotFlagged notFlagged => await Responses.ProblemAsync(
            request,
            HttpStatusCode.Conflict,
            "Only a referral that needs manual routing is routed by hand.",
            $"The referral is {notFlagged.Status}.",
            cancellationToken: cancellationToken),
        ManualRoutingResult.NotFound => await Responses.ProblemAsync(request, HttpStatusCode.NotFound, "No such referral.", cancellationToken: cancellationToken),
        _ => throw new InvalidOperationException($"Unknown manual routing result {result.GetType().Name}."),
    };
}
