namespace NightSafe.Core.World;

/// <summary>
/// When an agency is on duty, in local wall-clock time. <see cref="Nights"/> are the days the window STARTS on
/// (null = every day). A <see cref="From"/> later than <see cref="To"/> wraps past midnight into the next day.
/// "24:00" in routing.json is stored as <see cref="To"/> = 00:00, which means the end of the start day;
/// 00:00 to 00:00 is the whole day.
/// </summary>
public sealed record DutyWindow(IReadOnlyList<DayOfWeek>? Nights, TimeOnly From, TimeOnly To)
{
    /// <summary>Whether this window includes the given local wall-clock time.</summary>
    public bool Covers(DateTime local)
    {
        var time = TimeOnly.FromDateTime(local);
        var day = local.DayOfWeek;
        if (From < To)
        {
            return time >= From && time < To && StartsOn(day);
        }

        // Wraps (or ends at 24:00): [From, 24:00) on the start day, then [00:00, To) on the day after.
        var previous = day == DayOfWeek.Sunday ? DayOfWeek.Saturday : day - 1;
        return (time >= From && StartsOn(day)) || (time < To && StartsOn(previous));
    }

    /// <summary>How long the window lasts on the clock face (ignores clock changes).</summary>
    public TimeSpan Length => From < To ? To - From : TimeSpan.FromDays(1) - (From - To);

    private bool StartsOn(DayOfWeek day) => Nights is null || Nights.Contains(day);
}
