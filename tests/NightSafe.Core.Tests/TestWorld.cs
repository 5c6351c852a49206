using NightSafe.Core.World;

namespace NightSafe.Core.Tests;

/// <summary>The routing.json the app ships (copied next to the tests), loaded once.</summary>
internal static class TestWorld
{
    private static readonly Lazy<RoutingWorld> Loaded = new(() => RoutingWorld.Load(PathToJson));

    public static string PathToJson => Path.Combine(AppContext.BaseDirectory, "routing.json");

    public static string Json => File.ReadAllText(PathToJson);

    public static RoutingWorld Real => Loaded.Value;

    /// <summary>The instant local (London) clocks show this date and time.</summary>
    public static DateTimeOffset Local(int year, int month, int day, int hour, int minute = 0) =>
        Real.ToInstant(new DateOnly(year, month, day), new TimeOnly(hour, minute));
}
