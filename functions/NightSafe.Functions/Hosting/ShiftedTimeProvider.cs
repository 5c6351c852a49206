namespace NightSafe.Functions.Hosting;

/// <summary>A clock that runs at real speed from a chosen start (development only: demos replay a night at any hour).</summary>
public sealed class ShiftedTimeProvider(TimeSpan offset) : TimeProvider
{
    public TimeSpan Offset { get; } = offset;

    public override DateTimeOffset GetUtcNow() => TimeProvider.System.GetUtcNow() + Offset;

    public override TimeZoneInfo LocalTimeZone => TimeProvider.System.LocalTimeZone;
}
