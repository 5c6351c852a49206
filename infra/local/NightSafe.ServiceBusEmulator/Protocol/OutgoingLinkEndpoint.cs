using Amqp;
using Amqp.Framing;
using Amqp.Listener;
using Amqp.Types;
using NightSafe.ServiceBusEmulator.Broker;

namespace NightSafe.ServiceBusEmulator.Protocol;

/// <summary>
/// A client's receiver link on a queue, subscription or dead-letter queue. Settlement arrives as dispositions;
/// locks outlive the link (the library releases unsettled deliveries on close; Service Bus does not).
/// </summary>
internal sealed class OutgoingLinkEndpoint : LinkEndpoint, IDeliverySink
{
    private static readonly Accepted AcceptedOutcome = new();
    private readonly ListenerLink _link;
    private readonly MessageEntity _entity;
    private readonly Consumer _consumer;
    private volatile bool _closed;

    public OutgoingLinkEndpoint(ListenerLink link, MessageEntity entity, bool receiveAndDelete)
    {
        _link = link;
        _entity = entity;
        _consumer = entity.AddConsumer(this, receiveAndDelete, link.Name);
        link.AddClosedCallback((_, _) =>
        {
            _closed = true;
            _consumer.Close();
        });
    }

    public bool IsDraining => _link.IsDraining;

    public bool TrySend(OutboundDelivery delivery)
    {
        if (_closed)
        {
            return false;
        }

        try
        {
            _link.SendMessage(delivery.Payload);
            return true;
        }
        catch (Exception exception) when (exception is AmqpException or ObjectDisposedException or InvalidOperationException)
        {
            return false;
        }
    }

    public void CompleteDrain()
    {
        if (!_closed)
        {
            _link.CompleteDrain();
        }
    }

    public void RestoreCredit(int credit)
    {
        if (!_closed)
        {
            _link.SetCredit(credit, drain: false, autoRestore: false);
        }
    }

    public override void OnFlow(FlowContext flowContext) => _consumer.OnFlow(flowContext.Messages, flowContext.Link.IsDraining);

    public override void OnDisposition(DispositionContext dispositionContext)
    {
        if (_closed || dispositionContext.Message is not OutboundMessage message)
        {
            return;
        }

        var settled = _entity.Settle(message.LockTag, ToSettlement(dispositionContext.DeliveryState));
        if (!dispositionContext.Settled)
        {
            DeliveryState reply = settled
                ? AcceptedOutcome
                : new Rejected { Error = Errors.Create(Errors.MessageLockLost, "The lock supplied is invalid. Either the lock expired, or the message has already been removed from the queue.") };
            _link.DisposeMessage(message, reply, settled: true);
        }

        message.Dispose();
    }

    public override void OnLinkClosed(ListenerLink link, Error error)
    {
        _closed = true;
        _consumer.Close();
    }

    /// <summary>Service Bus settlement from an AMQP outcome (see the SDK's complete/abandon/defer/dead-letter).</summary>
    internal static Settlement ToSettlement(DeliveryState? state) => state switch
    {
        Accepted => new Settlement(SettlementKind.Complete),
        Modified { UndeliverableHere: true } modified => new Settlement(SettlementKind.Defer, Properties(modified.MessageAnnotations)),
        Modified modified => new Settlement(SettlementKind.Abandon, Properties(modified.MessageAnnotations)),
        Rejected rejected => DeadLetter(rejected.Error),
        Released => new Settlement(SettlementKind.Release),
        _ => new Settlement(SettlementKind.Release),
    };

    private static Settlement DeadLetter(Error? error)
    {
        if (error is null)
        {
            return new Settlement(SettlementKind.DeadLetter);
        }

        if (error.Condition.ToString() != Errors.DeadLetter)
        {
            return new Settlement(SettlementKind.DeadLetter, null, error.Condition.ToString(), error.Description);
        }

        string? reason = null;
        string? description = null;
        var properties = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (key, value) in error.Info ?? [])
        {
            switch (key.ToString())
            {
                case "DeadLetterReason":
                    reason = value as string;
                    break;
                case "DeadLetterErrorDescription":
                    description = value as string;
                    break;
                default:
                    properties[key.ToString()!] = value;
                    break;
            }
        }

        return new Settlement(SettlementKind.DeadLetter, properties, reason, description);
    }

    private static Dictionary<string, object?>? Properties(Fields? annotations) =>
        annotations is null ? null : annotations.ToDictionary(pair => pair.Key.ToString()!, pair => (object?)pair.Value, StringComparer.Ordinal);
}
