namespace NightSafe.Core.World;

/// <summary>An inspector who receives end-of-night summaries and alerts; <see cref="Phone"/> is E.164.</summary>
public sealed record DutyInspector(string Name, string Phone);

/// <summary>An officer allowed to text referrals (seed for local use); <see cref="Phone"/> is E.164, <see cref="Town"/> a town id.</summary>
public sealed record RosterOfficer(string Phone, string Name, string Collar, string Town);
