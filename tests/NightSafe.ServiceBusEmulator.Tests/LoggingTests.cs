using System.Collections.Concurrent;
using Azure.Messaging.ServiceBus;
using Microsoft.Extensions.Logging;

namespace NightSafe.ServiceBusEmulator.Tests;

public sealed class LoggingTests
{
    [Fact]
    public async Task Entities_connections_and_links_each_get_a_log_line_without_message_content()
    {
        var lines = new ConcurrentQueue<string>();
        using var loggerFactory = LoggerFactory.Create(logging => logging.SetMinimumLevel(LogLevel.Debug).AddProvider(new CollectingLoggerProvider(lines)));
        var topology = EmulatorTopology.Empty.WithQueue("orders").WithTopic("cases").WithSubscription("cases", "control-room");
        await using (var broker = await ServiceBusEmulatorServer.StartAsync(new ServiceBusEmulatorOptions { Topology = topology, LoggerFactory = loggerFactory }))
        {
            await using var client = new ServiceBusClient(broker.ConnectionString);
            await using var sender = client.CreateSender("orders");
            await sender.SendMessageAsync(new ServiceBusMessage("+447700900123 was very drunk") { MessageId = "m-1" });
            await using var receiver = client.CreateReceiver("orders");
            Assert.NotNull(await receiver.ReceiveMessageAsync(TimeSpan.FromSeconds(5)));
        }

        var log = lines.ToArray();
        Assert.Contains(log, l => l.Contains("queue orders", StringComparison.Ordinal));
        Assert.Contains(log, l => l.Contains("subscription cases/Subscriptions/control-room", StringComparison.Ordinal));
        Assert.Contains(log, l => l.Contains("topic cases", StringComparison.Ordinal));
        Assert.Contains(log, l => l.StartsWith("Connection 1 opened", StringComparison.Ordinal));
        Assert.Contains(log, l => l.Contains("sender attached to orders", StringComparison.Ordinal));
        Assert.Contains(log, l => l.Contains("receiver attached to orders", StringComparison.Ordinal));
        Assert.Contains(log, l => l.Contains("listening on amqp://127.0.0.1:", StringComparison.Ordinal));
        Assert.Contains(log, l => l.Contains("stopped", StringComparison.Ordinal));
        Assert.DoesNotContain(log, l => l.Contains("447700900123", StringComparison.Ordinal) || l.Contains("drunk", StringComparison.Ordinal));
    }

    private sealed class CollectingLoggerProvider(ConcurrentQueue<string> lines) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new CollectingLogger(lines);

        public void Dispose()
        {
        }
    }

    private sealed class CollectingLogger(ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            lines.Enqueue(formatter(state, exception));
    }
}
