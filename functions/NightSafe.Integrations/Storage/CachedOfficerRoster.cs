using System.Collections.Concurrent;
using NightSafe.Core.Ports;

namespace NightSafe.Integrations.Storage;

/// <summary>
/// The roster read through a short cache: an officer texting ten referrals a night costs one read, not ten. A change
/// made through this process takes effect at once; one made elsewhere (another instance, the table edited by hand)
/// within <see cref="Lifetime"/>. Strangers are cached too (as nobody), and the cache is bounded. A read that began
/// before a write through this process finished is answered but not cached: its answer may be older than the write
/// (an officer seeded or added while texting would otherwise stay a stranger for <see cref="Lifetime"/>).
/// </summary>
public sealed class CachedOfficerRoster(IStoredOfficerRoster roster, TimeProvider time) : IOfficerRoster, IRosterDirectory
{
    /// <summary>How long a roster answer is trusted: the longest a roster change made elsewhere takes to apply.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(30);

    // Numbers texting the hub in 30 seconds: far fewer than this, unless someone floods it with strangers.
    private const int MaxEntries = 4096;

    private readonly ConcurrentDictionary<string, (Officer? Officer, DateTimeOffset Until)> _entries = new(StringComparer.Ordinal);

    // Writes finished through this process; a read caches its answer only if none finished while it was reading.
    private readonly Lock _gate = new();
    private long _writes;

    public async Task<Officer?> FindAsync(string phoneE164, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(phoneE164);
        var now = time.GetUtcNow();
        if (_entries.TryGetValue(phoneE164, out var entry) && entry.Until > now)
        {
            return entry.Officer;
        }

        var writesBefore = Interlocked.Read(ref _writes);
        var officer = await roster.FindAsync(phoneE164, cancellationToken);
        lock (_gate)
        {
            if (_writes != writesBefore)
            {
                return officer;
            }

            if (_entries.Count >= MaxEntries)
            {
                _entries.Clear();
            }

            _entries[phoneE164] = (officer, now + Lifetime);
        }

        return officer;
    }

    public async Task UpsertAsync(Officer officer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(officer);
        await roster.UpsertAsync(officer, cancellationToken);
        lock (_gate)
        {
            _writes++;
            _entries.TryRemove(officer.Phone, out _);
        }
    }

    public Task<IReadOnlyList<RosterEntry>> ListAsync(CancellationToken cancellationToken) => roster.ListAsync(cancellationToken);

    public Task<RosterEntry?> EntryForAsync(string phoneE164, CancellationToken cancellationToken) => roster.EntryForAsync(phoneE164, cancellationToken);

    public async Task SetActiveAsync(string id, bool active, CancellationToken cancellationToken)
    {
        await roster.SetActiveAsync(id, active, cancellationToken);

        // The id is a keyed hash of the phone, not the phone the cache is keyed by: forget every answer.
        lock (_gate)
        {
            _writes++;
            _entries.Clear();
        }
    }

    public Task RecordAsync(RosterChange change, CancellationToken cancellationToken) => roster.RecordAsync(change, cancellationToken);

    public Task<IReadOnlyList<RosterChange>> ChangesAsync(int max, CancellationToken cancellationToken) => roster.ChangesAsync(max, cancellationToken);
}
