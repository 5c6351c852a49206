using System.Text.Json.Serialization;

namespace NightSafe.Core.World;

// The JSON shape of routing.json as written; everything is nullable so a missing field becomes a listed problem.
internal sealed class RoutingWorldDocument
{
    public int? SchemaVersion { get; set; }
    public string? County { get; set; }
    public string? TimeZone { get; set; }
    public NightDocument? Night { get; set; }
    public string? FallbackAgency { get; set; }
    public List<TownDocument?>? Towns { get; set; }
    public List<CategoryDocument?>? Categories { get; set; }
    public List<AgencyDocument?>? Agencies { get; set; }
    public List<DutyInspectorDocument?>? DutyInspectors { get; set; }
    public List<RosterOfficerDocument?>? OfficerRosterSeed { get; set; }
    public AcknowledgementDocument? Acknowledgement { get; set; }
    public List<List<string?>?>? UrgentWhen { get; set; }
}

internal sealed class AcknowledgementDocument
{
    public double? Urgent { get; set; }
    public double? High { get; set; }
    public double? Normal { get; set; }
}

internal sealed class NightDocument
{
    public string? Starts { get; set; }
    public string? Ends { get; set; }
}

internal sealed class TownDocument
{
    public string? Id { get; set; }
    public string? Name { get; set; }
    public List<string?>? Aliases { get; set; }
    public string? Council { get; set; }
}

internal sealed class CategoryDocument
{
    public string? Id { get; set; }
    public string? Name { get; set; }
    public string? Priority { get; set; }
    public List<string?>? Synonyms { get; set; }
    public List<string?>? Excludes { get; set; }
    public List<string?>? Supersedes { get; set; }
    public string? Advice { get; set; }
}

internal sealed class AgencyDocument
{
    public string? Id { get; set; }
    public string? Name { get; set; }
    public string? Kind { get; set; }
    public List<string?>? Towns { get; set; }
    public List<string?>? Categories { get; set; }
    public List<DutyWindowDocument?>? Hours { get; set; }
    public List<string?>? Shares { get; set; }
    public List<string?>? SharesWithConsent { get; set; }
    public string? Phone { get; set; }
    public List<string?>? Phones { get; set; }
    public List<string?>? Channels { get; set; }
}

internal sealed class DutyWindowDocument
{
    public List<string?>? Nights { get; set; }
    public string? From { get; set; }
    public string? To { get; set; }
}

internal sealed class DutyInspectorDocument
{
    public string? Name { get; set; }
    public string? Phone { get; set; }
    public List<string?>? Towns { get; set; }
}

internal sealed class RosterOfficerDocument
{
    public string? Phone { get; set; }
    public string? Name { get; set; }
    public string? Collar { get; set; }
    public string? Town { get; set; }
}

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    ReadCommentHandling = System.Text.Json.JsonCommentHandling.Skip,
    AllowTrailingCommas = true)]
[JsonSerializable(typeof(RoutingWorldDocument))]
internal sealed partial class RoutingWorldJsonContext : JsonSerializerContext;
