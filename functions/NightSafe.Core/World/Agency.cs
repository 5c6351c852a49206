namespace NightSafe.Core.World;

/// <summary>
/// A partner that receives routed cases. <see cref="Towns"/> holds town ids or "*" for county-wide;
/// <see cref="Shares"/> are the referral fields it always receives, <see cref="SharesWithConsent"/> only when the subject consented.
/// </summary>
public sealed record Agency(
    string Id,
    string Name,
    string Kind,
    IReadOnlyList<string> Towns,
    IReadOnlyList<string> Categories,
    IReadOnlyList<DutyWindow> Hours,
    IReadOnlyList<string> Shares,
    IReadOnlyList<string> SharesWithConsent,
    string Phone)
{
    /// <summary>The <see cref="Towns"/> entry that means every town in the county.</summary>
    public const string CountyWide = "*";

    public bool CoversTown(string townId) => Towns.Contains(CountyWide) || Towns.Contains(townId);

    public bool Accepts(string categoryId) => Categories.Contains(categoryId);

    /// <summary>Whether any duty window includes this local wall-clock time.</summary>
    public bool IsOnDuty(DateTime local) => Hours.Any(window => window.Covers(local));
}
