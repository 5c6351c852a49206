using NightSafe.Core.World;

namespace NightSafe.Benchmarks;

/// <summary>The shipped routing.json, copied next to the benchmarks.</summary>
public static class BenchmarkWorld
{
    public static RoutingWorld Load() => RoutingWorld.Load(Path.Combine(AppContext.BaseDirectory, "routing.json"));
}
