using NightSafe.Core.Nights;
using NightSafe.Core.References;
using NightSafe.Core.Referrals;

namespace NightSafe.Core.Ports;

/// <summary>What an update decided: the change to commit (null: write nothing) and what to answer once it is done.</summary>
public readonly record struct ReferralDecision<TResult>(TResult Result, ReferralChange? Change = null);

/// <summary>
/// The one optimistic-concurrency loop over <see cref="IReferralStore"/>: read the referral, decide, save at the
/// version read; when another writer got there first (<see cref="ConcurrencyConflictException"/>), read again and
/// decide afresh, at most <see cref="MaxAttempts"/> times, then let the conflict surface (the trigger retries).
/// </summary>
public static class ReferralUpdates
{
    /// <summary>Writers on one referral are few (routing, one officer, a few partners, delivery reports): five reads is plenty.</summary>
    public const int MaxAttempts = 5;

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
        await LoopAsync(store, night, reference, null, decide, cancellationToken);

    /// <summary>As above, deciding first on a copy the caller has just read (saving one read); later attempts read again.</summary>
    public static Task<TResult> UpdateAsync<TResult>(
        this IReferralStore store,
        Stored<Referral> read,
        Func<Stored<Referral>?, ReferralDecision<TResult>> decide,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(read);
        ArgumentNullException.ThrowIfNull(decide);
        return LoopAsync(store, read.Value.Night, read.Value.Reference, read, (stored, _) => Task.FromResult(decide(stored)), cancellationToken);
    }

    private static async Task<TResult> LoopAsync<TResult>(
        IReferralStore store,
        NightId night,
        ReferenceCode reference,
        Stored<Referral>? read,
        Func<Stored<Referral>?, CancellationToken, Task<ReferralDecision<TResult>>> decide,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(decide);
        for (var attempt = 1; ; attempt++)
        {
            var stored = attempt == 1 && read is not null ? read : await store.FindAsync(night, reference, cancellationToken);
            var decision = await decide(stored, cancellationToken);
            if (decision.Change is null)
            {
                return decision.Result;
            }

            try
            {
                await store.SaveAsync(decision.Change, cancellationToken);
                return decision.Result;
            }
            catch (ConcurrencyConflictException) when (attempt < MaxAttempts)
            {
                // Another writer changed the referral or one of its cases since it was read: read again.
            }
        }
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
