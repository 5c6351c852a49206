using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Amqp;
using Amqp.Listener;
using Amqp.Types;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using NightSafe.ServiceBusEmulator.Broker;
using NightSafe.ServiceBusEmulator.Protocol;

namespace NightSafe.ServiceBusEmulator;

/// <summary>
/// An AMQP 1.0 broker that the Azure.Messaging.ServiceBus SDK talks to with a <c>UseDevelopmentEmulator=true</c>
/// connection string. For development and tests; production uses Azure Service Bus.
/// </summary>
public sealed partial class ServiceBusEmulatorServer : IAsyncDisposable
{
    private const int BindAttempts = 20;

    private readonly EmulatorNamespace _namespace;
    private readonly OpenConnections _connections;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private readonly Lock _outageGate = new();
    private ContainerHost? _host;
    private int _disposed;

    private ServiceBusEmulatorServer(ContainerHost host, EmulatorNamespace entities, OpenConnections connections, ServiceBusEmulatorOptions options, int port, ILoggerFactory loggerFactory, ILogger logger)
    {
        _host = host;
        _namespace = entities;
        _connections = connections;
        _loggerFactory = loggerFactory;
        _logger = logger;
        Options = options;
        Port = port;
    }

    public ServiceBusEmulatorOptions Options { get; }

    public int Port { get; }

    public string Host => Options.Host;

    public EmulatorTopology Topology => Options.Topology;

    /// <summary>What the SDK needs: plain AMQP on <see cref="Port"/>, SAS key, development emulator mode.</summary>
    public string ConnectionString => string.Create(
        CultureInfo.InvariantCulture,
        $"Endpoint=sb://{Host}:{Port};SharedAccessKeyName={Options.KeyName};SharedAccessKey={Options.Key};UseDevelopmentEmulator=true;");

    public static Task<ServiceBusEmulatorServer> StartAsync(ServiceBusEmulatorOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        cancellationToken.ThrowIfCancellationRequested();
        var loggerFactory = options.LoggerFactory ?? NullLoggerFactory.Instance;
        var logger = loggerFactory.CreateLogger<ServiceBusEmulatorServer>();
        var entities = new EmulatorNamespace(options.Topology, options.TimeProvider, loggerFactory, options.SweepInterval);
        var connections = new OpenConnections();
        try
        {
            var (host, port) = Listen(options, options.Port, entities, connections, loggerFactory);
            var server = new ServiceBusEmulatorServer(host, entities, connections, options, port, loggerFactory, logger);
            server.LogEntities();
            LogListening(logger, options.Host, port);
            return Task.FromResult(server);
        }
        catch
        {
            entities.Dispose();
            throw;
        }
    }

    /// <summary>Messages currently held by a queue, subscription or dead-letter queue (path as in the SDK, any case).</summary>
    public int GetMessageCount(string entityPath) =>
        _namespace.TryGetReceiveEntity(EntityAddress.PathOf(entityPath), out var entity)
            ? entity.MessageCount
            : throw new ArgumentException($"No queue or subscription '{entityPath}'.", nameof(entityPath));

    /// <summary>True between <see cref="Pause"/> and <see cref="Resume"/>: the broker is off the network.</summary>
    public bool IsPaused
    {
        get
        {
            lock (_outageGate)
            {
                return _host is null;
            }
        }
    }

    /// <summary>
    /// An outage, as a client sees one: every open connection is closed with <c>amqp:connection:forced</c> (as Service
    /// Bus does when a node goes away) and the port stops listening, so new connections are refused until
    /// <see cref="Resume"/>. Entities keep their messages and locks; a lock taken before the outage expires as usual,
    /// so its message is delivered again. Pausing a paused broker does nothing.
    /// </summary>
    public void Pause()
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        lock (_outageGate)
        {
            if (_host is not { } host)
            {
                return;
            }

            _host = null;
            host.Close();
            var dropped = _connections.CloseAll(Errors.Create(ConnectionForced, "The Service Bus emulator is paused (a simulated outage)."));
            LogPaused(_logger, Port, dropped);
        }
    }

    /// <summary>Ends an outage: the broker listens on the same port again, with the same entities. Resuming a running broker does nothing.</summary>
    public void Resume()
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        lock (_outageGate)
        {
            if (_host is not null)
            {
                return;
            }

            (_host, _) = Listen(Options, Port, _namespace, _connections, _loggerFactory);
            LogResumed(_logger, Port);
        }
    }

    /// <summary>Pauses the broker for <paramref name="outage"/>, then resumes it (also when cancelled, so no outage outlives its caller).</summary>
    public async Task PauseForAsync(TimeSpan outage, CancellationToken cancellationToken = default)
    {
        Pause();
        try
        {
            await Task.Delay(outage, Options.TimeProvider, cancellationToken);
        }
        finally
        {
            if (Volatile.Read(ref _disposed) == 0)
            {
                Resume();
            }
        }
    }

    public ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            lock (_outageGate)
            {
                _host?.Close();
                _host = null;
            }

            _namespace.Dispose();
            LogStopped(_logger, Port);
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>The condition Service Bus closes connections with when the service goes away under them.</summary>
    private const string ConnectionForced = "amqp:connection:forced";

    private static (ContainerHost Host, int Port) Listen(ServiceBusEmulatorOptions options, int fixedPort, EmulatorNamespace entities, OpenConnections connections, ILoggerFactory loggerFactory)
    {
        var protocolLogger = loggerFactory.CreateLogger("NightSafe.ServiceBusEmulator.Amqp");
        var cbs = new CbsNode(options.KeyName, options.Key, options.TimeProvider, protocolLogger);
        for (var attempt = 1; ; attempt++)
        {
            var port = fixedPort != 0 ? fixedPort : PickFreePort(options.Host);
            var host = new ContainerHost(new Address(string.Create(CultureInfo.InvariantCulture, $"amqp://{options.Host}:{port}")));
            var listener = host.Listeners[0];
            listener.SASL.EnableMechanism(new Symbol(CbsSaslProfile.MechanismName), new CbsSaslProfile());
            listener.HandlerFactory = _ => new ConnectionContext(connections.NextId(), options.TimeProvider, protocolLogger, connections);
            listener.AMQP.MaxFrameSize = 256 * 1024;
            listener.AMQP.MaxSessionsPerConnection = 1024;
            host.RegisterLinkProcessor(new BrokerLinkProcessor(entities, cbs, options.MaxMessageSizeBytes, options.TimeProvider, protocolLogger));
            try
            {
                host.Open();
                return (host, port);
            }
            catch (SocketException) when (fixedPort == 0 && attempt < BindAttempts)
            {
                // Another process took the port between picking and binding it: pick again.
                host.Close();
            }
        }
    }

    private static int PickFreePort(string host)
    {
        using var probe = new TcpListener(IPAddress.Parse(host), 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }

    private void LogEntities()
    {
        foreach (var entity in _namespace.QueuesAndSubscriptions)
        {
            LogEntity(_logger, entity.Kind == EntityKind.Queue ? "queue" : "subscription", entity.Path, entity.Settings.LockDuration, entity.Settings.MaxDeliveryCount);
        }

        foreach (var topic in _namespace.Topics)
        {
            LogTopic(_logger, topic.Path, topic.Subscriptions.Count, topic.Settings.RequiresDuplicateDetection);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Service Bus emulator listening on amqp://{Host}:{Port}")]
    private static partial void LogListening(ILogger logger, string host, int port);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Service Bus emulator on port {Port} paused: {Dropped} connection(s) dropped, new ones refused")]
    private static partial void LogPaused(ILogger logger, int port, int dropped);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Service Bus emulator on port {Port} resumed")]
    private static partial void LogResumed(ILogger logger, int port);

    [LoggerMessage(Level = LogLevel.Information, Message = "Service Bus emulator on port {Port} stopped")]
    private static partial void LogStopped(ILogger logger, int port);

    [LoggerMessage(Level = LogLevel.Information, Message = "Entity {Kind} {Path} (lock {LockDuration}, max delivery {MaxDeliveryCount})")]
    private static partial void LogEntity(ILogger logger, string kind, string path, TimeSpan lockDuration, int maxDeliveryCount);

    [LoggerMessage(Level = LogLevel.Information, Message = "Entity topic {Path} ({SubscriptionCount} subscriptions, duplicate detection {DuplicateDetection})")]
    private static partial void LogTopic(ILogger logger, string path, int subscriptionCount, bool duplicateDetection);
}
