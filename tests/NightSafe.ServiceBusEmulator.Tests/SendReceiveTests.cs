using Azure.Messaging.ServiceBus;

namespace NightSafe.ServiceBusEmulator.Tests;

public sealed class SendReceiveTests
{
    private static readonly EmulatorTopology Topology = EmulatorTopology.Empty.WithQueue("orders");

    [Fact]
    public async Task A_message_sent_to_a_queue_is_received_with_its_properties_and_completed()
    {
        await using var harness = await EmulatorHarness.StartAsync(Topology);
        await using var sender = harness.Client.CreateSender("orders");
        await sender.SendMessageAsync(new ServiceBusMessage("hello") { MessageId = "m-1", Subject = "greeting", ApplicationProperties = { ["town"] = "chelmsford" } });

        await using var receiver = harness.Client.CreateReceiver("orders");
        var received = await receiver.ReceiveMessageAsync(TimeSpan.FromSeconds(10));

        Assert.NotNull(received);
        Assert.Equal("hello", received.Body.ToString());
        Assert.Equal("m-1", received.MessageId);
        Assert.Equal("greeting", received.Subject);
        Assert.Equal("chelmsford", received.ApplicationProperties["town"]);
        Assert.Equal(1, received.DeliveryCount);
        Assert.NotEqual(Guid.Empty.ToString(), received.LockToken);
        Assert.True(received.SequenceNumber > 0);
        await receiver.CompleteMessageAsync(received);
        Assert.Equal(0, harness.Broker.GetMessageCount("orders"));
    }
}
