using Azure.Messaging.ServiceBus;

namespace NightSafe.ServiceBusEmulator.Tests;

public sealed class SendTests
{
    private static readonly EmulatorTopology Topology = EmulatorTopology.Empty
        .WithQueue("orders")
        .WithQueue("deduplicated", EntitySettings.Default with { RequiresDuplicateDetection = true, DuplicateDetectionHistoryTimeWindow = TimeSpan.FromMinutes(1) })
        .WithQueue("expiring", EntitySettings.Default with { DeadLetteringOnMessageExpiration = true })
        .WithQueue("expiring-dropped", EntitySettings.Default with { DefaultMessageTimeToLive = TimeSpan.FromSeconds(1) });

    [Fact]
    public async Task A_batch_is_unpacked_into_its_messages_in_order()
    {
        await using var harness = await EmulatorHarness.StartAsync(Topology);
        await using var sender = harness.Client.CreateSender("orders");
        using var batch = await sender.CreateMessageBatchAsync();
        for (var i = 0; i < 50; i++)
        {
            Assert.True(batch.TryAddMessage(new ServiceBusMessage($"body-{i}") { MessageId = $"id-{i}" }));
        }

        await sender.SendMessagesAsync(batch);

        await using var receiver = harness.Client.CreateReceiver("orders", new ServiceBusReceiverOptions { ReceiveMode = ServiceBusReceiveMode.ReceiveAndDelete });
        var received = await ReceiveAsync(receiver, 50);
        Assert.Equal(Enumerable.Range(0, 50).Select(i => $"id-{i}"), received.Select(m => m.MessageId));
        Assert.Equal(Enumerable.Range(0, 50).Select(i => $"body-{i}"), received.Select(m => m.Body.ToString()));
        Assert.Equal(received.Select(m => m.SequenceNumber).Order(), received.Select(m => m.SequenceNumber));
    }

    [Fact]
    public async Task The_announced_max_message_size_is_256_KB_and_a_larger_message_is_refused()
    {
        await using var harness = await EmulatorHarness.StartAsync(Topology);
        await using var sender = harness.Client.CreateSender("orders");
        using var batch = await sender.CreateMessageBatchAsync();
        Assert.Equal(256 * 1024, batch.MaxSizeInBytes);

        var oversized = new ServiceBusMessage(new byte[300 * 1024]);
        var error = await Assert.ThrowsAsync<ServiceBusException>(() => sender.SendMessageAsync(oversized));
        Assert.Equal(ServiceBusFailureReason.MessageSizeExceeded, error.Reason);
        Assert.Equal(0, harness.Broker.GetMessageCount("orders"));
    }

    [Fact]
    public async Task Sending_to_or_receiving_from_an_unknown_entity_is_MessagingEntityNotFound()
    {
        await using var harness = await EmulatorHarness.StartAsync(Topology);
        await using var sender = harness.Client.CreateSender("no-such-queue");
        var sendError = await Assert.ThrowsAsync<ServiceBusException>(() => sender.SendMessageAsync(new ServiceBusMessage("x")));
        Assert.Equal(ServiceBusFailureReason.MessagingEntityNotFound, sendError.Reason);

        await using var receiver = harness.Client.CreateReceiver("no-such-queue");
        var receiveError = await Assert.ThrowsAsync<ServiceBusException>(() => receiver.ReceiveMessageAsync(TimeSpan.FromSeconds(1)));
        Assert.Equal(ServiceBusFailureReason.MessagingEntityNotFound, receiveError.Reason);
    }

    [Fact]
    public async Task Duplicate_detection_accepts_a_message_id_once_within_the_window()
    {
        await using var harness = await EmulatorHarness.StartAsync(Topology);
        await using var sender = harness.Client.CreateSender("deduplicated");
        await sender.SendMessageAsync(new ServiceBusMessage("first") { MessageId = "2026-12-18/ABC12/control-room" });
        await sender.SendMessageAsync(new ServiceBusMessage("retry") { MessageId = "2026-12-18/ABC12/control-room" });
        await sender.SendMessageAsync(new ServiceBusMessage("other") { MessageId = "2026-12-18/ABC13/control-room" });

        await using var receiver = harness.Client.CreateReceiver("deduplicated", new ServiceBusReceiverOptions { ReceiveMode = ServiceBusReceiveMode.ReceiveAndDelete });
        var received = await ReceiveAsync(receiver, 2);
        Assert.Equal(["first", "other"], received.Select(m => m.Body.ToString()));
        Assert.Empty(await receiver.ReceiveMessagesAsync(10, TimeSpan.FromMilliseconds(300)));
    }

    [Fact]
    public async Task An_expired_message_is_dead_lettered_when_the_entity_says_so()
    {
        await using var harness = await EmulatorHarness.StartAsync(Topology);
        await using var sender = harness.Client.CreateSender("expiring");
        await sender.SendMessageAsync(new ServiceBusMessage("stale") { MessageId = "ttl-1", TimeToLive = TimeSpan.FromMilliseconds(500) });

        await using var deadLetters = harness.Client.CreateReceiver("expiring", new ServiceBusReceiverOptions { SubQueue = SubQueue.DeadLetter });
        var dead = await deadLetters.ReceiveMessageAsync(TimeSpan.FromSeconds(10));
        Assert.NotNull(dead);
        Assert.Equal("ttl-1", dead.MessageId);
        Assert.Equal("TTLExpiredException", dead.DeadLetterReason);
        Assert.Equal("expiring", dead.DeadLetterSource);
        Assert.Equal(0, harness.Broker.GetMessageCount("expiring"));
    }

    [Fact]
    public async Task An_expired_message_is_dropped_when_the_entity_does_not_dead_letter()
    {
        await using var harness = await EmulatorHarness.StartAsync(Topology);
        await using var sender = harness.Client.CreateSender("expiring-dropped");
        await sender.SendMessageAsync(new ServiceBusMessage("stale"));
        Assert.Equal(1, harness.Broker.GetMessageCount("expiring-dropped"));

        Assert.True(await Eventually.HoldsAsync(() => harness.Broker.GetMessageCount("expiring-dropped") == 0, TimeSpan.FromSeconds(10)));
        Assert.Equal(0, harness.Broker.GetMessageCount("expiring-dropped/$DeadLetterQueue"));
        await using var receiver = harness.Client.CreateReceiver("expiring-dropped");
        Assert.Null(await receiver.ReceiveMessageAsync(TimeSpan.FromMilliseconds(300)));
    }

    [Fact]
    public async Task A_scheduled_message_arrives_at_its_time_and_a_cancelled_one_never_does()
    {
        await using var harness = await EmulatorHarness.StartAsync(Topology);
        await using var sender = harness.Client.CreateSender("orders");
        var due = DateTimeOffset.UtcNow.AddSeconds(3);
        var kept = await sender.ScheduleMessageAsync(new ServiceBusMessage("later") { MessageId = "kept" }, due);
        var cancelled = await sender.ScheduleMessageAsync(new ServiceBusMessage("never") { MessageId = "cancelled" }, due);
        Assert.NotEqual(kept, cancelled);
        await sender.CancelScheduledMessageAsync(cancelled);

        await using var receiver = harness.Client.CreateReceiver("orders", new ServiceBusReceiverOptions { ReceiveMode = ServiceBusReceiveMode.ReceiveAndDelete });
        var early = await receiver.ReceiveMessageAsync(TimeSpan.FromMilliseconds(200));
        Assert.Null(early);

        var received = await receiver.ReceiveMessageAsync(TimeSpan.FromSeconds(10));
        Assert.NotNull(received);
        Assert.Equal("kept", received.MessageId);
        Assert.True(received.EnqueuedTime >= due.AddMilliseconds(-100));
        Assert.Equal(kept, received.SequenceNumber);
        Assert.Null(await receiver.ReceiveMessageAsync(TimeSpan.FromMilliseconds(500)));
    }

    [Fact]
    public async Task A_message_sent_with_a_scheduled_enqueue_time_waits_for_it()
    {
        await using var harness = await EmulatorHarness.StartAsync(Topology);
        await using var sender = harness.Client.CreateSender("orders");
        var due = DateTimeOffset.UtcNow.AddSeconds(1);
        await sender.SendMessageAsync(new ServiceBusMessage("later") { ScheduledEnqueueTime = due });

        await using var receiver = harness.Client.CreateReceiver("orders", new ServiceBusReceiverOptions { ReceiveMode = ServiceBusReceiveMode.ReceiveAndDelete });
        var received = await receiver.ReceiveMessageAsync(TimeSpan.FromSeconds(10));
        Assert.NotNull(received);
        Assert.True(received.EnqueuedTime >= due.AddMilliseconds(-100));
    }

    internal static async Task<List<ServiceBusReceivedMessage>> ReceiveAsync(ServiceBusReceiver receiver, int count)
    {
        var received = new List<ServiceBusReceivedMessage>();
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (received.Count < count && DateTime.UtcNow < deadline)
        {
            received.AddRange(await receiver.ReceiveMessagesAsync(count - received.Count, TimeSpan.FromSeconds(2)));
        }

        return received;
    }
}
