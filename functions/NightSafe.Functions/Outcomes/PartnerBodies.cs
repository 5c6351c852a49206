using System.Text.Json;
using NightSafe.Core.Nights;
using NightSafe.Core.Outcomes;

namespace NightSafe.Functions.Outcomes;

/// <summary>200 to a partner's outcome report: the case's status and the referral's, after the report.</summary>
public sealed record OutcomeRecordedBody(string Night, string Reference, string Agency, string Status, string ReferralStatus);

/// <summary>An agency's cases of a night (<c>GET /api/partners/{agency}/cases</c>), each in its own minimised view.</summary>
public sealed record PartnerCaseListBody(string Agency, string Night, IReadOnlyList<PartnerCaseBody> Cases)
{
    public static PartnerCaseListBody From(string agency, NightId night, IReadOnlyList<PartnerCaseView> cases)
    {
        ArgumentNullException.ThrowIfNull(cases);
        return new(agency, night.ToString(), [.. cases.Select(c => new PartnerCaseBody(c.Night, c.Reference, c.Status, c.DisclosedAt, JsonDocument.Parse(c.View).RootElement))]);
    }
}

/// <summary>One case in an agency's list; <see cref="Case"/> is exactly the JSON the agency was sent.</summary>
public sealed record PartnerCaseBody(string Night, string Reference, string Status, DateTimeOffset DisclosedAt, JsonElement Case);
