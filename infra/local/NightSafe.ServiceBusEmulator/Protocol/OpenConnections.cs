using Amqp;
using Amqp.Framing;

namespace NightSafe.ServiceBusEmulator.Protocol;

/// <summary>The broker's open client connections, so an outage can drop them all; ids run on across listeners.</summary>
internal sealed class OpenConnections
{
    private readonly Lock _gate = new();
    private readonly HashSet<Connection> _open = [];
    private long _lastId;

    public long NextId() => Interlocked.Increment(ref _lastId);

    public void Add(Connection connection)
    {
        lock (_gate)
        {
            _open.Add(connection);
        }
    }

    public void Remove(Connection connection)
    {
        lock (_gate)
        {
            _open.Remove(connection);
        }
    }

    /// <summary>Closes every open connection with <paramref name="error"/>; returns how many there were.</summary>
    public int CloseAll(Error error)
    {
        Connection[] open;
        lock (_gate)
        {
            open = [.. _open];
            _open.Clear();
        }

        foreach (var connection in open)
        {
            try
            {
                // Close sends the close frame and releases the socket without waiting for the peer's answer.
                connection.Close(TimeSpan.Zero, error);
            }
            catch (Exception exception) when (exception is AmqpException or ObjectDisposedException or InvalidOperationException or System.Net.Sockets.SocketException or IOException)
            {
                // Already closing or its socket gone: either way it is off the broker.
            }
        }

        return open.Length;
    }
}
