using NightSafe.Core.Nights;
using NightSafe.Core.References;
using NightSafe.Core.Referrals;

namespace NightSafe.Core.Ports;

/// <summary>What an update decided: the change to commit (null: write nothing) and what to answer once it is done.</summary>
public readonly record struct ReferralDecision<TResult>(TResult Result, ReferralChange? Change = null);

/// <summary>
/// Every write to a row another writer may change in between is one attempt of <see cref="RetryAsync{T}(Func{int, Task{T}})"/>:
/// read, decide, write at the version read; when another writer got there first (<see cref="ConcurrencyConflictException"/>)
/// the attempt runs again from the read after a short jittered back-off (so writers that collided do not collide again in
/// step), at most <see cref="MaxAttempts"/> times, then the conflict surfaces (the trigger retries; an HTTP caller is told
/// to try again shortly). The one such loop in the hub.
/// </summary>
public static class OptimisticConcurrency
{
    /// <summary>Writers on one row are few (routing, one officer, a few partners, delivery reports): five reads is plenty.</summary>
    public const int MaxAttempts = 5;

    /// <summary>The longest wait before the second attempt; it doubles for each attempt after (at most 375 ms in all).</summary>
    public static readonly TimeSpan FirstBackOff = TimeSpan.FromMilliseconds(25);

    /// <summary>Runs <paramref name="attempt"/> (given its number, from 1) until it completes without a conflict, waiting on the system clock.</summary>
    public static Task<T> RetryAsync<T>(Func<int, Task<T>> attempt) => RetryAsync(attempt, TimeProvider.System, CancellationToken.None);

    /// <summary>As above, backing off between attempts on <paramref name="time"/>.</summary>
    public static async Task<T> RetryAsync<T>(Func<int, Task<T>> attempt, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(attempt);
        ArgumentNullException.ThrowIfNull(time);
        for (var number = 1; ; number++)
        {
            try
            {
                return await attempt(number);
            }
            catch (ConcurrencyConflictException) when (number < MaxAttempts)
            {
                // Someone else wrote first: the next attempt reads again and decides afresh, a moment later.
            }

            await Task.Delay(BackOff(number + 1, Random.Shared.NextDouble()), time, cancellationToken);
        }
    }

    /// <summary>
    /// The wait before attempt <paramref name="next"/> (from 2): between half and all of <see cref="FirstBackOff"/> doubled
    /// per attempt, placed by <paramref name="jitter"/> (0 to 1), so that a wait is never nothing yet two writers rarely
    /// wait alike. In whole milliseconds, rounded up: a delay honours no finer (it would cut a wait of 12.7 ms to 12,
    /// below the half).
    /// </summary>
    public static TimeSpan BackOff(int next, double jitter)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(next, 2);
        ArgumentOutOfRangeException.ThrowIfNegative(jitter);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(jitter, 1);
        var ceiling = FirstBackOff * Math.Pow(2, next - 2);
        return TimeSpan.FromMilliseconds(Math.Ceiling(((ceiling / 2) + (ceiling / 2 * jitter)).TotalMilliseconds));
    }
}

/// <summary>
/// The referral store's update: read the referral, decide, save at the version read, as one attempt of
/// <see cref="OptimisticConcurrency.RetryAsync{T}(Func{int, Task{T}})"/>.
/// </summary>
public static class ReferralUpdates
{
    /// <summary>How many times one update reads and decides at most (<see cref="OptimisticConcurrency.MaxAttempts"/>).</summary>
    public const int MaxAttempts = OptimisticConcurrency.MaxAttempts;

    /// <summary>
    /// Reads the referral (null when it does not exist), asks <paramref name="decide"/> what to write, and commits it.
    /// <paramref name="decide"/> may run several times and must only read: side effects go after the update.
    /// </summary>
    public static async Task<TResult> UpdateAsync<TResult>(
        this IReferralStore store,
        NightId night,
        ReferenceCode reference,
        Func<Stored<Referral>?, CancellationToken, Task<ReferralDecision<TResult>>> decide,
        CancellationToken cancellationToken) =>
        (await LoopAsync(store, night, reference, null, decide, cancellationToken)).Result;

    /// <summary>As above, deciding first on a copy the caller has just read (saving one read); later attempts read again.</summary>
    public static async Task<TResult> UpdateAsync<TResult>(
        this IReferralStore store,
        Stored<Referral> read,
        Func<Stored<Referral>?, ReferralDecision<TResult>> decide,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(read);
        ArgumentNullException.ThrowIfNull(decide);
        return (await LoopAsync(store, read.Value.Night, read.Value.Reference, read, (stored, _) => Task.FromResult(decide(stored)), cancellationToken)).Result;
    }

    /// <summary>As above, deciding asynchronously (reading more, such as the cases, inside the attempt).</summary>
    public static async Task<TResult> UpdateAsync<TResult>(
        this IReferralStore store,
        Stored<Referral> read,
        Func<Stored<Referral>?, CancellationToken, Task<ReferralDecision<TResult>>> decide,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(read);
        return (await LoopAsync(store, read.Value.Night, read.Value.Reference, read, decide, cancellationToken)).Result;
    }

    /// <summary>The loop: returns what the last attempt decided and the referral's version its save gave (null when it wrote no referral).</summary>
    private static Task<(TResult Result, string? Version)> LoopAsync<TResult>(
        IReferralStore store,
        NightId night,
        ReferenceCode reference,
        Stored<Referral>? read,
        Func<Stored<Referral>?, CancellationToken, Task<ReferralDecision<TResult>>> decide,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(decide);
        return OptimisticConcurrency.RetryAsync(async attempt =>
        {
            // Another writer may have changed the referral or one of its cases since the last read: read again.
            var stored = attempt == 1 && read is not null ? read : await store.FindAsync(night, reference, cancellationToken);
            var decision = await decide(stored, cancellationToken);
            var version = decision.Change is null ? null : await store.SaveAsync(decision.Change, cancellationToken);
            return (decision.Result, version);
        },
        TimeProvider.System,
        cancellationToken);
    }

    /// <inheritdoc cref="UpdateAsync{TResult}(IReferralStore, NightId, ReferenceCode, Func{Stored{Referral}, CancellationToken, Task{ReferralDecision{TResult}}}, CancellationToken)"/>
    public static Task<TResult> UpdateAsync<TResult>(
        this IReferralStore store,
        NightId night,
        ReferenceCode reference,
        Func<Stored<Referral>?, ReferralDecision<TResult>> decide,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(decide);
        return store.UpdateAsync(night, reference, (stored, _) => Task.FromResult(decide(stored)), cancellationToken);
    }

    /// <summary>
    /// Applies one transition to the copy the caller has just read (reading again after a conflict) and returns the
    /// referral as it now stands with its version, so the next write to it needs no read; null when it is gone.
    /// </summary>
    public static async Task<Stored<Referral>?> ApplyAsync(
        this IReferralStore store,
        Stored<Referral> read,
        Func<Referral, ReferralTransition> transition,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(read);
        ArgumentNullException.ThrowIfNull(transition);
        // The result is the copy the last attempt decided on, with the referral as the transition left it.
        var (decided, version) = await LoopAsync(
            store,
            read.Value.Night,
            read.Value.Reference,
            read,
            (stored, _) =>
            {
                if (stored is null)
                {
                    return Task.FromResult(new ReferralDecision<Stored<Referral>?>(null));
                }

                var applied = transition(stored.Value);
                return Task.FromResult(new ReferralDecision<Stored<Referral>?>(stored with { Value = applied.Referral ?? stored.Value }, ReferralChange.From(stored, applied)));
            },
            cancellationToken);
        return decided is null || version is null ? decided : decided with { Version = version };
    }

    /// <summary>Applies one transition of the referral to its stored copy; does nothing when it does not exist or nothing changes.</summary>
    public static Task ApplyAsync(
        this IReferralStore store,
        NightId night,
        ReferenceCode reference,
        Func<Referral, ReferralTransition> transition,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(transition);
        return store.UpdateAsync(
            night,
            reference,
            stored => new ReferralDecision<bool>(stored is not null, stored is null ? null : ReferralChange.From(stored, transition(stored.Value))),
            cancellationToken);
    }
}
