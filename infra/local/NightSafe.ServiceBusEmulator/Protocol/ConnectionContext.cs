using System.Net;
using System.Net.Sockets;
using Amqp;
using Amqp.Framing;
using Amqp.Handler;
using Microsoft.Extensions.Logging;
using EventId = Amqp.Handler.EventId;

namespace NightSafe.ServiceBusEmulator.Protocol;

/// <summary>
/// One per accepted connection (the library asks for a handler per connection): what CBS has authorised on it,
/// its reply links, the 16-byte delivery tags, and its log lines.
/// </summary>
internal sealed partial class ConnectionContext(long id, TimeProvider time, ILogger logger, OpenConnections open) : IHandler
{
    private readonly object _gate = new();
    private readonly Dictionary<string, DateTimeOffset> _audiences = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ReplyLinkEndpoint> _replyLinks = new(StringComparer.Ordinal);
    private string _remote = "?";

    public long Id { get; } = id;

    public static ConnectionContext Of(Link link) =>
        link.Session.Connection.Handler as ConnectionContext ?? throw new InvalidOperationException("The connection has no emulator context.");

    public void Authorize(string audience, DateTimeOffset expires)
    {
        lock (_gate)
        {
            _audiences[audience] = expires;
        }
    }

    public bool IsAuthorized(string path)
    {
        var now = time.GetUtcNow();
        lock (_gate)
        {
            return _audiences.Any(a => a.Value > now && EntityAddress.Covers(a.Key, path));
        }
    }

    public void AddReplyLink(string address, ReplyLinkEndpoint endpoint)
    {
        lock (_gate)
        {
            _replyLinks[address] = endpoint;
        }
    }

    public void RemoveReplyLink(string address, ReplyLinkEndpoint endpoint)
    {
        lock (_gate)
        {
            if (_replyLinks.TryGetValue(address, out var current) && ReferenceEquals(current, endpoint))
            {
                _replyLinks.Remove(address);
            }
        }
    }

    public ReplyLinkEndpoint? FindReplyLink(string? address)
    {
        lock (_gate)
        {
            return address is not null && _replyLinks.TryGetValue(address, out var endpoint) ? endpoint : null;
        }
    }

    public bool CanHandle(EventId id) => id is EventId.SendDelivery or EventId.SocketAccept or EventId.ConnectionRemoteOpen;

    public void Handle(Event protocolEvent)
    {
        switch (protocolEvent.Id)
        {
            case EventId.SendDelivery when protocolEvent.Context is IDelivery { Message: OutboundMessage message } delivery:
                // The SDK reads the lock token from the delivery tag; the library's own tags are 4 bytes.
                delivery.Tag = message.LockTag.ToByteArray();
                break;
            case EventId.SocketAccept when protocolEvent.Context is Socket socket:
                _remote = (socket.RemoteEndPoint as IPEndPoint)?.ToString() ?? "?";
                break;
            case EventId.ConnectionRemoteOpen:
                var container = (protocolEvent.Context as Open)?.ContainerId;
                LogOpened(logger, Id, _remote, container);
                if (protocolEvent.Connection is { } connection)
                {
                    open.Add(connection);
                    connection.AddClosedCallback((_, error) =>
                    {
                        open.Remove(connection);
                        LogClosed(logger, Id, error?.Condition);
                    });
                }

                break;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Connection {ConnectionId} opened from {Remote} (container {ContainerId})")]
    private static partial void LogOpened(ILogger logger, long connectionId, string remote, string? containerId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Connection {ConnectionId} closed {Error}")]
    private static partial void LogClosed(ILogger logger, long connectionId, Amqp.Types.Symbol? error);
}
