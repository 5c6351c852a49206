using Amqp;

namespace NightSafe.ServiceBusEmulator.Broker;

/// <summary>The link side of a consumer: where deliveries go and how link credit is reported back to the peer.</summary>
internal interface IDeliverySink
{
    /// <summary>True while the peer has asked to drain: sends must wait for the drain to be answered.</summary>
    bool IsDraining { get; }

    /// <summary>Sends one delivery; false when the link is gone.</summary>
    bool TrySend(OutboundDelivery delivery);

    /// <summary>Answers a drain: the unused credit is consumed and the peer is told credit is zero.</summary>
    void CompleteDrain();

    /// <summary>Re-states the credit the link holds after a flow that the AMQP library counted as zero.</summary>
    void RestoreCredit(int credit);
}

/// <summary>A message handed to a consumer, built under the entity's lock so it is a consistent snapshot.</summary>
internal sealed record OutboundDelivery(StoredMessage Message, Guid LockToken, Message Payload);

/// <summary>
/// One receiving link on an entity. Credit is guarded by the entity's lock; sends and drains are serialised by
/// <see cref="_sendGate"/> so a drain is never answered while a send for the same credit is still in flight.
/// </summary>
internal sealed class Consumer(MessageEntity entity, IDeliverySink sink, bool receiveAndDelete, string name)
{
    private readonly object _sendGate = new();
    private readonly object _pendingGate = new();
    private readonly Queue<OutboundDelivery> _pending = new();
    private bool _closed;

    public MessageEntity Entity { get; } = entity;

    public bool ReceiveAndDelete { get; } = receiveAndDelete;

    public string Name { get; } = name;

    /// <summary>Credit not yet used by an assigned message; guarded by the entity's lock.</summary>
    internal int Credit { get; set; }

    internal void AddPending(OutboundDelivery delivery)
    {
        lock (_pendingGate)
        {
            _pending.Enqueue(delivery);
        }
    }

    public void Flush()
    {
        lock (_sendGate)
        {
            if (!_closed && !sink.IsDraining)
            {
                SendPending();
            }
        }
    }

    public void OnFlow(int delta, bool draining)
    {
        if (!draining && delta > 0)
        {
            Entity.AdjustCredit(this, delta);
            Entity.Dispatch();
            return;
        }

        lock (_sendGate)
        {
            if (_closed)
            {
                return;
            }

            if (draining)
            {
                if (delta > 0)
                {
                    // The library added the credit too, so sending what is available now is safe.
                    Entity.AdjustCredit(this, delta);
                    Entity.Fill(this);
                    SendPending();
                }
                else
                {
                    // The library counts a drain without new credit as zero credit: nothing more may be sent.
                    ReturnPending();
                }

                Entity.ClearCredit(this);
                sink.CompleteDrain();
                return;
            }

            var credit = Entity.AdjustCredit(this, delta);
            sink.RestoreCredit(credit + PendingCount());
        }

        Entity.Dispatch();
    }

    public void Close()
    {
        lock (_sendGate)
        {
            _closed = true;
            ReturnPending();
        }

        Entity.RemoveConsumer(this);
    }

    private int PendingCount()
    {
        lock (_pendingGate)
        {
            return _pending.Count;
        }
    }

    private void SendPending()
    {
        while (true)
        {
            OutboundDelivery? next;
            lock (_pendingGate)
            {
                if (!_pending.TryDequeue(out next))
                {
                    return;
                }
            }

            if (!sink.TrySend(next))
            {
                _closed = true;
                Entity.ReturnUndelivered([next]);
                ReturnPending();
                return;
            }
        }
    }

    private void ReturnPending()
    {
        List<OutboundDelivery> unsent;
        lock (_pendingGate)
        {
            unsent = [.. _pending];
            _pending.Clear();
        }

        if (unsent.Count > 0)
        {
            Entity.ReturnUndelivered(unsent);
        }
    }
}
