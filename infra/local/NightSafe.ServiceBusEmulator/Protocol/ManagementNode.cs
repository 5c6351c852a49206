using Amqp;
using Amqp.Framing;
using Amqp.Types;
using NightSafe.ServiceBusEmulator.Broker;

namespace NightSafe.ServiceBusEmulator.Protocol;

/// <summary>
/// An entity's <c>$management</c> node: the request/response operations the SDK uses for peek, lock renewal,
/// scheduling, deferred messages and settlement of messages received outside a link.
/// </summary>
internal sealed class ManagementNode(MessageEntity? entity, ISendTarget? sendTarget, TimeProvider time)
{
    public Message Handle(Message request)
    {
        var operation = request.ApplicationProperties?["operation"] as string;
        var body = (request.Body as Map) ?? [];
        try
        {
            return operation switch
            {
                "com.microsoft:peek-message" when entity is not null => Peek(entity, body),
                "com.microsoft:renew-lock" when entity is not null => RenewLock(entity, body),
                "com.microsoft:receive-by-sequence-number" when entity is not null => ReceiveDeferred(entity, body),
                "com.microsoft:update-disposition" when entity is not null => UpdateDisposition(entity, body),
                "com.microsoft:schedule-message" when sendTarget is not null => Schedule(sendTarget, body),
                "com.microsoft:cancel-scheduled-message" when sendTarget is not null => CancelScheduled(sendTarget, body),
                _ => Reply(501, $"Operation '{operation}' is not supported by the emulator on this entity.", Errors.NotImplemented),
            };
        }
        catch (Exception exception) when (exception is InvalidCastException or FormatException or AmqpException or KeyNotFoundException or NullReferenceException)
        {
            return Reply(400, exception.Message, Errors.ArgumentError);
        }
        catch (Exception exception) when (exception is ArgumentException or InvalidOperationException)
        {
            // A fault in one request must not close the management link the SDK shares across operations.
            return Reply(500, exception.Message, Errors.InternalError);
        }
    }

    private static Message Peek(MessageEntity entity, Map body)
    {
        var from = Convert.ToInt64(body["from-sequence-number"] ?? 0L, System.Globalization.CultureInfo.InvariantCulture);
        var count = Convert.ToInt32(body["message-count"] ?? 1, System.Globalization.CultureInfo.InvariantCulture);
        var messages = entity.Peek(from, count);
        if (messages.Count == 0)
        {
            return Reply(204, "No messages", null);
        }

        var list = new List();
        foreach (var message in messages)
        {
            list.Add(new Map { ["message"] = AmqpMessageCodec.Encode(message) });
        }

        return Reply(200, "OK", null, new Map { ["messages"] = list });
    }

    private static Message RenewLock(MessageEntity entity, Map body)
    {
        var tokens = LockTokens(body);
        var expirations = new DateTime[tokens.Length];
        for (var i = 0; i < tokens.Length; i++)
        {
            if (entity.RenewLock(tokens[i]) is not { } until)
            {
                return LockLost();
            }

            expirations[i] = until.UtcDateTime;
        }

        return Reply(200, "OK", null, new Map { ["expirations"] = expirations });
    }

    private static Message ReceiveDeferred(MessageEntity entity, Map body)
    {
        var sequenceNumbers = (long[])body["sequence-numbers"];
        var receiveAndDelete = body["receiver-settle-mode"] is uint mode && mode == 0;
        if (entity.ReceiveDeferred(sequenceNumbers, receiveAndDelete) is not { } received)
        {
            return Reply(404, "The message was not found or is not deferred.", Errors.MessageNotFound);
        }

        var list = new List();
        foreach (var (lockToken, message) in received)
        {
            var entry = new Map { ["message"] = AmqpMessageCodec.Encode(message) };
            if (lockToken != Guid.Empty)
            {
                entry["lock-token"] = lockToken;
            }

            list.Add(entry);
        }

        return Reply(200, "OK", null, new Map { ["messages"] = list });
    }

    private static Message UpdateDisposition(MessageEntity entity, Map body)
    {
        var status = body["disposition-status"] as string;
        Dictionary<string, object?>? properties = body["properties-to-modify"] is Map map
            ? map.ToDictionary(pair => pair.Key.ToString()!, pair => (object?)pair.Value, StringComparer.Ordinal)
            : null;
        var settlement = status switch
        {
            "completed" => new Settlement(SettlementKind.Complete),
            "abandoned" => new Settlement(SettlementKind.Abandon, properties),
            "defered" or "deferred" => new Settlement(SettlementKind.Defer, properties),
            "suspended" => new Settlement(SettlementKind.DeadLetter, properties, body["deadletter-reason"] as string, body["deadletter-description"] as string),
            _ => null,
        };
        if (settlement is null)
        {
            return Reply(400, $"Unknown disposition status '{status}'.", Errors.ArgumentError);
        }

        foreach (var token in LockTokens(body))
        {
            if (!entity.Settle(token, settlement))
            {
                return LockLost();
            }
        }

        return Reply(200, "OK", null);
    }

    private Message Schedule(ISendTarget target, Map body)
    {
        var entries = (List)body["messages"];
        var sequenceNumbers = new long[entries.Count];
        for (var i = 0; i < entries.Count; i++)
        {
            var bytes = (byte[])((Map)entries[i])["message"];
            var decoded = Message.Decode(new ByteBuffer(bytes, 0, bytes.Length, bytes.Length));
            var stored = AmqpMessageCodec.ToStored(decoded, bytes.Length);
            var at = stored.ScheduledEnqueueTime ?? time.GetUtcNow();
            sequenceNumbers[i] = target.Schedule(stored, at);
        }

        return Reply(200, "OK", null, new Map { ["sequence-numbers"] = sequenceNumbers });
    }

    private static Message CancelScheduled(ISendTarget target, Map body)
    {
        foreach (var sequenceNumber in (long[])body["sequence-numbers"])
        {
            target.CancelScheduled(sequenceNumber);
        }

        return Reply(200, "OK", null);
    }

    private static Guid[] LockTokens(Map body) => (Guid[])body["lock-tokens"];

    private static Message LockLost() =>
        Reply(410, "The lock supplied is invalid. Either the lock expired, or the message has already been removed.", Errors.MessageLockLost);

    private static Message Reply(int status, string description, string? condition, Map? body = null)
    {
        var properties = new ApplicationProperties { ["statusCode"] = status, ["statusDescription"] = description };
        if (condition is not null)
        {
            properties["errorCondition"] = new Symbol(condition);
        }

        var reply = new Message { ApplicationProperties = properties };
        if (body is not null)
        {
            reply.BodySection = new AmqpValue { Value = body };
        }

        return reply;
    }
}
