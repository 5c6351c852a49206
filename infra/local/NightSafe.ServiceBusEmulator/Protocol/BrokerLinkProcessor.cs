using Amqp.Framing;
using Amqp.Listener;
using Microsoft.Extensions.Logging;
using NightSafe.ServiceBusEmulator.Broker;

namespace NightSafe.ServiceBusEmulator.Protocol;

/// <summary>Decides what every attach is: CBS, a management node, or a sender/receiver on an entity.</summary>
internal sealed partial class BrokerLinkProcessor(
    EmulatorNamespace entities,
    CbsNode cbs,
    int maxMessageSize,
    TimeProvider time,
    ILogger logger) : ILinkProcessor
{
    private const int IncomingCredit = 500;
    private static readonly Amqp.Types.Symbol SessionFilter = new("com.microsoft:session-filter");

    public void Process(AttachContext attachContext)
    {
        var attach = attachContext.Attach;
        var link = attachContext.Link;
        var connection = ConnectionContext.Of(link);
        var peerReceives = attach.Role;
        var address = peerReceives ? (attach.Source as Source)?.Address : (attach.Target as Target)?.Address;
        var path = EntityAddress.PathOf(address);

        if (path == EntityAddress.Cbs)
        {
            attachContext.Complete(
                peerReceives
                    ? new ReplyLinkEndpoint(connection, link, (attach.Target as Target)?.Address ?? string.Empty)
                    : new RequestLinkEndpoint(connection, request => cbs.Handle(connection, request)),
                peerReceives ? 0 : IncomingCredit);
            return;
        }

        if (path.EndsWith(EntityAddress.ManagementSuffix, StringComparison.Ordinal))
        {
            var entityPath = path[..^EntityAddress.ManagementSuffix.Length];
            entities.TryGetReceiveEntity(entityPath, out var receiveEntity);
            entities.TryGetSendTarget(entityPath, out var sendTarget);
            if (Refuse(attachContext, connection, path, exists: receiveEntity is not null || sendTarget is not null))
            {
                return;
            }

            var node = new ManagementNode(receiveEntity, sendTarget, time);
            attachContext.Complete(
                peerReceives
                    ? new ReplyLinkEndpoint(connection, link, (attach.Target as Target)?.Address ?? string.Empty)
                    : new RequestLinkEndpoint(connection, node.Handle),
                peerReceives ? 0 : IncomingCredit);
            return;
        }

        if (peerReceives)
        {
            var exists = entities.TryGetReceiveEntity(path, out var entity);
            if (Refuse(attachContext, connection, path, exists))
            {
                return;
            }

            if ((attach.Source as Source)?.FilterSet?.ContainsKey(SessionFilter) == true)
            {
                LogRefused(logger, connection.Id, path, "sessions are not supported");
                attachContext.Complete(Errors.Create(Errors.NotImplemented, "The emulator does not support session receivers."));
                return;
            }

            var receiveAndDelete = attach.SndSettleMode == SenderSettleMode.Settled;
            LogAttached(logger, connection.Id, "receiver", entity.Path, link.Name);
            attachContext.Complete(new OutgoingLinkEndpoint(link, entity, receiveAndDelete), 0);
        }
        else
        {
            var exists = entities.TryGetSendTarget(path, out var target);
            if (Refuse(attachContext, connection, path, exists))
            {
                return;
            }

            // The SDK sizes its batches from this.
            attach.MaxMessageSize = (ulong)maxMessageSize;
            LogAttached(logger, connection.Id, "sender", target.Path, link.Name);
            attachContext.Complete(new IncomingLinkEndpoint(target, maxMessageSize, logger), IncomingCredit);
        }
    }

    private bool Refuse(AttachContext attachContext, ConnectionContext connection, string path, bool exists)
    {
        if (!exists)
        {
            LogRefused(logger, connection.Id, path, "not found");
            attachContext.Complete(Errors.Create(Errors.NotFound, $"The messaging entity '{path}' could not be found."));
            return true;
        }

        if (!connection.IsAuthorized(path))
        {
            LogRefused(logger, connection.Id, path, "no valid token");
            attachContext.Complete(Errors.Create(Errors.Unauthorized, $"Unauthorized access to '{path}': put a token for it on $cbs first."));
            return true;
        }

        return false;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Connection {ConnectionId}: {Role} attached to {Entity} ({LinkName})")]
    private static partial void LogAttached(ILogger logger, long connectionId, string role, string entity, string linkName);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Connection {ConnectionId}: attach to '{Entity}' refused: {Reason}")]
    private static partial void LogRefused(ILogger logger, long connectionId, string entity, string reason);
}
