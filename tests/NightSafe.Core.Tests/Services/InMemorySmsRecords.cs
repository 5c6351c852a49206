using NightSafe.Core.Ports;

namespace NightSafe.Core.Tests.Services;

/// <summary>The provider's message records (ids the scripted sender accepted) and our list of deletions still to do.</summary>
internal sealed class InMemorySmsRecords : ISmsRecords, ISmsRecordDeletions
{
    private readonly object _gate = new();
    private readonly HashSet<string> _atProvider = new(StringComparer.Ordinal);
    private readonly Dictionary<string, PendingSmsRecordDeletion> _pending = new(StringComparer.Ordinal);

    /// <summary>When set, every provider deletion fails with this code.</summary>
    public string? Failing { get; set; }

    public List<string> Deleted { get; } = [];

    public IReadOnlyList<PendingSmsRecordDeletion> Pending { get { lock (_gate) { return [.. _pending.Values]; } } }

    public void Hold(string messageSid)
    {
        lock (_gate)
        {
            _atProvider.Add(messageSid);
        }
    }

    public bool Holds(string messageSid) { lock (_gate) { return _atProvider.Contains(messageSid); } }

    /// <summary>What the provider says of a message when asked (a lost delivery report's stand-in); unknown ones are not held.</summary>
    public Dictionary<string, SmsProviderStatus> Statuses { get; } = new(StringComparer.Ordinal);

    /// <summary>How many times the provider was asked for a message's status.</summary>
    public int StatusLookups { get; private set; }

    public Task<SmsProviderStatus?> StatusAsync(string messageSid, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            StatusLookups++;
            return Task.FromResult(Statuses.GetValueOrDefault(messageSid));
        }
    }

    public Task<bool> DeleteAsync(string messageSid, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (Failing is { } code)
            {
                throw new SmsRecordDeletionException(code, "scripted failure");
            }

            Deleted.Add(messageSid);
            return Task.FromResult(_atProvider.Remove(messageSid));
        }
    }

    public Task AddAsync(IReadOnlyList<PendingSmsRecordDeletion> deletions, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            foreach (var deletion in deletions)
            {
                _pending.TryAdd(deletion.MessageSid, deletion);
            }
        }

        return Task.CompletedTask;
    }

    /// <summary>When set, reading the list fails (a storage fault).</summary>
    public bool ListUnreadable { get; set; }

    public Task<IReadOnlyList<PendingSmsRecordDeletion>> PendingAsync(CancellationToken cancellationToken) =>
        ListUnreadable ? throw new InvalidOperationException("storage unavailable") : Task.FromResult(Pending);

    public Task CompleteAsync(PendingSmsRecordDeletion deletion, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _pending.Remove(deletion.MessageSid);
        }

        return Task.CompletedTask;
    }

    public Task RecordFailureAsync(PendingSmsRecordDeletion deletion, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _pending[deletion.MessageSid] = deletion;
        }

        return Task.CompletedTask;
    }
}

/// <summary>Dead-lettered case messages waiting on the partners' subscriptions.</summary>
internal sealed class InMemoryDeadLetters : IDeadLetteredCases
{
    public List<DeadLetteredCase> Waiting { get; } = [];

    public async Task<int> DrainAsync(IReadOnlyList<Core.World.AgencyId> agencyIds, Func<DeadLetteredCase, CancellationToken, Task> account, CancellationToken cancellationToken)
    {
        var drained = 0;
        foreach (var dead in Waiting.Where(d => agencyIds.Contains(d.AgencyId)).ToList())
        {
            await account(dead, cancellationToken);
            Waiting.Remove(dead);
            drained++;
        }

        return drained;
    }
}
