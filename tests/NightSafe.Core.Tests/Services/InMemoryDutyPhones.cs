using System.Collections.Concurrent;
using NightSafe.Core.Ports;

namespace NightSafe.Core.Tests.Services;

/// <summary>The stored duty phones and their trail, in memory.</summary>
internal sealed class InMemoryDutyPhones : IDutyPhoneStore
{
    private readonly ConcurrentDictionary<(string Agency, string Phone), StoredDutyPhone> _phones = new();
    private readonly ConcurrentQueue<DutyPhoneChange> _changes = new();

    /// <summary>How often the whole store was read (the book's cache keeps this low).</summary>
    public int Reads { get; private set; }

    public Task<IReadOnlyList<StoredDutyPhone>> ListAsync(CancellationToken cancellationToken)
    {
        Reads++;
        return Task.FromResult<IReadOnlyList<StoredDutyPhone>>([.. _phones.Values]);
    }

    public Task UpsertAsync(StoredDutyPhone phone, CancellationToken cancellationToken)
    {
        _phones[(phone.AgencyId.Value, phone.Phone)] = phone;
        return Task.CompletedTask;
    }

    public Task RecordAsync(DutyPhoneChange change, CancellationToken cancellationToken)
    {
        _changes.Enqueue(change);
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<DutyPhoneChange>> ChangesAsync(int max, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<DutyPhoneChange>>([.. _changes.Reverse().Take(max)]);
}
