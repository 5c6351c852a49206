using BenchmarkDotNet.Attributes;
using NightSafe.Core.Intake.Parsing;

namespace NightSafe.Benchmarks;

/// <summary>How many officer texts a second one core reads, and what each costs in allocations.</summary>
[MemoryDiagnoser]
public class OfficerTextParserBenchmarks
{
    private OfficerTextParser _parser = null!;
    private string _longText = null!;
    private string _longDigits = null!;

    [GlobalSetup]
    public void Setup()
    {
        _parser = new OfficerTextParser(BenchmarkWorld.Load());
        var words = "chelmsfrd drunk female lost her friends outside Yates 07700 900123 consent no money for taxi ";
        _longText = string.Concat(Enumerable.Repeat(words, 20))[..OfficerTextParser.MaxLength];
        _longDigits = string.Concat(Enumerable.Repeat("0770 0900 12 ", 200))[..OfficerTextParser.MaxLength];
    }

    [Benchmark(Baseline = true, Description = "typical referral (80 chars)")]
    public OfficerMessage TypicalReferral() =>
        _parser.Parse("chelmsfrd drunk female lost her friends outside Yates 07700 900123 consent y");

    [Benchmark(Description = "referral with typos and 3 categories")]
    public OfficerMessage TyposAndCategories() =>
        _parser.Parse("Colchster, female 19, spikd drink + separated from friends, harrased, o/s Wetherspoons High St, +44 (0) 7700 900123, doesnt consent");

    [Benchmark(Description = "STATUS command")]
    public OfficerMessage Status() => _parser.Parse("status 7kq-2mx");

    [Benchmark(Description = "not understood")]
    public OfficerMessage NotUnderstood() => _parser.Parse("drunk female outside yates");

    [Benchmark(Description = "1,600 chars of referral words")]
    public OfficerMessage LongText() => _parser.Parse(_longText);

    [Benchmark(Description = "1,600 chars of digit groups")]
    public OfficerMessage LongDigits() => _parser.Parse(_longDigits);
}
