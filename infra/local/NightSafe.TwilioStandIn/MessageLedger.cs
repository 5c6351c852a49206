namespace NightSafe.TwilioStandIn;

/// <summary>
/// Every message and refusal, in creation order, with a signal on each change so waiters need not poll. A deleted
/// message leaves every view (list, fetch, <see cref="Messages"/>) but its delivery may still finish in the background.
/// </summary>
internal sealed class MessageLedger
{
    private readonly Lock _gate = new();
    private readonly List<SentMessage> _messages = [];
    private readonly Dictionary<string, int> _positionBySid = new(StringComparer.Ordinal);
    private readonly List<RefusedMessage> _refusals = [];
    private readonly HashSet<string> _deleted = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _rejectionsByNumber = new(StringComparer.Ordinal);
    private TaskCompletionSource _changed = NewSignal();

    public IReadOnlyList<SentMessage> Messages
    {
        get
        {
            lock (_gate)
            {
                return VisibleLocked();
            }
        }
    }

    public IReadOnlyList<RefusedMessage> Refusals
    {
        get
        {
            lock (_gate)
            {
                return [.. _refusals];
            }
        }
    }

    public SentMessage? Find(string sid)
    {
        lock (_gate)
        {
            return _positionBySid.TryGetValue(sid, out var position) && !_deleted.Contains(sid) ? _messages[position] : null;
        }
    }

    public void Add(SentMessage message)
    {
        lock (_gate)
        {
            _positionBySid.Add(message.Sid, _messages.Count);
            _messages.Add(message);
            SignalLocked();
        }
    }

    public SentMessage Update(string sid, Func<SentMessage, SentMessage> change)
    {
        lock (_gate)
        {
            var position = _positionBySid[sid];
            var updated = change(_messages[position]);
            _messages[position] = updated;
            SignalLocked();
            return updated;
        }
    }

    /// <summary>Deletes the message's record: false when there is no such message (or it was deleted before).</summary>
    public bool Delete(string sid)
    {
        lock (_gate)
        {
            if (!_positionBySid.ContainsKey(sid) || !_deleted.Add(sid))
            {
                return false;
            }

            SignalLocked();
            return true;
        }
    }

    /// <summary>The SIDs of every message deleted, in no order.</summary>
    public IReadOnlyCollection<string> Deleted
    {
        get
        {
            lock (_gate)
            {
                return [.. _deleted];
            }
        }
    }

    public void Refuse(RefusedMessage refusal)
    {
        lock (_gate)
        {
            _refusals.Add(refusal);
            SignalLocked();
        }
    }

    /// <summary>True when this create to <paramref name="to"/> is refused; counts refusals for numbers refused only N times.</summary>
    public bool Rejects(string to, NumberBehaviour behaviour)
    {
        if (behaviour.Rejection is null)
        {
            return false;
        }

        if (behaviour.RejectTimes is not { } times)
        {
            return true;
        }

        lock (_gate)
        {
            var sofar = _rejectionsByNumber.GetValueOrDefault(to);
            if (sofar >= times)
            {
                return false;
            }

            _rejectionsByNumber[to] = sofar + 1;
            return true;
        }
    }

    public async Task<IReadOnlyList<SentMessage>> WaitForAsync(
        Func<IReadOnlyList<SentMessage>, bool> condition, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(condition);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        while (true)
        {
            List<SentMessage> snapshot;
            Task changed;
            lock (_gate)
            {
                snapshot = VisibleLocked();
                changed = _changed.Task;
            }

            if (condition(snapshot))
            {
                return snapshot;
            }

            try
            {
                await changed.WaitAsync(deadline.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException(
                    $"The Twilio stand-in's messages did not meet the condition within {timeout}; it holds {snapshot.Count} message(s): " +
                    string.Join(", ", snapshot.Select(m => $"{m.Sid} {m.Status} ({m.Callbacks.Count} callback(s))")));
            }
        }
    }

    private void SignalLocked()
    {
        _changed.TrySetResult();
        _changed = NewSignal();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private List<SentMessage> VisibleLocked() => _deleted.Count == 0 ? [.. _messages] : [.. _messages.Where(m => !_deleted.Contains(m.Sid))];
}
