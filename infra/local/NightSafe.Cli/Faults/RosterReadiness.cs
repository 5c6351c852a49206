using NightSafe.Core.World;

namespace NightSafe.Cli.Faults;

/// <summary>
/// The app seeds routing.json's roster one officer at a time as it starts (development only), and a fault run's texts
/// come from any seeded officer: the night starts only once every one of them is on the roster.
/// </summary>
public static class RosterReadiness
{
    /// <summary>
    /// Waits until every officer of <paramref name="seed"/> (by collar) is listed by <paramref name="rosteredCollars"/>;
    /// throws <see cref="TimeoutException"/> naming how many are missing when <paramref name="timeout"/> passes first.
    /// </summary>
    public static async Task WaitAsync(
        IReadOnlyList<RosterOfficer> seed, Func<CancellationToken, Task<IReadOnlyCollection<string>>> rosteredCollars, TimeSpan timeout, TimeSpan poll, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(seed);
        ArgumentNullException.ThrowIfNull(rosteredCollars);
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var rostered = await rosteredCollars(cancellationToken);
            var missing = seed.Count(o => !rostered.Contains(o.Collar));
            if (missing == 0)
            {
                return;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{missing} of {seed.Count} seeded officers were still not on the roster after {timeout.TotalSeconds:0} s.");
            }

            await Task.Delay(poll, cancellationToken);
        }
    }
}
