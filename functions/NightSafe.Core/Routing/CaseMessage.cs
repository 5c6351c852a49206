using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using NightSafe.Core.Intake.Parsing;
using NightSafe.Core.Referrals;
using NightSafe.Core.World;

namespace NightSafe.Core.Routing;

/// <summary>
/// The body of a case message: one agency's minimised view of a referral. Beside the envelope
/// (<c>schemaVersion</c>, <c>type</c>, <c>agency</c>) it holds only the fields the agency's <c>shares</c> allow.
/// </summary>
public static class CaseMessage
{
    public const int SchemaVersion = 1;

    /// <summary>Top-level keys every message carries that are not referral fields.</summary>
    public static readonly IReadOnlySet<string> EnvelopeKeys = new HashSet<string>(StringComparer.Ordinal) { "schemaVersion", "type", "agency" };

    private static readonly JsonSerializerOptions Compact = new() { WriteIndented = false };

    /// <summary>The JSON body and the names of the fields it disclosed (for the audit trail).</summary>
    public static (string Body, IReadOnlyList<string> Fields) Build(Referral referral, Agency agency, RoutingWorld world)
    {
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
            if (ValueOf(referral, field, world) is { } value)
            {
                body[field] = value;
                disclosed.Add(field);
            }
        }

        return (body.ToJsonString(Compact), disclosed);
    }

    private static JsonNode? ValueOf(Referral referral, string field, RoutingWorld world) => field switch
    {
        ReferralFields.Reference => referral.Reference.ToString(),
        ReferralFields.Night => referral.Night.ToString(),
        ReferralFields.ReceivedAt => referral.ReceivedAt.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
        ReferralFields.Town => new JsonObject { ["id"] = referral.TownId, ["name"] = world.FindTown(referral.TownId)?.Name ?? referral.TownId },
        ReferralFields.Categories => new JsonArray(referral.Categories.Select(c => (JsonNode?)JsonValue.Create(c)).ToArray()),
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
