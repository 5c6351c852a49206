using System.Diagnostics.CodeAnalysis;
using BenchmarkDotNet.Attributes;
using NightSafe.Core.Nights;
using NightSafe.Core.Phones;
using NightSafe.Core.References;
using NightSafe.Core.Routing;
using NightSafe.Core.Sms;
using NightSafe.Core.World;

namespace NightSafe.Benchmarks;

/// <summary>The other rules every referral passes through once or more.</summary>
[MemoryDiagnoser]
[SuppressMessage("Performance", "CA1822:Mark members as static", Justification = "BenchmarkDotNet measures instance methods only.")]
public class DomainBenchmarks
{
    private static readonly CategoryId[] Categories = [new("domestic-abuse"), new("intoxicated"), new("transport")];

    private readonly DateTimeOffset _friday = new(2026, 12, 18, 23, 0, 0, TimeSpan.Zero);
    private RoutingWorld _world = null!;
    private RoutingPolicy _policy = null!;
    private string _advice = null!;

    [GlobalSetup]
    public void Setup()
    {
        _world = BenchmarkWorld.Load();
        _policy = new RoutingPolicy(_world);
        _advice = _world.Categories[3].Advice;
    }

    [Benchmark(Description = "RoutingPolicy.Decide, 3 categories")]
    public RoutingDecision Route() => _policy.Decide(new TownId("chelmsford"), Categories, _friday);

    [Benchmark(Description = "NightId.For")]
    public NightId Night() => NightId.For(_friday, _world);

    [Benchmark(Description = "ReferenceCode.New")]
    public ReferenceCode NewReference() => ReferenceCode.New();

    [Benchmark(Description = "UkPhoneNumber.TryNormalise")]
    public bool NormalisePhone() => UkPhoneNumber.TryNormalise("(07700) 900 123", out _);

    [Benchmark(Description = "SmsText.Segments of an advice text")]
    public int Segments() => SmsText.Segments(_advice);

    [Benchmark(Description = "RoutingWorld.Parse of routing.json")]
    public RoutingWorld LoadWorld() => RoutingWorld.Load(Path.Combine(AppContext.BaseDirectory, "routing.json"));
}
