using NightSafe.Core.World;

namespace NightSafe.Cli.Stack;

/// <summary>
/// The app's development clock as the dev host sees it: real time plus the offset `--clock` chose, so the timers fire
/// on the app's night (the summary at the night's end on the app's clock), not on the machine's.
/// </summary>
public sealed class AppClock(TimeSpan offset) : TimeProvider
{
    public TimeSpan Offset { get; } = offset;

    public override DateTimeOffset GetUtcNow() => TimeProvider.System.GetUtcNow() + Offset;

    public override TimeZoneInfo LocalTimeZone => TimeProvider.System.LocalTimeZone;

    /// <summary>When the summary timer next runs a night's summary: the next night's end (routing.json) in the world's time zone after <paramref name="now"/>.</summary>
    public static DateTimeOffset NextSummary(DateTimeOffset now, RoutingWorld world)
    {
        ArgumentNullException.ThrowIfNull(world);
        var local = world.ToLocal(now);
        var day = DateOnly.FromDateTime(local);
        var today = world.ToInstant(day, world.NightEnds);
        return today > now ? today : world.ToInstant(day.AddDays(1), world.NightEnds);
    }
}
