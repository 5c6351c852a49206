using Amqp;
using Amqp.Framing;
using Amqp.Types;
using NightSafe.ServiceBusEmulator.Broker;

namespace NightSafe.ServiceBusEmulator.Protocol;

/// <summary>A message on its way to a receiver; its lock token becomes the 16-byte delivery tag the SDK expects.</summary>
internal sealed class OutboundMessage : Message
{
    public Guid LockTag { get; init; }
}

/// <summary>Converts between AMQP messages as the SDK sends them and the broker's stored messages.</summary>
internal static class AmqpMessageCodec
{
    /// <summary>The SDK's batch envelope: each Data section of the body is one whole encoded message.</summary>
    public const uint BatchFormat = 0x80013700;

    public const string SequenceNumber = "x-opt-sequence-number";
    public const string EnqueuedTime = "x-opt-enqueued-time";
    public const string LockedUntil = "x-opt-locked-until";
    public const string ScheduledEnqueueTime = "x-opt-scheduled-enqueue-time";
    public const string DeadLetterSource = "x-opt-deadletter-source";
    public const string EnqueueSequenceNumber = "x-opt-enqueue-sequence-number";
    public const string MessageState = "x-opt-message-state";

    private static readonly HashSet<string> BrokerAnnotations = [SequenceNumber, EnqueuedTime, LockedUntil, DeadLetterSource, EnqueueSequenceNumber, MessageState];

    /// <summary>The messages carried by one transfer, each with its encoded size.</summary>
    public static List<(Message Message, int Size)> Unpack(Message transfer)
    {
        if (transfer.Format != BatchFormat)
        {
            return [(transfer, transfer.Encode().Length)];
        }

        var sections = transfer.BodySection switch
        {
            DataList list => Enumerable.Range(0, list.Count).Select(i => list[i]).ToList(),
            Data data => [data],
            _ => [],
        };
        return [.. sections.Select(section =>
        {
            var bytes = section.Binary;
            return (Message.Decode(new ByteBuffer(bytes, 0, bytes.Length, bytes.Length)), bytes.Length);
        })];
    }

    /// <summary>A stored message that owns its content (the library's decoded Data sections point into pooled buffers).</summary>
    public static StoredMessage ToStored(Message message, int size)
    {
        TimeSpan ttl = message.Header is { Ttl: > 0 } header ? TimeSpan.FromMilliseconds(header.Ttl) : TimeSpan.MaxValue;
        DateTimeOffset? scheduled = null;
        MessageAnnotations? annotations = null;
        if (message.MessageAnnotations is { } source)
        {
            annotations = new MessageAnnotations();
            foreach (var (key, value) in source.Map)
            {
                var name = key.ToString()!;
                if (name == ScheduledEnqueueTime && value is DateTime at)
                {
                    scheduled = new DateTimeOffset(DateTime.SpecifyKind(at, DateTimeKind.Utc));
                }

                if (!BrokerAnnotations.Contains(name))
                {
                    annotations.Map[key] = value;
                }
            }
        }

        return new StoredMessage
        {
            Properties = message.Properties,
            Annotations = annotations,
            ApplicationProperties = message.ApplicationProperties,
            Body = OwnBody(message.BodySection),
            Durable = message.Header?.Durable ?? false,
            Priority = message.Header?.Priority ?? 4,
            RequestedTimeToLive = ttl,
            ScheduledEnqueueTime = scheduled,
            Size = size,
        };
    }

    /// <summary>The message as a receiver sees it: broker annotations added, header delivery-count = failed deliveries.</summary>
    public static OutboundMessage ToAmqp(StoredMessage message, Guid lockToken, int deliveryCount)
    {
        var header = new Header { Durable = message.Durable, Priority = message.Priority, DeliveryCount = (uint)deliveryCount };
        if (message.TimeToLive != TimeSpan.MaxValue && message.TimeToLive.TotalMilliseconds < uint.MaxValue)
        {
            header.Ttl = (uint)message.TimeToLive.TotalMilliseconds;
        }

        var annotations = new MessageAnnotations();
        if (message.Annotations is not null)
        {
            foreach (var (key, value) in message.Annotations.Map)
            {
                annotations.Map[key] = value;
            }
        }

        annotations.Map[new Symbol(SequenceNumber)] = message.SequenceNumber;
        annotations.Map[new Symbol(EnqueueSequenceNumber)] = message.SequenceNumber;
        annotations.Map[new Symbol(EnqueuedTime)] = message.EnqueuedTime.UtcDateTime;
        if (lockToken != Guid.Empty)
        {
            annotations.Map[new Symbol(LockedUntil)] = message.LockedUntil.UtcDateTime;
        }

        if (message.ScheduledEnqueueTime is { } scheduled)
        {
            annotations.Map[new Symbol(ScheduledEnqueueTime)] = scheduled.UtcDateTime;
        }

        // The SDK unboxes this straight into its state enum: it must be an int (0 active, 1 deferred, 2 scheduled).
        annotations.Map[new Symbol(MessageState)] = message.IsDeferred ? 1 : message.State == Broker.MessageState.Scheduled ? 2 : 0;
        if (message.DeadLetterSource is { } deadLetterSource)
        {
            annotations.Map[new Symbol(DeadLetterSource)] = deadLetterSource;
        }

        return new OutboundMessage
        {
            LockTag = lockToken == Guid.Empty ? Guid.NewGuid() : lockToken,
            Header = header,
            MessageAnnotations = annotations,
            Properties = message.Properties,
            ApplicationProperties = message.ApplicationProperties,
            BodySection = message.Body,
        };
    }

    public static byte[] Encode(Message message)
    {
        var buffer = message.Encode();
        var bytes = new byte[buffer.Length];
        Buffer.BlockCopy(buffer.Buffer, buffer.Offset, bytes, 0, buffer.Length);
        return bytes;
    }

    private static RestrictedDescribed? OwnBody(RestrictedDescribed? body) => body switch
    {
        Data data => new Data { Binary = data.Binary },
        DataList list => Copy(list),
        _ => body,
    };

    private static DataList Copy(DataList list)
    {
        var copy = new DataList();
        for (var i = 0; i < list.Count; i++)
        {
            copy.Add(new Data { Binary = list[i].Binary });
        }

        return copy;
    }
}
