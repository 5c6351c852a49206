using Microsoft.Extensions.Logging;

namespace NightSafe.ServiceBusEmulator.Broker;

/// <summary>All entities of one emulated namespace, found by normalised path, plus the timer that drives expiry.</summary>
internal sealed partial class EmulatorNamespace : IDisposable
{
    public const string SubscriptionsSegment = "subscriptions";

    private readonly Dictionary<string, ISendTarget> _sendTargets = new(StringComparer.Ordinal);
    private readonly Dictionary<string, MessageEntity> _receiveEntities = new(StringComparer.Ordinal);
    private readonly List<MessageEntity> _queuesAndSubscriptions = [];
    private readonly List<TopicEntity> _topics = [];
    private readonly ITimer _sweepTimer;
    private readonly ILogger _logger;
    private int _sweeping;

    public EmulatorNamespace(EmulatorTopology topology, TimeProvider time, ILoggerFactory loggerFactory, TimeSpan sweepInterval)
    {
        var entityLogger = loggerFactory.CreateLogger("NightSafe.ServiceBusEmulator.Entity");
        _logger = entityLogger;
        foreach (var queue in topology.Queues)
        {
            var entity = new MessageEntity(queue.Name, EntityKind.Queue, queue.Settings, time, entityLogger);
            _sendTargets[Key(queue.Name)] = entity;
            Register(entity);
        }

        foreach (var topic in topology.Topics)
        {
            var subscriptions = new List<TopicSubscription>();
            foreach (var definition in topic.Subscriptions)
            {
                var path = $"{topic.Name}/Subscriptions/{definition.Name}";
                var entity = new MessageEntity(path, EntityKind.Subscription, definition.Settings, time, entityLogger);
                subscriptions.Add(new TopicSubscription(definition.Name, entity, definition.EffectiveRules));
                Register(entity);
            }

            var topicEntity = new TopicEntity(topic.Name, topic.Settings, subscriptions, time, entityLogger);
            _topics.Add(topicEntity);
            _sendTargets[Key(topic.Name)] = topicEntity;
        }

        _sweepTimer = time.CreateTimer(_ => Sweep(), null, sweepInterval, sweepInterval);
    }

    public IReadOnlyList<MessageEntity> QueuesAndSubscriptions => _queuesAndSubscriptions;

    public IReadOnlyList<TopicEntity> Topics => _topics;

    /// <summary>Lower-case, no leading or trailing slash: the form every lookup uses.</summary>
    public static string Key(string path) => path.Trim('/').ToLowerInvariant();

    public bool TryGetSendTarget(string key, out ISendTarget target) => _sendTargets.TryGetValue(key, out target!);

    public bool TryGetReceiveEntity(string key, out MessageEntity entity) => _receiveEntities.TryGetValue(key, out entity!);

    public void Dispose() => _sweepTimer.Dispose();

    private void Register(MessageEntity entity)
    {
        _queuesAndSubscriptions.Add(entity);
        _receiveEntities[Key(entity.Path)] = entity;
        _receiveEntities[Key(entity.DeadLetterQueue!.Path)] = entity.DeadLetterQueue;
    }

    private void Sweep()
    {
        // Timer callbacks can overlap when a sweep runs long; one at a time is enough.
        if (Interlocked.Exchange(ref _sweeping, 1) == 1)
        {
            return;
        }

        try
        {
            foreach (var topic in _topics)
            {
                topic.Sweep();
            }

            foreach (var entity in _queuesAndSubscriptions)
            {
                entity.Sweep();
            }
        }
        catch (Exception exception)
        {
            // An exception on a timer thread would end the process; log it and sweep again next tick.
            LogSweepFailed(_logger, exception);
        }
        finally
        {
            Volatile.Write(ref _sweeping, 0);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Sweeping locks, expiries and schedules failed")]
    private static partial void LogSweepFailed(ILogger logger, Exception exception);
}
