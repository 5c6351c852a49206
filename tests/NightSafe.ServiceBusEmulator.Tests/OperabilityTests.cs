using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Azure.Messaging.ServiceBus;

namespace NightSafe.ServiceBusEmulator.Tests;

public sealed class OperabilityTests
{
    private static readonly EmulatorTopology Topology = EmulatorTopology.Empty.WithQueue("work");

    [Fact]
    public async Task Many_senders_and_peek_lock_receivers_at_once_lose_and_duplicate_nothing()
    {
        const int Senders = 6;
        const int PerSender = 150;
        await using var harness = await EmulatorHarness.StartAsync(Topology);
        await using var otherClient = new ServiceBusClient(harness.Broker.ConnectionString);
        var received = new ConcurrentDictionary<string, int>();

        var receiving = Enumerable.Range(0, 6).Select(async r =>
        {
            var client = r % 2 == 0 ? harness.Client : otherClient;
            await using var receiver = client.CreateReceiver("work", new ServiceBusReceiverOptions { PrefetchCount = r * 5 });
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (received.Count < Senders * PerSender && DateTime.UtcNow < deadline)
            {
                var batch = await receiver.ReceiveMessagesAsync(20, TimeSpan.FromMilliseconds(300));
                await Task.WhenAll(batch.Select(m => receiver.CompleteMessageAsync(m)));
                foreach (var message in batch)
                {
                    received.AddOrUpdate(message.MessageId, 1, (_, n) => n + 1);
                }
            }
        }).ToList();

        var sending = Enumerable.Range(0, Senders).Select(async s =>
        {
            await using var sender = (s % 2 == 0 ? harness.Client : otherClient).CreateSender("work");
            for (var i = 0; i < PerSender; i += 10)
            {
                await sender.SendMessagesAsync(Enumerable.Range(i, 10).Select(n => new ServiceBusMessage("x") { MessageId = $"{s}-{n}" }));
            }
        });

        await Task.WhenAll(sending);
        await Task.WhenAll(receiving);

        Assert.Equal(Senders * PerSender, received.Count);
        Assert.All(received.Values, n => Assert.Equal(1, n));
        Assert.Equal(0, harness.Broker.GetMessageCount("work"));
    }

    [Fact]
    public async Task Two_brokers_run_side_by_side_and_a_stopped_broker_stops_listening()
    {
        var first = await ServiceBusEmulatorServer.StartAsync(new ServiceBusEmulatorOptions { Topology = Topology });
        await using var second = await ServiceBusEmulatorServer.StartAsync(new ServiceBusEmulatorOptions { Topology = Topology });
        Assert.NotEqual(first.Port, second.Port);
        Assert.True(Accepts(first.Port));

        await first.DisposeAsync();

        Assert.False(Accepts(first.Port));
        Assert.True(Accepts(second.Port));
    }

    [Fact]
    public async Task A_fixed_port_is_honoured()
    {
        var port = FreePort();
        await using var broker = await ServiceBusEmulatorServer.StartAsync(new ServiceBusEmulatorOptions { Port = port, Topology = Topology });
        Assert.Equal(port, broker.Port);
        await using var client = new ServiceBusClient(broker.ConnectionString);
        await using var sender = client.CreateSender("work");
        await sender.SendMessageAsync(new ServiceBusMessage("x"));
        Assert.Equal(1, broker.GetMessageCount("work"));
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    private static bool Accepts(int port)
    {
        using var client = new TcpClient();
        try
        {
            client.Connect(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
