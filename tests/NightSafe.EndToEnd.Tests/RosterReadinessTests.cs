using NightSafe.Cli.Faults;
using NightSafe.Core.World;

namespace NightSafe.EndToEnd.Tests;

/// <summary>A fault run starts its night only once the app has seeded its whole roster, and says so when it never does.</summary>
public sealed class RosterReadinessTests
{
    private static readonly RosterOfficer[] Seed =
    [
        new("+447700900001", "PC Patel", "PC 1001", new TownId("chelmsford")),
        new("+447700900002", "PC Jones", "PC 1002", new TownId("colchester")),
        new("+447700900003", "PS Wright", "PS 1003", new TownId("harlow")),
    ];

    [Fact]
    public async Task The_wait_goes_on_while_a_later_officer_is_not_yet_seeded()
    {
        // Seeded one by one, as RosterSeeder does: the first officer is in long before the last.
        var listings = 0;
        Task<IReadOnlyCollection<string>> Listed(CancellationToken _)
        {
            var n = Math.Min(Seed.Length, 1 + (Interlocked.Increment(ref listings) / 3));
            return Task.FromResult<IReadOnlyCollection<string>>([.. Seed.Take(n).Select(o => o.Collar)]);
        }

        await RosterReadiness.WaitAsync(Seed, Listed, TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(1), CancellationToken.None);

        Assert.Equal(Seed.Length, (await Listed(CancellationToken.None)).Count);
        Assert.True(listings >= 6, $"the wait ended after {listings} listing(s), before the last officer was seeded");
    }

    [Fact]
    public async Task A_roster_never_complete_fails_the_run_naming_how_many_are_missing()
    {
        var partial = Task.FromResult<IReadOnlyCollection<string>>([Seed[0].Collar]);

        var error = await Assert.ThrowsAsync<TimeoutException>(() =>
            RosterReadiness.WaitAsync(Seed, _ => partial, TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(10), CancellationToken.None));

        Assert.Contains("2 of 3", error.Message, StringComparison.Ordinal);
    }
}
