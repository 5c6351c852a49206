using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using NightSafe.Core.Intake.Parsing;
using NightSafe.Core.Ports;
using NightSafe.Core.Referrals;
using NightSafe.Core.World;

namespace NightSafe.Core.Routing;

/// <summary>
/// The body of a case message: one agency's minimised view of a referral. Beside the envelope
/// (<c>schemaVersion</c>, <c>type</c>, <c>agency</c>) it holds only the fields the agency's <c>shares</c> allow, and of
/// the referral's categories only those the agency was assigned for (a street-pastor team never reads "domestic-abuse").
/// </summary>
public static class CaseMessage
{
    public const int SchemaVersion = 1;

    /// <summary>Top-level keys every message carries that are not referral fields.</summary>
    public static readonly IReadOnlySet<string> EnvelopeKeys = new HashSet<string>(StringComparer.Ordinal) { "schemaVersion", "type", "agency" };

    private static readonly JsonSerializerOptions Compact = new() { WriteIndented = false };

    /// <summary>The JSON body and the names of the fields it disclosed (for the audit trail).</summary>
    public static (string Body, IReadOnlyList<string> Fields) Build(Referral referral, Agency agency, IReadOnlyList<string> assignedCategories, RoutingWorld world)
    {
        ArgumentNullException.ThrowIfNull(assignedCategories);
        ArgumentNullException.ThrowIfNull(referral);
        ArgumentNullException.ThrowIfNull(agency);
        ArgumentNullException.ThrowIfNull(world);
        var body = new JsonObject
        {
            ["schemaVersion"] = SchemaVersion,
            ["type"] = "case",
            ["agency"] = agency.Id,
        };
        var disclosed = new List<string>();
        foreach (var field in CaseFields.For(agency, referral.Consent))
        {
            if (ValueOf(referral, field, assignedCategories, world) is { } value)
            {
                body[field] = value;
                disclosed.Add(field);
            }
        }

        return (body.ToJsonString(Compact), disclosed);
    }

    /// <summary>
    /// The message for the topic: the properties beside <c>agency</c> are set only for fields in the agency's
    /// <c>shares</c>, so what a partner's tooling can read off a message is no more than its body holds.
    /// </summary>
    public static OutgoingCase Outgoing(Referral referral, PartnerCase @case, Agency agency, IReadOnlyList<string> assignedCategories)
    {
        ArgumentNullException.ThrowIfNull(referral);
        ArgumentNullException.ThrowIfNull(@case);
        ArgumentNullException.ThrowIfNull(agency);
        var fields = CaseFields.For(agency, referral.Consent);
        return new OutgoingCase(
            PartnerCase.MessageIdFor(referral.Night, referral.Reference, @case.AgencyId),
            @case.AgencyId,
            fields.Contains(ReferralFields.Town) ? referral.TownId : null,
            fields.Contains(ReferralFields.Categories) ? referral.Categories.Where(assignedCategories.Contains).ToList() : null,
            fields.Contains(ReferralFields.Priority) ? referral.Priority : null,
            @case.View,
            referral.TraceParent);
    }

    private static JsonNode? ValueOf(Referral referral, string field, IReadOnlyList<string> assignedCategories, RoutingWorld world) => field switch
    {
        ReferralFields.Reference => referral.Reference.ToString(),
        ReferralFields.Night => referral.Night.ToString(),
        ReferralFields.ReceivedAt => referral.ReceivedAt.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
        ReferralFields.Town => new JsonObject { ["id"] = referral.TownId, ["name"] = world.FindTown(referral.TownId)?.Name ?? referral.TownId },
        ReferralFields.Categories => new JsonArray(referral.Categories.Where(assignedCategories.Contains).Select(c => (JsonNode?)JsonValue.Create(c)).ToArray()),
        ReferralFields.Priority => referral.Priority.ToString().ToLowerInvariant(),
        ReferralFields.Location => referral.Location,
        ReferralFields.LocationLink => StructuredLocation.Parse(referral.Location)?.Link?.ToString(),
        ReferralFields.Description => referral.Description,
        ReferralFields.SubjectPhone => referral.SubjectPhone,
        ReferralFields.Consent => referral.Consent switch
        {
            Consent.Given => "given",
            Consent.Refused => "refused",
            _ => "not-stated",
        },
        ReferralFields.Officer => referral.Officer,
        _ => null,
    };
}
