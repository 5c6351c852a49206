using Microsoft.Extensions.Logging;

namespace NightSafe.ServiceBusEmulator.Broker;

/// <summary>A subscription of a topic with its rules; a message is copied in when any rule matches.</summary>
internal sealed record TopicSubscription(string Name, MessageEntity Entity, IReadOnlyList<RuleDefinition> Rules)
{
    public bool Matches(StoredMessage message) => Rules.Any(rule => rule.Filter.Matches(message));
}

/// <summary>
/// A topic: duplicate detection and scheduling happen here, once; each accepted message is then copied into every
/// subscription with a matching rule, all copies sharing the topic's sequence number.
/// </summary>
internal sealed partial class TopicEntity : ISendTarget
{
    private readonly object _gate = new();
    private readonly DuplicateDetector? _duplicates;
    private readonly Dictionary<long, StoredMessage> _scheduled = [];
    private readonly PriorityQueue<long, DateTimeOffset> _schedule = new();
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private long _nextSequenceNumber = 1;

    public TopicEntity(string path, EntitySettings settings, IReadOnlyList<TopicSubscription> subscriptions, TimeProvider time, ILogger logger)
    {
        Path = path;
        Settings = settings;
        Subscriptions = subscriptions;
        _time = time;
        _logger = logger;
        if (settings.RequiresDuplicateDetection)
        {
            _duplicates = new DuplicateDetector(settings.DuplicateDetectionHistoryTimeWindow);
        }
    }

    public string Path { get; }

    public EntitySettings Settings { get; }

    public IReadOnlyList<TopicSubscription> Subscriptions { get; }

    public void Accept(IReadOnlyList<StoredMessage> messages)
    {
        var now = _time.GetUtcNow();
        var due = new List<StoredMessage>(messages.Count);
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
                    _scheduled[message.SequenceNumber] = message;
                    _schedule.Enqueue(message.SequenceNumber, at);
                }
                else
                {
                    due.Add(message);
                }
            }
        }

        foreach (var message in due)
        {
            FanOut(message, now);
        }
    }

    public long Schedule(StoredMessage message, DateTimeOffset at)
    {
        long sequenceNumber;
        lock (_gate)
        {
            sequenceNumber = message.SequenceNumber = _nextSequenceNumber++;
            message.ScheduledEnqueueTime = at;
            _scheduled[sequenceNumber] = message;
            _schedule.Enqueue(sequenceNumber, at);
        }

        Sweep();
        return sequenceNumber;
    }

    public bool CancelScheduled(long sequenceNumber)
    {
        lock (_gate)
        {
            return _scheduled.Remove(sequenceNumber);
        }
    }

    public void Sweep()
    {
        var now = _time.GetUtcNow();
        List<StoredMessage>? due = null;
        lock (_gate)
        {
            while (_schedule.TryPeek(out var sequenceNumber, out var at) && at <= now)
            {
                _schedule.Dequeue();
                if (_scheduled.Remove(sequenceNumber, out var message))
                {
                    (due ??= []).Add(message);
                }
            }
        }

        foreach (var message in due ?? [])
        {
            FanOut(message, now);
        }
    }

    private void FanOut(StoredMessage message, DateTimeOffset now)
    {
        message.EnqueuedTime = now;
        var ttl = message.RequestedTimeToLive < Settings.DefaultMessageTimeToLive ? message.RequestedTimeToLive : Settings.DefaultMessageTimeToLive;
        var matched = 0;
        foreach (var subscription in Subscriptions.Where(s => s.Matches(message)))
        {
            var copy = message.Copy();
            copy.EnqueuedTime = now;
            copy.RequestedTimeToLive = copy.RequestedTimeToLive < ttl ? copy.RequestedTimeToLive : ttl;
            subscription.Entity.DeliverFromTopic(copy);
            matched++;
        }

        if (matched == 0)
        {
            LogUnmatched(_logger, Path, message.SequenceNumber);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Entity}: duplicate of message {MessageId} dropped")]
    private static partial void LogDuplicate(ILogger logger, string entity, string? messageId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Entity}: sequence {SequenceNumber} matched no subscription")]
    private static partial void LogUnmatched(ILogger logger, string entity, long sequenceNumber);
}
