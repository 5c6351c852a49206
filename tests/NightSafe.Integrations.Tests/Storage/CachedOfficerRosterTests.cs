using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.Time.Testing;
using NightSafe.Core.Ports;
using NightSafe.Core.World;
using NightSafe.Integrations.Storage;

namespace NightSafe.Integrations.Tests.Storage;

/// <summary>
/// The roster cache against a stored roster whose reads the test holds open, so a read and a write interleave exactly
/// as they did in a fault run: an officer seeded (or added by the control room) while texting.
/// </summary>
public sealed class CachedOfficerRosterTests
{
    private const string Phone = "+447700900123";
    private static readonly Officer Officer = new(Phone, "Sam Okafor", "PC 4471", new TownId("colchester"));

    private readonly HeldRoster _stored = new();
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 18, 22, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task A_read_that_began_before_a_write_does_not_cache_its_stranger_answer_after_the_write()
    {
        var cached = new CachedOfficerRoster(_stored, _clock);

        // The text arrives while the officer is not yet stored: its read is taken and held open.
        var early = cached.FindAsync(Phone, CancellationToken.None);
        var read = await _stored.NextReadAsync();

        // Meanwhile the officer is stored through the cache, and only then does the early read come back: nobody.
        await cached.UpsertAsync(Officer, CancellationToken.None);
        read.SetResult(null);
        Assert.Null(await early);

        // The next text, at the same instant: the officer, not a stranger cached for the next 30 seconds.
        var next = cached.FindAsync(Phone, CancellationToken.None);
        if (!next.IsCompleted)
        {
            (await _stored.NextReadAsync()).SetResult(_stored.Stored(Phone));
        }

        Assert.Equal(Officer, await next);
    }

    [Fact]
    public async Task A_read_that_began_after_the_write_is_cached()
    {
        var cached = new CachedOfficerRoster(_stored, _clock);
        await cached.UpsertAsync(Officer, CancellationToken.None);

        var first = cached.FindAsync(Phone, CancellationToken.None);
        (await _stored.NextReadAsync()).SetResult(_stored.Stored(Phone));
        Assert.Equal(Officer, await first);

        // Answered from the cache: no read reaches the stored roster.
        Assert.Equal(Officer, await cached.FindAsync(Phone, CancellationToken.None));
        Assert.Equal(1, _stored.Reads);
    }

    [Fact]
    public async Task A_stranger_is_cached_for_its_lifetime_and_read_again_after_it()
    {
        var cached = new CachedOfficerRoster(_stored, _clock);
        var first = cached.FindAsync(Phone, CancellationToken.None);
        (await _stored.NextReadAsync()).SetResult(null);
        Assert.Null(await first);

        Assert.Null(await cached.FindAsync(Phone, CancellationToken.None));
        Assert.Equal(1, _stored.Reads);

        _clock.Advance(CachedOfficerRoster.Lifetime);
        var again = cached.FindAsync(Phone, CancellationToken.None);
        (await _stored.NextReadAsync()).SetResult(null);
        Assert.Null(await again);
        Assert.Equal(2, _stored.Reads);
    }

    /// <summary>A stored roster whose every read waits until the test answers it; writes apply at once.</summary>
    private sealed class HeldRoster : IStoredOfficerRoster
    {
        private readonly ConcurrentDictionary<string, Officer> _officers = new(StringComparer.Ordinal);
        private readonly Channel<TaskCompletionSource<Officer?>> _reads = Channel.CreateUnbounded<TaskCompletionSource<Officer?>>();
        private int _readCount;

        public int Reads => Volatile.Read(ref _readCount);

        public Officer? Stored(string phone) => _officers.GetValueOrDefault(phone);

        /// <summary>The next read the cache made, to be answered by the test.</summary>
        public async Task<TaskCompletionSource<Officer?>> NextReadAsync()
        {
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            return await _reads.Reader.ReadAsync(deadline.Token);
        }

        public Task<Officer?> FindAsync(string phoneE164, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _readCount);
            var read = new TaskCompletionSource<Officer?>(TaskCreationOptions.RunContinuationsAsynchronously);
            Assert.True(_reads.Writer.TryWrite(read));
            return read.Task;
        }

        public Task UpsertAsync(Officer officer, CancellationToken cancellationToken)
        {
            _officers[officer.Phone] = officer;
            return Task.CompletedTask;
        }

        public Task<IReadOnlyList<RosterEntry>> ListAsync(CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<RosterEntry?> EntryForAsync(string phoneE164, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task SetActiveAsync(string id, bool active, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task RecordAsync(RosterChange change, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<IReadOnlyList<RosterChange>> ChangesAsync(int max, CancellationToken cancellationToken) => throw new NotSupportedException();
    }
}
