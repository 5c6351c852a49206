using System.Collections.Concurrent;
using NightSafe.Core.Nights;
using NightSafe.Core.Ports;
using NightSafe.Core.References;

namespace NightSafe.Core.Tests.Services;

internal sealed class InMemoryLedger(TimeProvider time, IConversationStore conversations) : IInboundLedger
{
    private readonly ConcurrentDictionary<string, (InboundClaim Claim, DateTimeOffset At, int Version)> _entries = new();

    /// <summary>While set and not completed, every claim waits for it (storage that has stopped answering).</summary>
    public Task? Hold { get; set; }

    private int _claims;

    /// <summary>How many times a message was claimed (each attempt at handling it begins so).</summary>
    public int Claims => Volatile.Read(ref _claims);

    private int _held;

    /// <summary>How many claims are waiting on <see cref="Hold"/> right now.</summary>
    public int Held => Volatile.Read(ref _held);

    public async Task<InboundClaim> ClaimAsync(string source, string key, TimeSpan staleAfter, InboundReservation? reservation, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _claims);
        if (Hold is { } hold)
        {
            Interlocked.Increment(ref _held);
            try
            {
                await hold.WaitAsync(cancellationToken);
            }
            finally
            {
                Interlocked.Decrement(ref _held);
            }
        }

        return Claim(source, key, staleAfter, reservation);
    }

    private InboundClaim Claim(string source, string key, TimeSpan staleAfter, InboundReservation? reservation)
    {
        lock (_entries)
        {
            var id = source + "|" + key;
            var now = time.GetUtcNow();
            if (!_entries.TryGetValue(id, out var entry))
            {
                var claim = new InboundClaim(source, key, InboundState.Claimed, "1", reservation?.Night, reservation?.Reference) { Fingerprint = reservation?.Fingerprint };
                _entries[id] = (claim, now, 1);
                return claim;
            }

            if (entry.Claim.State is InboundState.Done or InboundState.Rejected)
            {
                return entry.Claim;
            }

            if (now - entry.At < staleAfter)
            {
                return entry.Claim with { State = InboundState.Busy };
            }

            var taken = entry.Claim with { Version = (entry.Version + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), TakenOver = true };
            _entries[id] = (taken, now, entry.Version + 1);
            return taken;
        }
    }

    public Task<InboundClaim> RecordStoredAsync(InboundClaim claim, NightId night, ReferenceCode reference, CancellationToken cancellationToken) =>
        Task.FromResult(Update(claim, c => c with { State = InboundState.Stored, Night = night, Reference = reference }));

    public Task<InboundClaim> ReserveAsync(InboundClaim claim, InboundReservation reservation, CancellationToken cancellationToken) =>
        Task.FromResult(Update(claim, c => c with { Night = reservation.Night, Reference = reservation.Reference }));

    public Task CompleteAsync(InboundClaim claim, string reply, CancellationToken cancellationToken)
    {
        Update(claim, c => c with { State = InboundState.Done, Reply = reply });
        return Task.CompletedTask;
    }

    /// <summary>How many answers were written together with the officer's thread (one write in the real store).</summary>
    public int AnswersWithThread { get; private set; }

    public async Task CompleteAsync(InboundClaim claim, string reply, string officerPhoneE164, Intake.OfficerThread thread, CancellationToken cancellationToken)
    {
        // Both or neither: a claim taken over meanwhile fails before the thread is touched.
        Update(claim, c => c with { State = InboundState.Done, Reply = reply });
        await conversations.SaveAsync(officerPhoneE164, thread, cancellationToken);
        AnswersWithThread++;
    }

    public Task RejectAsync(InboundClaim claim, string reason, CancellationToken cancellationToken)
    {
        Update(claim, c => c with { State = InboundState.Rejected });
        return Task.CompletedTask;
    }

    public Task ReleaseAsync(InboundClaim claim, CancellationToken cancellationToken)
    {
        lock (_entries)
        {
            var id = claim.Source + "|" + claim.Key;
            _entries[id] = (_entries[id].Claim, DateTimeOffset.MinValue, _entries[id].Version);
        }

        return Task.CompletedTask;
    }

    public Task<InboundClaim?> FindAsync(string source, string key, CancellationToken cancellationToken) =>
        Task.FromResult(_entries.TryGetValue(source + "|" + key, out var e) && e.Claim.State is InboundState.Done or InboundState.Rejected ? e.Claim : null);

    public Task<int> PurgeAsync(DateTimeOffset before, CancellationToken cancellationToken)
    {
        var old = _entries.Where(e => e.Value.At < before).Select(e => e.Key).ToList();
        foreach (var key in old)
        {
            _entries.TryRemove(key, out _);
        }

        return Task.FromResult(old.Count);
    }

    private InboundClaim Update(InboundClaim claim, Func<InboundClaim, InboundClaim> change)
    {
        lock (_entries)
        {
            var id = claim.Source + "|" + claim.Key;
            var entry = _entries[id];
            if (entry.Claim.Version != claim.Version)
            {
                throw new ConcurrencyConflictException("claim taken over");
            }

            var next = change(entry.Claim) with { Version = (entry.Version + 1).ToString(System.Globalization.CultureInfo.InvariantCulture) };
            _entries[id] = (next, entry.At, entry.Version + 1);
            return next;
        }
    }
}
