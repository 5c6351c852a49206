namespace NightSafe.Core.World;

/// <summary>
/// A partner that receives routed cases. <see cref="Towns"/> holds town ids or "*" for county-wide;
/// <see cref="Shares"/> are the referral fields it always receives, <see cref="SharesWithConsent"/> only when the subject consented.
/// <see cref="Channels"/> say how its cases reach it (<see cref="AgencyChannels"/>); <see cref="DutyPhones"/> are the
/// E.164 numbers that get its case alerts and may answer its cases by SMS (routing.json <c>phones</c>, or its <c>phone</c>).
/// </summary>
public sealed record Agency(
    AgencyId Id,
    string Name,
    string Kind,
    IReadOnlyList<TownId> Towns,
    IReadOnlyList<CategoryId> Categories,
    IReadOnlyList<DutyWindow> Hours,
    IReadOnlyList<string> Shares,
    IReadOnlyList<string> SharesWithConsent,
    string Phone)
{
    /// <summary>The <see cref="Towns"/> entry that means every town in the county.</summary>
    public static TownId CountyWide => TownId.CountyWide;

    public IReadOnlyList<string> Channels { get; init; } = AgencyChannels.All;

    public IReadOnlyList<string> DutyPhones { get; init; } = Phone.Length == 0 ? [] : [Phone];

    /// <summary>Its cases go to its Service Bus subscription.</summary>
    public bool UsesServiceBus => Channels.Contains(AgencyChannels.ServiceBus);

    /// <summary>
    /// Its cases are texted to its routing.json duty phones. The hub texts the phones of <c>DutyPhoneBook</c> instead
    /// (the control room's, once it has changed the agency's): ask it, not this, who is on duty.
    /// </summary>
    public bool UsesSms => Channels.Contains(AgencyChannels.Sms) && DutyPhones.Count > 0;

    public bool CoversTown(TownId townId) => Towns.Contains(CountyWide) || Towns.Contains(townId);

    public bool Accepts(CategoryId categoryId) => Categories.Contains(categoryId);

    /// <summary>Whether any duty window includes this local wall-clock time.</summary>
    public bool IsOnDuty(DateTime local) => Hours.Any(window => window.Covers(local));
}

/// <summary>The ways a case reaches an agency (routing.json <c>channels</c>; both when it is left out).</summary>
public static class AgencyChannels
{
    public const string ServiceBus = "servicebus";
    public const string Sms = "sms";

    public static IReadOnlyList<string> All { get; } = [ServiceBus, Sms];
}
