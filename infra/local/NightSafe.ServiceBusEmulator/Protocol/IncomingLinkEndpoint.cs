using Amqp;
using Amqp.Listener;
using Microsoft.Extensions.Logging;
using NightSafe.ServiceBusEmulator.Broker;

namespace NightSafe.ServiceBusEmulator.Protocol;

/// <summary>A client's sender link to a queue or topic: each transfer (single or batch) is accepted or rejected whole.</summary>
internal sealed partial class IncomingLinkEndpoint(ISendTarget target, int maxMessageSize, ILogger logger) : LinkEndpoint
{
    public override void OnMessage(MessageContext messageContext)
    {
        try
        {
            var unpacked = AmqpMessageCodec.Unpack(messageContext.Message);
            var oversized = unpacked.FirstOrDefault(m => m.Size > maxMessageSize);
            if (oversized.Message is not null)
            {
                messageContext.Complete(Errors.Create(
                    Errors.MessageSizeExceeded,
                    $"The message size {oversized.Size} exceeds the limit of {maxMessageSize} bytes for entity '{target.Path}'."));
                return;
            }

            target.Accept([.. unpacked.Select(m => AmqpMessageCodec.ToStored(m.Message, m.Size))]);
            messageContext.Complete();
        }
        catch (Exception exception) when (exception is AmqpException or FormatException or InvalidCastException or ArgumentException)
        {
            LogRejected(logger, target.Path, exception.Message);
            messageContext.Complete(Errors.Create(Errors.DecodeError, exception.Message));
        }
        catch (Exception exception)
        {
            // Anything else would close the client's connection; refuse this transfer only.
            LogFailed(logger, target.Path, exception);
            messageContext.Complete(Errors.Create(Errors.InternalError, exception.Message));
        }
    }

    public override void OnFlow(FlowContext flowContext)
    {
    }

    public override void OnDisposition(DispositionContext dispositionContext)
    {
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "{Entity}: a transfer failed")]
    private static partial void LogFailed(ILogger logger, string entity, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Entity}: a transfer was rejected: {Reason}")]
    private static partial void LogRejected(ILogger logger, string entity, string reason);
}
