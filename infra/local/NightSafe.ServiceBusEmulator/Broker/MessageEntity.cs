using Amqp;
using Microsoft.Extensions.Logging;
using NightSafe.ServiceBusEmulator.Protocol;

namespace NightSafe.ServiceBusEmulator.Broker;

internal enum EntityKind
{
    Queue,
    Subscription,
    DeadLetterQueue,
}

internal enum SettlementKind
{
    Complete,
    Abandon,
    DeadLetter,
    Defer,

    /// <summary>Given back without a failed delivery (the AMQP released outcome).</summary>
    Release,
}

internal sealed record Settlement(
    SettlementKind Kind,
    IReadOnlyDictionary<string, object?>? PropertiesToModify = null,
    string? DeadLetterReason = null,
    string? DeadLetterDescription = null);

/// <summary>
/// A queue, a subscription or a dead-letter queue: the messages it holds, their locks and its consumers.
/// One lock guards all state; sends to links happen outside it (see <see cref="Consumer"/>).
/// </summary>
internal sealed partial class MessageEntity : ISendTarget
{
    public const string DeadLetterQueueSuffix = "$DeadLetterQueue";
    public const string MaxDeliveryCountExceeded = "MaxDeliveryCountExceeded";
    public const string TimeToLiveExpired = "TTLExpiredException";

    private readonly object _gate = new();
    private readonly Dictionary<long, StoredMessage> _messages = [];
    private readonly SortedSet<long> _order = [];
    private readonly SortedSet<long> _available = [];
    private readonly Dictionary<Guid, StoredMessage> _locked = [];
    private readonly PriorityQueue<Guid, DateTimeOffset> _lockExpiries = new();
    private readonly PriorityQueue<long, DateTimeOffset> _expiries = new();
    private readonly PriorityQueue<long, DateTimeOffset> _schedule = new();
    private readonly List<Consumer> _consumers = [];
    private readonly DuplicateDetector? _duplicates;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private long _nextSequenceNumber = 1;
    private int _nextConsumer;

    public MessageEntity(string path, EntityKind kind, EntitySettings settings, TimeProvider time, ILogger logger)
    {
        Path = path;
        Kind = kind;
        Settings = settings;
        _time = time;
        _logger = logger;
        if (kind == EntityKind.Queue && settings.RequiresDuplicateDetection)
        {
            _duplicates = new DuplicateDetector(settings.DuplicateDetectionHistoryTimeWindow);
        }

        if (kind != EntityKind.DeadLetterQueue)
        {
            // A dead-letter queue keeps its messages until they are received: no TTL, no further dead-lettering.
            DeadLetterQueue = new MessageEntity(
                $"{path}/{DeadLetterQueueSuffix}",
                EntityKind.DeadLetterQueue,
                settings with { DefaultMessageTimeToLive = TimeSpan.MaxValue, MaxDeliveryCount = int.MaxValue, DeadLetteringOnMessageExpiration = false },
                time,
                logger);
        }
    }

    public string Path { get; }

    public EntityKind Kind { get; }

    public EntitySettings Settings { get; }

    public MessageEntity? DeadLetterQueue { get; }

    public int MessageCount
    {
        get
        {
            lock (_gate)
            {
                return _messages.Count;
            }
        }
    }

    public Consumer AddConsumer(IDeliverySink sink, bool receiveAndDelete, string name)
    {
        var consumer = new Consumer(this, sink, receiveAndDelete, name);
        lock (_gate)
        {
            _consumers.Add(consumer);
        }

        return consumer;
    }

    public void RemoveConsumer(Consumer consumer)
    {
        lock (_gate)
        {
            _consumers.Remove(consumer);
        }
    }

    /// <summary>Adds (or, for a negative delta, takes away) unused credit; returns what is left.</summary>
    public int AdjustCredit(Consumer consumer, int delta)
    {
        lock (_gate)
        {
            consumer.Credit = Math.Max(0, consumer.Credit + delta);
            return consumer.Credit;
        }
    }

    public void ClearCredit(Consumer consumer)
    {
        lock (_gate)
        {
            consumer.Credit = 0;
        }
    }

    /// <summary>Sends a sender's messages to this queue: duplicate detection, scheduling, then delivery.</summary>
    public void Accept(IReadOnlyList<StoredMessage> messages)
    {
        var now = _time.GetUtcNow();
        lock (_gate)
        {
            foreach (var message in messages)
            {
                if (_duplicates?.IsDuplicate(message.MessageId, now) == true)
                {
                    LogDuplicate(_logger, Path, message.MessageId);
                    continue;
                }

                message.SequenceNumber = _nextSequenceNumber++;
                if (message.ScheduledEnqueueTime is { } at && at > now)
                {
                    AddScheduled(message, at);
                }
                else
                {
                    Activate(message, now);
                }
            }
        }

        Dispatch();
    }

    /// <summary>Schedules a message for later; returns the sequence number that cancels it.</summary>
    public long Schedule(StoredMessage message, DateTimeOffset at)
    {
        var now = _time.GetUtcNow();
        long sequenceNumber;
        lock (_gate)
        {
            sequenceNumber = message.SequenceNumber = _nextSequenceNumber++;
            message.ScheduledEnqueueTime = at;
            if (at > now)
            {
                AddScheduled(message, at);
            }
            else
            {
                Activate(message, now);
            }
        }

        Dispatch();
        return sequenceNumber;
    }

    public bool CancelScheduled(long sequenceNumber)
    {
        lock (_gate)
        {
            if (_messages.TryGetValue(sequenceNumber, out var message) && message.State == MessageState.Scheduled)
            {
                Remove(message);
                return true;
            }

            return false;
        }
    }

    /// <summary>A copy fanned out by a topic; it already carries the topic's sequence number and enqueued time.</summary>
    public void DeliverFromTopic(StoredMessage message)
    {
        lock (_gate)
        {
            Activate(message, message.EnqueuedTime);
        }

        Dispatch();
    }

    /// <summary>Assigns available messages to consumers with credit, round robin, then sends them.</summary>
    public void Dispatch()
    {
        List<Consumer>? ready = null;
        lock (_gate)
        {
            if (_available.Count == 0 || _consumers.Count == 0)
            {
                return;
            }

            var now = _time.GetUtcNow();
            var idle = 0;
            while (_available.Count > 0 && idle < _consumers.Count)
            {
                _nextConsumer = (_nextConsumer + 1) % _consumers.Count;
                var consumer = _consumers[_nextConsumer];
                if (consumer.Credit <= 0)
                {
                    idle++;
                    continue;
                }

                if (!AssignNext(consumer, now))
                {
                    break;
                }

                idle = 0;
                ready ??= [];
                if (!ready.Contains(consumer))
                {
                    ready.Add(consumer);
                }
            }
        }

        if (ready is not null)
        {
            foreach (var consumer in ready)
            {
                consumer.Flush();
            }
        }
    }

    /// <summary>Assigns available messages to one consumer up to its credit, without sending.</summary>
    public void Fill(Consumer consumer)
    {
        lock (_gate)
        {
            var now = _time.GetUtcNow();
            while (consumer.Credit > 0 && AssignNext(consumer, now))
            {
            }
        }
    }

    /// <summary>Messages assigned to a link but never sent: they become available again, no delivery counted.</summary>
    public void ReturnUndelivered(IEnumerable<OutboundDelivery> deliveries)
    {
        lock (_gate)
        {
            foreach (var delivery in deliveries)
            {
                var message = delivery.Message;
                if (delivery.LockToken == Guid.Empty)
                {
                    // Receive-and-delete had already removed it.
                    if (!_messages.ContainsKey(message.SequenceNumber))
                    {
                        Add(message);
                        message.State = MessageState.Available;
                        _available.Add(message.SequenceNumber);
                    }
                }
                else if (_locked.Remove(delivery.LockToken))
                {
                    Unlock(message);
                }
            }
        }

        Dispatch();
    }

    public bool Settle(Guid lockToken, Settlement settlement)
    {
        lock (_gate)
        {
            if (!_locked.TryGetValue(lockToken, out var message) || message.LockedUntil <= _time.GetUtcNow())
            {
                return false;
            }

            _locked.Remove(lockToken);
            if (settlement.PropertiesToModify is { Count: > 0 } changes)
            {
                message.ModifyApplicationProperties(changes);
            }

            switch (settlement.Kind)
            {
                case SettlementKind.Complete:
                    Remove(message);
                    break;
                case SettlementKind.Abandon:
                    message.FailedDeliveries++;
                    Unlock(message);
                    break;
                case SettlementKind.Release:
                    Unlock(message);
                    break;
                case SettlementKind.Defer:
                    message.IsDeferred = true;
                    message.State = MessageState.Deferred;
                    message.LockToken = Guid.Empty;
                    break;
                case SettlementKind.DeadLetter:
                    MoveToDeadLetterQueue(message, settlement.DeadLetterReason, settlement.DeadLetterDescription);
                    break;
            }
        }

        Dispatch();
        DeadLetterQueue?.Dispatch();
        return true;
    }

    /// <summary>Extends a lock by the entity's lock duration; null when the lock is lost.</summary>
    public DateTimeOffset? RenewLock(Guid lockToken)
    {
        lock (_gate)
        {
            var now = _time.GetUtcNow();
            if (!_locked.TryGetValue(lockToken, out var message) || message.LockedUntil <= now)
            {
                return null;
            }

            message.LockedUntil = now + Settings.LockDuration;
            _lockExpiries.Enqueue(lockToken, message.LockedUntil);
            return message.LockedUntil;
        }
    }

    /// <summary>Copies of up to <paramref name="count"/> messages from a sequence number on, without locking them.</summary>
    public List<Message> Peek(long fromSequenceNumber, int count)
    {
        var peeked = new List<Message>();
        lock (_gate)
        {
            if (_order.Count == 0 || count <= 0 || fromSequenceNumber > _order.Max)
            {
                return peeked;
            }

            foreach (var sequenceNumber in _order.GetViewBetween(Math.Max(fromSequenceNumber, _order.Min), _order.Max))
            {
                var message = _messages[sequenceNumber];
                peeked.Add(AmqpMessageCodec.ToAmqp(message, lockToken: Guid.Empty, deliveryCount: message.FailedDeliveries));
                if (peeked.Count == count)
                {
                    break;
                }
            }
        }

        return peeked;
    }

    /// <summary>Locks (or removes) deferred messages by sequence number; unknown numbers are reported as missing.</summary>
    public List<(Guid LockToken, Message Message)>? ReceiveDeferred(IEnumerable<long> sequenceNumbers, bool receiveAndDelete)
    {
        var received = new List<(Guid, Message)>();
        lock (_gate)
        {
            var now = _time.GetUtcNow();
            var wanted = sequenceNumbers.ToList();
            if (wanted.Any(n => !_messages.TryGetValue(n, out var m) || m.State != MessageState.Deferred))
            {
                return null;
            }

            foreach (var message in wanted.Select(n => _messages[n]))
            {
                if (receiveAndDelete)
                {
                    Remove(message);
                    received.Add((Guid.Empty, AmqpMessageCodec.ToAmqp(message, Guid.Empty, message.FailedDeliveries)));
                }
                else
                {
                    var token = Lock(message, now);
                    received.Add((token, AmqpMessageCodec.ToAmqp(message, token, message.FailedDeliveries)));
                }
            }
        }

        return received;
    }

    /// <summary>Time-driven work: lock expiry, message expiry and scheduled activation.</summary>
    public void Sweep()
    {
        var now = _time.GetUtcNow();
        var changed = false;
        lock (_gate)
        {
            while (_lockExpiries.TryPeek(out var token, out var until) && until <= now)
            {
                _lockExpiries.Dequeue();
                if (_locked.TryGetValue(token, out var message) && message.LockedUntil <= now)
                {
                    _locked.Remove(token);
                    message.FailedDeliveries++;
                    LogLockExpired(_logger, Path, message.SequenceNumber, message.FailedDeliveries);
                    Unlock(message);
                    changed = true;
                }
            }

            while (_schedule.TryPeek(out var sequenceNumber, out var at) && at <= now)
            {
                _schedule.Dequeue();
                if (_messages.TryGetValue(sequenceNumber, out var message) && message.State == MessageState.Scheduled)
                {
                    _messages.Remove(sequenceNumber);
                    _order.Remove(sequenceNumber);
                    Activate(message, now);
                    changed = true;
                }
            }

            while (_expiries.TryPeek(out var sequenceNumber, out var at) && at <= now)
            {
                _expiries.Dequeue();
                if (_messages.TryGetValue(sequenceNumber, out var message) && message.State is MessageState.Available or MessageState.Deferred)
                {
                    Expire(message);
                    changed = true;
                }
            }
        }

        if (changed)
        {
            Dispatch();
            DeadLetterQueue?.Dispatch();
        }

        DeadLetterQueue?.Sweep();
    }

    private bool AssignNext(Consumer consumer, DateTimeOffset now)
    {
        while (_available.Count > 0)
        {
            var sequenceNumber = _available.Min;
            _available.Remove(sequenceNumber);
            var message = _messages[sequenceNumber];
            if (message.ExpiresAt <= now)
            {
                Expire(message);
                continue;
            }

            consumer.Credit--;
            if (consumer.ReceiveAndDelete)
            {
                Remove(message);
                consumer.AddPending(new OutboundDelivery(message, Guid.Empty, AmqpMessageCodec.ToAmqp(message, Guid.Empty, message.FailedDeliveries)));
            }
            else
            {
                var token = Lock(message, now);
                consumer.AddPending(new OutboundDelivery(message, token, AmqpMessageCodec.ToAmqp(message, token, message.FailedDeliveries)));
            }

            return true;
        }

        return false;
    }

    private Guid Lock(StoredMessage message, DateTimeOffset now)
    {
        var token = Guid.NewGuid();
        message.State = MessageState.Locked;
        message.LockToken = token;
        message.LockedUntil = now + Settings.LockDuration;
        _locked[token] = message;
        _lockExpiries.Enqueue(token, message.LockedUntil);
        return token;
    }

    /// <summary>Back to available (or deferred), or to the dead-letter queue once delivery has failed too often.</summary>
    private void Unlock(StoredMessage message)
    {
        message.LockToken = Guid.Empty;
        if (message.FailedDeliveries >= Settings.MaxDeliveryCount)
        {
            MoveToDeadLetterQueue(
                message,
                MaxDeliveryCountExceeded,
                $"Message could not be consumed after {Settings.MaxDeliveryCount} delivery attempts.");
            return;
        }

        if (message.IsDeferred)
        {
            message.State = MessageState.Deferred;
            return;
        }

        if (message.ExpiresAt <= _time.GetUtcNow())
        {
            Expire(message);
            return;
        }

        message.State = MessageState.Available;
        _available.Add(message.SequenceNumber);
    }

    private void Activate(StoredMessage message, DateTimeOffset now)
    {
        message.EnqueuedTime = now;
        var ttl = message.RequestedTimeToLive < Settings.DefaultMessageTimeToLive ? message.RequestedTimeToLive : Settings.DefaultMessageTimeToLive;
        message.TimeToLive = ttl;
        message.ExpiresAt = ttl == TimeSpan.MaxValue || DateTimeOffset.MaxValue - now <= ttl ? DateTimeOffset.MaxValue : now + ttl;
        message.State = MessageState.Available;
        Add(message);
        _available.Add(message.SequenceNumber);
        if (message.ExpiresAt != DateTimeOffset.MaxValue)
        {
            _expiries.Enqueue(message.SequenceNumber, message.ExpiresAt);
        }
    }

    private void AddScheduled(StoredMessage message, DateTimeOffset at)
    {
        message.State = MessageState.Scheduled;
        message.EnqueuedTime = at;
        Add(message);
        _schedule.Enqueue(message.SequenceNumber, at);
    }

    private void Add(StoredMessage message)
    {
        _messages[message.SequenceNumber] = message;
        _order.Add(message.SequenceNumber);
    }

    private void Remove(StoredMessage message)
    {
        _messages.Remove(message.SequenceNumber);
        _order.Remove(message.SequenceNumber);
        _available.Remove(message.SequenceNumber);
    }

    private void Expire(StoredMessage message)
    {
        if (Settings.DeadLetteringOnMessageExpiration)
        {
            MoveToDeadLetterQueue(message, TimeToLiveExpired, "The message expired and was dead lettered.");
        }
        else
        {
            Remove(message);
            LogExpired(_logger, Path, message.SequenceNumber);
        }
    }

    private void MoveToDeadLetterQueue(StoredMessage message, string? reason, string? description)
    {
        Remove(message);
        if (DeadLetterQueue is null)
        {
            return;
        }

        var copy = message.Copy();
        copy.DeadLetterSource = Path;
        copy.ModifyApplicationProperties(
        [
            new("DeadLetterReason", reason),
            new("DeadLetterErrorDescription", description),
        ]);
        LogDeadLettered(_logger, Path, message.SequenceNumber, reason);
        DeadLetterQueue.AddDeadLettered(copy);
    }

    private void AddDeadLettered(StoredMessage message)
    {
        // Called under the source entity's lock; dispatch is left to the caller, outside it.
        lock (_gate)
        {
            message.State = MessageState.Available;
            message.ExpiresAt = DateTimeOffset.MaxValue;
            if (_messages.ContainsKey(message.SequenceNumber))
            {
                message.SequenceNumber = Math.Max(_order.Max, message.SequenceNumber) + 1;
            }

            Add(message);
            _available.Add(message.SequenceNumber);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Entity}: duplicate of message {MessageId} dropped")]
    private static partial void LogDuplicate(ILogger logger, string entity, string? messageId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Entity}: lock expired on sequence {SequenceNumber} (failed deliveries {FailedDeliveries})")]
    private static partial void LogLockExpired(ILogger logger, string entity, long sequenceNumber, int failedDeliveries);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Entity}: sequence {SequenceNumber} expired and was dropped")]
    private static partial void LogExpired(ILogger logger, string entity, long sequenceNumber);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Entity}: sequence {SequenceNumber} dead-lettered ({Reason})")]
    private static partial void LogDeadLettered(ILogger logger, string entity, long sequenceNumber, string? reason);
}
