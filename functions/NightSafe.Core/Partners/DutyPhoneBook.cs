using NightSafe.Core.Ports;
using NightSafe.Core.World;

namespace NightSafe.Core.Partners;

/// <summary>
/// Which phones are on duty for each agency: the stored duty phones of an agency the control room has managed, else
/// routing.json's <c>phones</c> (or <c>phone</c>) as the seed. The partner loop texts these numbers and a text from one of
/// them answers that agency's cases. The table is read at most once per <see cref="Freshness"/> (a change made through
/// this instance is seen at once; one made through another instance within that time).
/// </summary>
public sealed class DutyPhoneBook(IDutyPhoneStore store, IPhoneIds ids, RoutingWorld world, TimeProvider time)
{
    /// <summary>How long one read of the stored duty phones is trusted.</summary>
    public static readonly TimeSpan Freshness = TimeSpan.FromSeconds(15);

    private volatile Snapshot? _snapshot;

    private readonly Lock _gate = new();

    // The read under way, shared by callers that ask at once (routing alerts every case's agency together).
    private Task<Snapshot>? _reading;

    /// <summary>A stable, short id for a duty phone (the phone itself never leaves the hub), keyed with the pepper.</summary>
    public string IdFor(string e164)
    {
        ArgumentNullException.ThrowIfNull(e164);
        return ids.IdFor(e164);
    }

    /// <summary>The numbers on duty for <paramref name="agency"/> (E.164).</summary>
    public async Task<IReadOnlyList<string>> PhonesOfAsync(Agency agency, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(agency);
        return (await ReadAsync(cancellationToken)).ByAgency.TryGetValue(agency.Id, out var phones) ? phones : [];
    }

    /// <summary>The agency whose duty phone <paramref name="phoneE164"/> is, or null.</summary>
    public async Task<Agency?> AgencyForAsync(string phoneE164, CancellationToken cancellationToken) =>
        (await ReadAsync(cancellationToken)).AgencyByPhone.TryGetValue(phoneE164, out var agency) ? agency : null;

    /// <summary>Every agency's duty phones with where each comes from, for the control room.</summary>
    public async Task<IReadOnlyList<(Agency Agency, IReadOnlyList<StoredDutyPhone> Phones, bool Managed)>> AllAsync(CancellationToken cancellationToken)
    {
        var snapshot = await ReadAsync(cancellationToken);
        return [.. world.Agencies.Select(a => snapshot.Managed.Contains(a.Id)
            ? (a, (IReadOnlyList<StoredDutyPhone>)[.. snapshot.Stored.Where(s => s.AgencyId == a.Id)], true)
            : (a, (IReadOnlyList<StoredDutyPhone>)[.. a.DutyPhones.Select(p => new StoredDutyPhone(a.Id, p, true))], false))];
    }

    /// <summary>Forgets the last read (after a change), so the next question reads the table.</summary>
    public void Forget()
    {
        lock (_gate)
        {
            _snapshot = null;
            _reading = null;
        }
    }

    private async Task<Snapshot> ReadAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (_snapshot is { } fresh && now - fresh.ReadAt < Freshness && now >= fresh.ReadAt)
        {
            return fresh;
        }

        Task<Snapshot> reading;
        lock (_gate)
        {
            if (_reading is null || _reading.IsCompleted)
            {
                _reading = ReadStoreAsync(now, cancellationToken);
            }

            reading = _reading;
        }

        return await reading;
    }

    private async Task<Snapshot> ReadStoreAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var stored = await store.ListAsync(cancellationToken);
        var managed = stored.Select(s => s.AgencyId).ToHashSet();
        var byAgency = new Dictionary<AgencyId, IReadOnlyList<string>>();
        var byPhone = new Dictionary<string, Agency>(StringComparer.Ordinal);
        foreach (var agency in world.Agencies)
        {
            IReadOnlyList<string> phones = managed.Contains(agency.Id)
                ? [.. stored.Where(s => s.AgencyId == agency.Id && s.Active).Select(s => s.Phone).Distinct(StringComparer.Ordinal)]
                : agency.DutyPhones;
            byAgency[agency.Id] = phones;
            foreach (var phone in phones)
            {
                byPhone.TryAdd(phone, agency);
            }
        }

        var snapshot = new Snapshot(now, stored, managed, byAgency, byPhone);
        _snapshot = snapshot;
        return snapshot;
    }

    private sealed record Snapshot(
        DateTimeOffset ReadAt,
        IReadOnlyList<StoredDutyPhone> Stored,
        IReadOnlySet<AgencyId> Managed,
        IReadOnlyDictionary<AgencyId, IReadOnlyList<string>> ByAgency,
        IReadOnlyDictionary<string, Agency> AgencyByPhone);
}
