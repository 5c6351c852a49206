using System.Net;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Http;
using NightSafe.Core.Retention;
using NightSafe.Functions.Http;

namespace NightSafe.Functions.Control;

/// <summary>The phone number whose referrals are to be erased (in the body: a number never goes in a URL).</summary>
public sealed record PhoneErasureRequest(string? Phone);

/// <summary>One referral's erasure: "erased" now, or "already-erased" (when), and its SMS records listed for deletion at the provider.</summary>
public sealed record ErasureBody(string Night, string Reference, string Outcome, DateTimeOffset? ErasedAt, int ProviderMessages)
{
    public static ErasureBody From(ReferralErasureResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return new(
            result.Night.ToString(),
            result.Reference.ToString(),
            result.Outcome == ErasureOutcome.Erased ? "erased" : "already-erased",
            result.ErasedAt,
            result.ProviderMessages);
    }
}

/// <summary>The answer to an erasure by phone: the number masked, the nights searched, each referral erased.</summary>
public sealed record PhoneErasureBody(string Phone, string FromNight, string ToNight, int Erased, IReadOnlyList<ErasureBody> Referrals);

/// <summary>
/// Erasure on request, for the control room only: one referral now, or every referral holding a phone number (the
/// subject's). The same erasure as retention, named in the trail with the signed-in principal; idempotent.
/// </summary>
public sealed class ErasureApi(ReferralErasure erasure, ControlRoomIdentity controlRoom)
{
    [Function("EraseReferral")]
    public async Task<HttpResponseData> EraseAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "control/referrals/{night}/{reference}/erasure")] HttpRequestData request,
        string night,
        string reference,
        FunctionContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        var cancellationToken = context.CancellationToken;
        var asked = await controlRoom.ReferralRequestAsync(request, night, reference, "A night is yyyy-MM-dd and a reference 6 characters.", cancellationToken);
        if (asked.Refusal is { } refused)
        {
            return refused;
        }

        return await Contention.AnswerAsync(
            request,
            erasure.EraseAsync(asked.Referral.Night, asked.Referral.Reference, asked.Actor, cancellationToken),
            async result => result.Outcome == ErasureOutcome.NotFound
                ? await Responses.ProblemAsync(request, HttpStatusCode.NotFound, "No such referral.", cancellationToken: cancellationToken)
                : await Responses.JsonAsync(request, HttpStatusCode.OK, ErasureBody.From(result), cancellationToken),
            cancellationToken);
    }

    [Function("ErasePhone")]
    public async Task<HttpResponseData> ErasePhoneAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "control/erasures/phone")] HttpRequestData request,
        FunctionContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        var cancellationToken = context.CancellationToken;
        if (controlRoom.Resolve(request) is not { } principal)
        {
            return await Responses.ControlRoomRequiredAsync(request, cancellationToken);
        }

        var read = await JsonBody.ReadAsync<PhoneErasureRequest>(request, cancellationToken);
        if (read.Refusal is { } refusal)
        {
            return refusal;
        }

        return await AnswerAsync(request, await erasure.EraseHoldingPhoneAsync(read.Value?.Phone, principal.Actor, cancellationToken), cancellationToken);
    }

    private static async Task<HttpResponseData> AnswerAsync(HttpRequestData request, PhoneErasureResult result, CancellationToken cancellationToken) =>
        result switch
        {
            PhoneErasureResult.Done done => await Responses.JsonAsync(
                request,
                HttpStatusCode.OK,
                new PhoneErasureBody(
                    done.Phone.ToString(),
                    done.From.ToString(),
                    done.To.ToString(),
                    done.Referrals.Count(r => r.Outcome == ErasureOutcome.Erased),
                    [.. done.Referrals.Select(ErasureBody.From)]),
                cancellationToken),
            PhoneErasureResult.Invalid invalid => await Responses.ProblemAsync(
                request,
                HttpStatusCode.BadRequest,
                "The erasure request is not valid.",
                "Nothing was erased.",
                new Dictionary<string, string[]> { ["phone"] = [invalid.Reason] },
                cancellationToken),
            var other => throw new InvalidOperationException($"Unknown erasure result {other.GetType().Name}."),
        };
}
