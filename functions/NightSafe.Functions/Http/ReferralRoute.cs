using NightSafe.Core.Nights;
using NightSafe.Core.References;

namespace NightSafe.Functions.Http;

/// <summary>The referral a route's <c>{night}/{reference}</c> names.</summary>
public readonly record struct ReferralRoute(NightId Night, ReferenceCode Reference)
{
    /// <summary>Both parsed, or null when either is not one: then the route names no referral (404, or the page's refusal).</summary>
    public static ReferralRoute? Parse(string? night, string? reference) =>
        NightId.TryParse(night, out var nightId) && ReferenceCode.TryParse(reference, out var code) ? new ReferralRoute(nightId, code) : null;
}

/// <summary>A control-room request about the referral its route names: who asks and which referral, or the answer refusing it.</summary>
public sealed record ControlRoomReferralRequest(ControlRoomPrincipal? Principal, ReferralRoute Referral, Microsoft.Azure.Functions.Worker.Http.HttpResponseData? Refusal)
{
    /// <summary>The principal's audit actor; only when <see cref="Refusal"/> is null.</summary>
    public string Actor => Principal?.Actor ?? throw new InvalidOperationException("The request was refused: it has no control-room principal.");
}
