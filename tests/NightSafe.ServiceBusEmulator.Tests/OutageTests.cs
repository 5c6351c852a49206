using System.Net;
using System.Net.Sockets;
using Azure.Messaging.ServiceBus;

namespace NightSafe.ServiceBusEmulator.Tests;

/// <summary>Pause and Resume: the broker drops off the network as in an outage, then comes back with its messages.</summary>
public sealed class OutageTests
{
    private static readonly EmulatorTopology Topology = EmulatorTopology.Empty
        .WithQueue("work", EntitySettings.Default with { LockDuration = TimeSpan.FromSeconds(2) });

    [Fact]
    public async Task A_paused_broker_drops_its_connections_refuses_new_ones_and_resumes_on_the_same_port_with_its_messages()
    {
        await using var harness = await EmulatorHarness.StartAsync(Topology);
        var broker = harness.Broker;
        await using var sender = harness.Client.CreateSender("work");
        await using var receiver = harness.Client.CreateReceiver("work");
        await sender.SendMessageAsync(new ServiceBusMessage("locked") { MessageId = "locked" });
        var locked = await receiver.ReceiveMessageAsync(TimeSpan.FromSeconds(10));
        Assert.Equal("locked", locked?.MessageId);
        await sender.SendMessageAsync(new ServiceBusMessage("kept") { MessageId = "kept" });

        broker.Pause();

        Assert.True(broker.IsPaused);
        Assert.False(Accepts(broker.Port), "a paused broker refuses connections");
        await using (var other = new ServiceBusClient(broker.ConnectionString, new ServiceBusClientOptions { RetryOptions = new ServiceBusRetryOptions { MaxRetries = 0, TryTimeout = TimeSpan.FromSeconds(5) } }))
        {
            await using var refused = other.CreateSender("work");
            await Assert.ThrowsAnyAsync<Exception>(() => refused.SendMessageAsync(new ServiceBusMessage("during")));
        }

        // The open connection was closed under the client: settling over it fails as it would against Service Bus.
        await Assert.ThrowsAnyAsync<Exception>(() => receiver.CompleteMessageAsync(locked));
        Assert.Equal(2, broker.GetMessageCount("work"));

        broker.Resume();

        Assert.False(broker.IsPaused);
        Assert.True(Accepts(broker.Port), "a resumed broker listens on its port again");
        await sender.SendMessageAsync(new ServiceBusMessage("after") { MessageId = "after" });
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (seen.Count < 3 && DateTime.UtcNow < deadline)
        {
            // The lock taken before the outage expires (2 s), so that message is delivered again, counted as a second delivery.
            foreach (var message in await receiver.ReceiveMessagesAsync(10, TimeSpan.FromSeconds(1)))
            {
                seen[message.MessageId] = message.DeliveryCount;
                await receiver.CompleteMessageAsync(message);
            }
        }

        Assert.Equal(["after", "kept", "locked"], seen.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(2, seen["locked"]);
        Assert.Equal(1, seen["kept"]);
        Assert.Equal(0, broker.GetMessageCount("work"));
    }

    [Fact]
    public async Task PauseFor_resumes_after_the_outage_and_pausing_or_resuming_twice_does_nothing()
    {
        await using var harness = await EmulatorHarness.StartAsync(Topology);
        var broker = harness.Broker;
        broker.Resume();
        Assert.False(broker.IsPaused);

        var outage = broker.PauseForAsync(TimeSpan.FromMilliseconds(500));
        Assert.True(broker.IsPaused);
        broker.Pause();
        Assert.True(broker.IsPaused);
        await outage;

        Assert.False(broker.IsPaused);
        await using var sender = harness.Client.CreateSender("work");
        await sender.SendMessageAsync(new ServiceBusMessage("x"));
        Assert.Equal(1, broker.GetMessageCount("work"));
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
