namespace NightSafe.Core.World;

/// <summary>
/// An inspector who receives end-of-night summaries and alerts; <see cref="Phone"/> is E.164. <see cref="Towns"/> is the
/// area whose escalations and urgent referrals they are texted about (empty: none in particular).
/// </summary>
public sealed record DutyInspector(string Name, string Phone)
{
    public IReadOnlyList<TownId> Towns { get; init; } = [];
}

/// <summary>An officer allowed to text referrals (seed for local use); <see cref="Phone"/> is E.164, <see cref="Town"/> a town id.</summary>
public sealed record RosterOfficer(string Phone, string Name, string Collar, TownId Town);
