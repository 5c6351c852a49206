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

    /// <summary>Every call to the provider in order: "delete SID" and "replies SID".</summary>
    public List<string> Calls { get; } = [];

    /// <summary>Messages whose deletion fails (as Twilio refuses one still on its way, 20009).</summary>
    public HashSet<string> FailingFor { get; } = new(StringComparer.Ordinal);

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
            Calls.Add("delete " + messageSid);
            if (Failing is { } code)
            {
                throw new SmsRecordDeletionException(code, "scripted failure");
            }

            if (FailingFor.Contains(messageSid))
            {
                throw new SmsRecordDeletionException("http-409/20009", "scripted failure");
            }

            Deleted.Add(messageSid);
            return Task.FromResult(_atProvider.Remove(messageSid));
        }
    }

    /// <summary>The replies the provider holds per inbound text (as its list finds them), and when each text arrived.</summary>
    public Dictionary<string, SmsReplies> Replies { get; } = new(StringComparer.Ordinal);

    /// <summary>The inbound texts whose replies were looked for, in order.</summary>
    public List<string> RepliesSearched { get; } = [];

    /// <summary>When set, every search for replies fails with this code.</summary>
    public string? RepliesFailing { get; set; }

    /// <summary>A reply the provider made from the hub's TwiML answer to <paramref name="inboundSid"/>.</summary>
    public void HoldReply(string inboundSid, DateTimeOffset receivedAt, SmsRecord reply)
    {
        lock (_gate)
        {
            _atProvider.Add(inboundSid);
            _atProvider.Add(reply.MessageSid);
            var before = Replies.GetValueOrDefault(inboundSid)?.Sent ?? [];
            Replies[inboundSid] = new SmsReplies(receivedAt, [.. before, reply]);
        }
    }

    public Task<SmsReplies?> RepliesToAsync(string inboundSid, TimeSpan window, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            RepliesSearched.Add(inboundSid);
            Calls.Add("replies " + inboundSid);
            if (RepliesFailing is { } code)
            {
                throw new SmsRecordDeletionException(code, "scripted failure");
            }

            if (!_atProvider.Contains(inboundSid))
            {
                return Task.FromResult<SmsReplies?>(null);
            }

            var held = Replies.GetValueOrDefault(inboundSid);
            return Task.FromResult<SmsReplies?>(held is null
                ? new SmsReplies(DateTimeOffset.MinValue, [])
                : held with { Sent = [.. held.Sent.Where(r => _atProvider.Contains(r.MessageSid))] });
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
