using System.Collections.Concurrent;
using NightSafe.Core.Phones;
using NightSafe.Core.Ports;

namespace NightSafe.Core.Tests.Services;

/// <summary>The officer roster and the control room's directory of it, in memory (an entry's id is its phone).</summary>
internal sealed class InMemoryRoster : IOfficerRoster, IRosterDirectory
{
    private readonly ConcurrentDictionary<string, Officer> _officers = new();
    private readonly ConcurrentQueue<RosterChange> _changes = new();

    public Task<Officer?> FindAsync(string phoneE164, CancellationToken cancellationToken) => Task.FromResult(_officers.GetValueOrDefault(phoneE164));

    public Task UpsertAsync(Officer officer, CancellationToken cancellationToken)
    {
        _officers[officer.Phone] = officer;
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<RosterEntry>> ListAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<RosterEntry>>([.. _officers.Values.OrderBy(o => o.Collar, StringComparer.Ordinal).Select(Entry)]);

    public Task<RosterEntry?> EntryForAsync(string phoneE164, CancellationToken cancellationToken) =>
        Task.FromResult(_officers.TryGetValue(phoneE164, out var officer) ? Entry(officer) : null);

    public Task SetActiveAsync(string id, bool active, CancellationToken cancellationToken)
    {
        if (_officers.TryGetValue(id, out var officer))
        {
            _officers[id] = officer with { Active = active };
        }

        return Task.CompletedTask;
    }

    public Task RecordAsync(RosterChange change, CancellationToken cancellationToken)
    {
        _changes.Enqueue(change);
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<RosterChange>> ChangesAsync(int max, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<RosterChange>>([.. _changes.Reverse().Take(max)]);

    private static RosterEntry Entry(Officer o) => new(o.Phone, new MaskedPhone(o.Phone).ToString(), o.Name, o.Collar, o.TownId.Value, o.Supervisor, o.Active);
}
