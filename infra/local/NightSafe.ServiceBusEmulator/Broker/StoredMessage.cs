using Amqp.Framing;
using Amqp.Types;
using NightSafe.ServiceBusEmulator.Filters;

namespace NightSafe.ServiceBusEmulator.Broker;

internal enum MessageState
{
    Available,
    Locked,
    Deferred,
    Scheduled,
}

/// <summary>
/// A message held by one entity. The AMQP sections are shared between the copies a topic fans out and never
/// mutated; application properties are replaced (copy on write) when a settlement modifies them.
/// All mutable state is guarded by the owning entity's lock.
/// </summary>
internal sealed class StoredMessage : IFilterableMessage
{
    public required Properties? Properties { get; init; }

    public required MessageAnnotations? Annotations { get; init; }

    public required RestrictedDescribed? Body { get; init; }

    public ApplicationProperties? ApplicationProperties { get; set; }

    public bool Durable { get; init; }

    public byte Priority { get; init; } = 4;

    /// <summary>The TTL the sender asked for; <see cref="TimeSpan.MaxValue"/> when none.</summary>
    public TimeSpan RequestedTimeToLive { get; set; } = TimeSpan.MaxValue;

    public DateTimeOffset? ScheduledEnqueueTime { get; set; }

    public int Size { get; init; }

    public long SequenceNumber { get; set; }

    public DateTimeOffset EnqueuedTime { get; set; }

    public TimeSpan TimeToLive { get; set; } = TimeSpan.MaxValue;

    public DateTimeOffset ExpiresAt { get; set; } = DateTimeOffset.MaxValue;

    /// <summary>Deliveries that ended without settlement (abandon, lock expiry): the AMQP header's delivery-count.</summary>
    public int FailedDeliveries { get; set; }

    public MessageState State { get; set; }

    /// <summary>True once deferred: abandoning a deferred message keeps it deferred.</summary>
    public bool IsDeferred { get; set; }

    public Guid LockToken { get; set; }

    public DateTimeOffset LockedUntil { get; set; }

    public string? DeadLetterSource { get; set; }

    public string? MessageId => Properties?.MessageId;

    public string? CorrelationId => Properties?.CorrelationId;

    public string? To => Properties?.To;

    public string? ReplyTo => Properties?.ReplyTo;

    public string? Subject => Properties?.Subject;

    public string? SessionId => Properties?.GroupId;

    public string? ReplyToSessionId => Properties?.ReplyToGroupId;

    public string? ContentType => Properties?.ContentType is { } contentType ? (string)contentType : null;

    /// <summary>A fresh copy for another entity (fan-out, dead-lettering): same content, new broker state.</summary>
    public StoredMessage Copy() => new()
    {
        Properties = Properties,
        Annotations = Annotations,
        Body = Body,
        ApplicationProperties = ApplicationProperties,
        Durable = Durable,
        Priority = Priority,
        RequestedTimeToLive = RequestedTimeToLive,
        ScheduledEnqueueTime = ScheduledEnqueueTime,
        Size = Size,
        SequenceNumber = SequenceNumber,
        EnqueuedTime = EnqueuedTime,
        TimeToLive = TimeToLive,
        ExpiresAt = ExpiresAt,
    };

    /// <summary>Merges properties into the application properties without touching the shared map.</summary>
    public void ModifyApplicationProperties(IEnumerable<KeyValuePair<string, object?>> changes)
    {
        var updated = new ApplicationProperties();
        if (ApplicationProperties is not null)
        {
            foreach (var (key, value) in ApplicationProperties.Map)
            {
                updated.Map[key] = value;
            }
        }

        var changed = false;
        foreach (var (key, value) in changes)
        {
            updated.Map[key] = value;
            changed = true;
        }

        if (changed)
        {
            ApplicationProperties = updated;
        }
    }

    public object? GetSystemProperty(string name) => name.ToUpperInvariant() switch
    {
        "MESSAGEID" => MessageId,
        "CORRELATIONID" => CorrelationId,
        "TO" => To,
        "REPLYTO" => ReplyTo,
        "LABEL" or "SUBJECT" => Subject,
        "SESSIONID" => SessionId,
        "REPLYTOSESSIONID" => ReplyToSessionId,
        "CONTENTTYPE" => ContentType,
        "SEQUENCENUMBER" or "ENQUEUEDSEQUENCENUMBER" => SequenceNumber,
        "ENQUEUEDTIMEUTC" => EnqueuedTime.UtcDateTime,
        "SCHEDULEDENQUEUETIMEUTC" => ScheduledEnqueueTime?.UtcDateTime,
        "EXPIRESATUTC" => ExpiresAt == DateTimeOffset.MaxValue ? null : ExpiresAt.UtcDateTime,
        "DELIVERYCOUNT" => (long)FailedDeliveries + 1,
        "SIZE" => (long)Size,
        "TIMETOLIVE" => TimeToLive == TimeSpan.MaxValue ? null : TimeToLive,
        _ => null,
    };

    public bool TryGetApplicationProperty(string name, out object? value)
    {
        value = null;
        if (ApplicationProperties is null)
        {
            return false;
        }

        var map = ApplicationProperties.Map;
        if (map.TryGetValue(name, out value))
        {
            return true;
        }

        // Service Bus matches property names case-insensitively.
        foreach (var (key, candidate) in map)
        {
            if (key is string text && string.Equals(text, name, StringComparison.OrdinalIgnoreCase))
            {
                value = candidate;
                return true;
            }
        }

        return false;
    }
}
