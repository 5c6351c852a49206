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
    public static (string Body, IReadOnlyList<string> Fields) Build(Referral referral, Agency agency, IReadOnlyList<CategoryId> assignedCategories, RoutingWorld world)
    {
        ArgumentNullException.ThrowIfNull(assignedCategories);
        ArgumentNullException.ThrowIfNull(referral);
        ArgumentNullException.ThrowIfNull(agency);
        ArgumentNullException.ThrowIfNull(world);
        var body = new JsonObject
        {
            ["schemaVersion"] = SchemaVersion,
            ["type"] = "case",
            ["agency"] = agency.Id.Value,
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
    public static OutgoingCase Outgoing(Referral referral, PartnerCase @case, Agency agency, IReadOnlyList<CategoryId> assignedCategories)
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

    /// <summary>
    /// What an agency's case should now say after the officer added to the referral (a number, consent, more words),
    /// through the same minimisation as the case: each field of its view that changed, and each it may no longer hold
    /// (consent withdrawn). Categories do not change after routing and stay as assigned. Null when nothing changed for
    /// this agency: an update is sent only where there is something new to say.
    /// </summary>
    public static CaseRefresh? Refresh(Referral referral, PartnerCase @case, Agency agency, RoutingWorld world)
    {
        ArgumentNullException.ThrowIfNull(referral);
        ArgumentNullException.ThrowIfNull(@case);
        ArgumentNullException.ThrowIfNull(agency);
        ArgumentNullException.ThrowIfNull(world);
        var view = JsonNode.Parse(@case.View) as JsonObject ?? [];
        var allowed = CaseFields.For(agency, referral.Consent);
        var update = new JsonObject
        {
            ["schemaVersion"] = SchemaVersion,
            ["type"] = OutgoingCase.CaseUpdatedSubject,
            ["agency"] = agency.Id.Value,
            ["night"] = referral.Night.ToString(),
            ["reference"] = referral.Reference.ToString(),
        };
        var changed = new List<string>();
        foreach (var field in allowed.Where(f => f != ReferralFields.Categories))
        {
            var value = ValueOf(referral, field, referral.Categories, world);
            if (value is null || JsonNode.DeepEquals(view[field], value))
            {
                continue;
            }

            view[field] = value.DeepClone();
            update[field] = value;
            changed.Add(field);
        }

        var withdrawn = view.Select(p => p.Key)
            .Where(key => !EnvelopeKeys.Contains(key) && (!allowed.Contains(key) || (key != ReferralFields.Categories && ValueOf(referral, key, referral.Categories, world) is null)))
            .ToList();
        foreach (var key in withdrawn)
        {
            view.Remove(key);
        }

        if (changed.Count == 0 && withdrawn.Count == 0)
        {
            return null;
        }

        update["withdrawn"] = new JsonArray([.. withdrawn.Select(w => (JsonNode?)JsonValue.Create(w))]);
        return new CaseRefresh(view.ToJsonString(Compact), changed, withdrawn, update.ToJsonString(Compact));
    }

    private static JsonNode? ValueOf(Referral referral, string field, IReadOnlyList<CategoryId> assignedCategories, RoutingWorld world) => field switch
    {
        ReferralFields.Reference => referral.Reference.ToString(),
        ReferralFields.Night => referral.Night.ToString(),
        ReferralFields.ReceivedAt => referral.ReceivedAt.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
        ReferralFields.Town => new JsonObject { ["id"] = referral.TownId.Value, ["name"] = world.FindTown(referral.TownId)?.Name ?? referral.TownId.Value },
        ReferralFields.Categories => new JsonArray(referral.Categories.Where(assignedCategories.Contains).Select(c => (JsonNode?)JsonValue.Create(c.Value)).ToArray()),
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

/// <summary>
/// One agency's case after an amendment: its new stored <paramref name="View"/>, the fields that changed and those
/// withdrawn (it may no longer hold them), and the <c>case-updated</c> message <paramref name="Body"/> that says so.
/// </summary>
public sealed record CaseRefresh(string View, IReadOnlyList<string> Changed, IReadOnlyList<string> Withdrawn, string Body);
