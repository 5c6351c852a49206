using System.Globalization;
using System.Text.Json;

namespace NightSafe.Core.World;

/// <summary>
/// The world as data: towns, categories, agencies and who is on duty, loaded from routing.json.
/// <see cref="Parse"/> and <see cref="Load"/> validate the file and throw <see cref="RoutingWorldException"/> listing every problem.
/// </summary>
public sealed record RoutingWorld
{
    /// <summary>The routing.json schema this code reads.</summary>
    public const int SupportedSchemaVersion = 1;

    public required int SchemaVersion { get; init; }
    public required string County { get; init; }
    public required TimeZoneInfo TimeZone { get; init; }
    public required TimeOnly NightStarts { get; init; }
    public required TimeOnly NightEnds { get; init; }
    public required AgencyId FallbackAgencyId { get; init; }
    public required IReadOnlyList<Town> Towns { get; init; }
    public required IReadOnlyList<Category> Categories { get; init; }
    public required IReadOnlyList<Agency> Agencies { get; init; }
    public required IReadOnlyList<DutyInspector> DutyInspectors { get; init; }
    public required IReadOnlyList<RosterOfficer> OfficerRosterSeed { get; init; }

    /// <summary>How long agencies have to accept a case, by priority (routing.json <c>acknowledgement</c>).</summary>
    public Acknowledgement Acknowledgement { get; init; } = new(TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(20));

    /// <summary>Category combinations that make a referral urgent: all of one entry's categories present (routing.json <c>urgentWhen</c>).</summary>
    public IReadOnlyList<IReadOnlyList<CategoryId>> UrgentWhen { get; init; } = [];

    /// <summary>Reads and validates routing.json text.</summary>
    /// <exception cref="RoutingWorldException">The JSON is malformed or breaks a rule; every problem is listed.</exception>
    public static RoutingWorld Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        RoutingWorldDocument? document;
        try
        {
            document = JsonSerializer.Deserialize(json, RoutingWorldJsonContext.Default.RoutingWorldDocument);
        }
        catch (JsonException e)
        {
            throw new RoutingWorldException($"not valid JSON: {e.Message}", e);
        }

        if (document is null)
        {
            throw new RoutingWorldException("the document is empty (null)");
        }

        var problems = new List<string>();
        var world = RoutingWorldReader.Read(document, problems);
        problems.AddRange(world.FindProblems());
        return problems.Count == 0 ? world : throw new RoutingWorldException(problems.Distinct().ToList());
    }

    /// <summary>Reads and validates routing.json from a file.</summary>
    public static RoutingWorld Load(string path) => Parse(File.ReadAllText(path));

    public Town? FindTown(TownId id) => Towns.FirstOrDefault(t => t.Id == id);

    public Category? FindCategory(CategoryId id) => Categories.FirstOrDefault(c => c.Id == id);

    public Agency? FindAgency(AgencyId id) => Agencies.FirstOrDefault(a => a.Id == id);

    /// <summary>The agency whose id is exactly this text (a route or form value), or null: where text becomes an <see cref="AgencyId"/>.</summary>
    public Agency? AgencyNamed(string? text) => Agencies.FirstOrDefault(a => string.Equals(a.Id.Value, text, StringComparison.Ordinal));

    /// <summary>The control-room agency that takes whatever no other agency on duty covers.</summary>
    public Agency FallbackAgency =>
        FindAgency(FallbackAgencyId) ?? throw new InvalidOperationException($"fallback agency '{FallbackAgencyId}' is not in agencies");

    /// <summary>Urgent when the categories hold every category of an <see cref="UrgentWhen"/> entry; else high when any known category is high.</summary>
    public Priority PriorityOf(IEnumerable<CategoryId> categoryIds)
    {
        ArgumentNullException.ThrowIfNull(categoryIds);
        var ids = categoryIds.ToHashSet();
        if (UrgentWhen.Any(combination => combination.Count > 0 && combination.All(ids.Contains)))
        {
            return Priority.Urgent;
        }

        return ids.Select(FindCategory).Any(c => c?.Priority >= Priority.High) ? Priority.High : Priority.Normal;
    }

    /// <summary>The duty inspectors whose area holds the town; every inspector when none does (nobody is left untold).</summary>
    public IReadOnlyList<DutyInspector> InspectorsFor(TownId townId)
    {
        var area = DutyInspectors.Where(i => i.Towns.Contains(townId)).ToList();
        return area.Count > 0 ? area : DutyInspectors;
    }

    /// <summary>The agency a duty phone (E.164) answers for, or null when it is no agency's.</summary>
    public Agency? AgencyForDutyPhone(string phoneE164) =>
        Agencies.FirstOrDefault(a => a.DutyPhones.Contains(phoneE164, StringComparer.Ordinal));

    /// <summary>The local wall-clock time (in <see cref="TimeZone"/>) of an instant.</summary>
    public DateTime ToLocal(DateTimeOffset instant) => TimeZoneInfo.ConvertTime(instant, TimeZone).DateTime;

    /// <summary>
    /// The instant at which local clocks show <paramref name="time"/> on <paramref name="date"/>. A time skipped by
    /// a clock change maps to the same distance past the change; a repeated time maps to its first occurrence.
    /// </summary>
    public DateTimeOffset ToInstant(DateOnly date, TimeOnly time)
    {
        var local = date.ToDateTime(time, DateTimeKind.Unspecified);
        if (TimeZone.IsInvalidTime(local))
        {
            // Read the skipped wall time with the offset in force before the change: 01:30 in the UK gap becomes 02:30 BST.
            var before = TimeZone.GetUtcOffset(local.AddHours(-6));
            return TimeZoneInfo.ConvertTime(new DateTimeOffset(local - before, TimeSpan.Zero), TimeZone);
        }

        var offset = TimeZone.IsAmbiguousTime(local) ? TimeZone.GetAmbiguousTimeOffsets(local).Max() : TimeZone.GetUtcOffset(local);
        return new DateTimeOffset(local, offset);
    }

    /// <summary>Every rule this world breaks (empty when valid). <see cref="Parse"/> runs it for you.</summary>
    public IReadOnlyList<string> FindProblems() => RoutingWorldRules.Check(this);

    internal static bool TryParseClock(string? text, bool allowEndOfDay, out TimeOnly time)
    {
        time = default;
        if (text is null)
        {
            return false;
        }

        if (allowEndOfDay && text == "24:00")
        {
            time = TimeOnly.MinValue;
            return true;
        }

        return TimeOnly.TryParseExact(text, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out time);
    }
}
