using System.Collections.Concurrent;
using Azure.Messaging.ServiceBus;

namespace NightSafe.ServiceBusEmulator.Tests;

public sealed class ReceiveTests
{
    private static readonly EmulatorTopology Topology = EmulatorTopology.Empty
        .WithQueue("orders")
        .WithQueue("short-lock", EntitySettings.Default with { LockDuration = TimeSpan.FromSeconds(1) })
        .WithQueue("two-second-lock", EntitySettings.Default with { LockDuration = TimeSpan.FromSeconds(2) })
        .WithQueue("three-tries", EntitySettings.Default with { MaxDeliveryCount = 3 });

    [Fact]
    public async Task Receive_and_delete_removes_the_message_without_settlement()
    {
        await using var harness = await EmulatorHarness.StartAsync(Topology);
        await SendAsync(harness, "orders", 3);
        await using var receiver = harness.Client.CreateReceiver("orders", new ServiceBusReceiverOptions { ReceiveMode = ServiceBusReceiveMode.ReceiveAndDelete });

        var received = await SendTests.ReceiveAsync(receiver, 3);

        Assert.Equal(3, received.Count);
        Assert.Equal(0, harness.Broker.GetMessageCount("orders"));
    }

    [Fact]
    public async Task Link_credit_bounds_a_receive_and_unused_credit_is_drained_when_the_receiver_closes()
    {
        await using var harness = await EmulatorHarness.StartAsync(Topology);
        await SendAsync(harness, "orders", 10);
        await using var receiver = harness.Client.CreateReceiver("orders");

        var firstFour = await receiver.ReceiveMessagesAsync(maxMessages: 4, TimeSpan.FromSeconds(5));
        Assert.InRange(firstFour.Count, 1, 4);
        var rest = await SendTests.ReceiveAsync(receiver, 10 - firstFour.Count);
        Assert.Equal(10, firstFour.Count + rest.Count);
        Assert.Equal(10, firstFour.Concat(rest).Select(m => m.MessageId).Distinct().Count());

        var empty = await receiver.ReceiveMessagesAsync(maxMessages: 5, TimeSpan.FromMilliseconds(300));
        Assert.Empty(empty);

        // The SDK drains the unused credit when it closes the link and waits for the answer: without it this is cancelled.
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(8));
        await receiver.CloseAsync(deadline.Token);

        await SendAsync(harness, "orders", 1, prefix: "late");
        await using var next = harness.Client.CreateReceiver("orders");
        var late = await next.ReceiveMessageAsync(TimeSpan.FromSeconds(5));
        Assert.NotNull(late);
        Assert.Equal("late-0", late.MessageId);
    }

    [Fact]
    public async Task A_processor_handles_every_message_once_with_concurrent_calls()
    {
        await using var harness = await EmulatorHarness.StartAsync(Topology);
        await SendAsync(harness, "orders", 40);
        var seen = new ConcurrentDictionary<string, int>();
        await using var processor = harness.Client.CreateProcessor("orders", new ServiceBusProcessorOptions { MaxConcurrentCalls = 4, AutoCompleteMessages = true });
        processor.ProcessMessageAsync += args =>
        {
            seen.AddOrUpdate(args.Message.MessageId, 1, (_, n) => n + 1);
            return Task.CompletedTask;
        };
        processor.ProcessErrorAsync += _ => Task.CompletedTask;

        await processor.StartProcessingAsync();
        Assert.True(await Eventually.HoldsAsync(() => seen.Count == 40 && harness.Broker.GetMessageCount("orders") == 0, TimeSpan.FromSeconds(20)));
        await processor.StopProcessingAsync();

        Assert.All(seen.Values, n => Assert.Equal(1, n));
    }

    [Fact]
    public async Task Settling_after_the_lock_expired_is_MessageLockLost_and_the_message_comes_back_with_a_higher_delivery_count()
    {
        await using var harness = await EmulatorHarness.StartAsync(Topology);
        await SendAsync(harness, "short-lock", 1);
        await using var receiver = harness.Client.CreateReceiver("short-lock");
        var first = await receiver.ReceiveMessageAsync(TimeSpan.FromSeconds(5));
        Assert.NotNull(first);
        Assert.Equal(1, first.DeliveryCount);
        Assert.True(first.LockedUntil > first.EnqueuedTime);

        Assert.True(await Eventually.HoldsAsync(() => DateTimeOffset.UtcNow > first.LockedUntil.AddMilliseconds(200), TimeSpan.FromSeconds(10)));
        var error = await Assert.ThrowsAsync<ServiceBusException>(() => receiver.CompleteMessageAsync(first));
        Assert.Equal(ServiceBusFailureReason.MessageLockLost, error.Reason);

        var again = await receiver.ReceiveMessageAsync(TimeSpan.FromSeconds(5));
        Assert.NotNull(again);
        Assert.Equal(first.MessageId, again.MessageId);
        Assert.Equal(2, again.DeliveryCount);
        await receiver.CompleteMessageAsync(again);
    }

    [Fact]
    public async Task Renewing_a_lock_extends_it_past_the_lock_duration()
    {
        await using var harness = await EmulatorHarness.StartAsync(Topology);
        await SendAsync(harness, "two-second-lock", 1);
        await using var receiver = harness.Client.CreateReceiver("two-second-lock");
        var message = await receiver.ReceiveMessageAsync(TimeSpan.FromSeconds(5));
        Assert.NotNull(message);
        var firstLock = message.LockedUntil;

        // Renew three times, each a second before the lock runs out, so the message stays ours beyond the first lock.
        for (var i = 0; i < 3; i++)
        {
            var before = message.LockedUntil;
            Assert.True(await Eventually.HoldsAsync(() => DateTimeOffset.UtcNow > before.AddSeconds(-1), TimeSpan.FromSeconds(5)));
            await receiver.RenewMessageLockAsync(message);
            Assert.True(message.LockedUntil > before);
        }

        Assert.True(DateTimeOffset.UtcNow > firstLock);
        await receiver.CompleteMessageAsync(message);
        Assert.Equal(0, harness.Broker.GetMessageCount("two-second-lock"));
    }

    [Fact]
    public async Task Peek_returns_messages_in_sequence_without_locking_them()
    {
        await using var harness = await EmulatorHarness.StartAsync(Topology);
        await SendAsync(harness, "orders", 5);
        await using var receiver = harness.Client.CreateReceiver("orders");

        var firstTwo = await receiver.PeekMessagesAsync(2);
        var nextThree = await receiver.PeekMessagesAsync(10);
        Assert.Equal(["m-0", "m-1"], firstTwo.Select(m => m.MessageId));
        Assert.Equal(["m-2", "m-3", "m-4"], nextThree.Select(m => m.MessageId));
        Assert.Empty(await receiver.PeekMessagesAsync(10));

        var fromStart = await receiver.PeekMessagesAsync(1, fromSequenceNumber: firstTwo[1].SequenceNumber);
        Assert.Equal("m-1", Assert.Single(fromStart).MessageId);

        var received = await receiver.ReceiveMessageAsync(TimeSpan.FromSeconds(5));
        Assert.Equal("m-0", received?.MessageId);
        Assert.Equal(1, received?.DeliveryCount);
    }

    [Fact]
    public async Task Abandon_returns_the_message_with_modified_properties_and_counts_the_delivery()
    {
        await using var harness = await EmulatorHarness.StartAsync(Topology);
        await SendAsync(harness, "orders", 1);
        await using var receiver = harness.Client.CreateReceiver("orders");
        var first = await receiver.ReceiveMessageAsync(TimeSpan.FromSeconds(5));
        Assert.NotNull(first);

        await receiver.AbandonMessageAsync(first, new Dictionary<string, object> { ["attempt"] = 1, ["note"] = "retry" });

        var again = await receiver.ReceiveMessageAsync(TimeSpan.FromSeconds(5));
        Assert.NotNull(again);
        Assert.Equal(first.MessageId, again.MessageId);
        Assert.Equal(2, again.DeliveryCount);
        Assert.Equal(1, again.ApplicationProperties["attempt"]);
        Assert.Equal("retry", again.ApplicationProperties["note"]);
    }

    [Fact]
    public async Task Dead_lettering_keeps_reason_description_and_source_on_the_dead_letter_queue()
    {
        await using var harness = await EmulatorHarness.StartAsync(Topology);
        await SendAsync(harness, "orders", 1);
        await using var receiver = harness.Client.CreateReceiver("orders");
        var message = await receiver.ReceiveMessageAsync(TimeSpan.FromSeconds(5));
        Assert.NotNull(message);

        await receiver.DeadLetterMessageAsync(message, "PartnerRejected", "The agency cannot take this case.");

        Assert.Equal(0, harness.Broker.GetMessageCount("orders"));
        await using var deadLetters = harness.Client.CreateReceiver("orders", new ServiceBusReceiverOptions { SubQueue = SubQueue.DeadLetter });
        var dead = await deadLetters.ReceiveMessageAsync(TimeSpan.FromSeconds(5));
        Assert.NotNull(dead);
        Assert.Equal(message.MessageId, dead.MessageId);
        Assert.Equal("PartnerRejected", dead.DeadLetterReason);
        Assert.Equal("The agency cannot take this case.", dead.DeadLetterErrorDescription);
        Assert.Equal("orders", dead.DeadLetterSource);
        await deadLetters.CompleteMessageAsync(dead);
        Assert.Equal(0, harness.Broker.GetMessageCount("orders/$DeadLetterQueue"));
    }

    [Fact]
    public async Task A_deferred_message_is_only_received_by_its_sequence_number_and_can_then_be_completed()
    {
        await using var harness = await EmulatorHarness.StartAsync(Topology);
        await SendAsync(harness, "orders", 1);
        await using var receiver = harness.Client.CreateReceiver("orders");
        var message = await receiver.ReceiveMessageAsync(TimeSpan.FromSeconds(5));
        Assert.NotNull(message);

        await receiver.DeferMessageAsync(message);
        Assert.Null(await receiver.ReceiveMessageAsync(TimeSpan.FromMilliseconds(300)));

        var deferred = await receiver.ReceiveDeferredMessageAsync(message.SequenceNumber);
        Assert.Equal(message.MessageId, deferred.MessageId);
        Assert.Equal(ServiceBusMessageState.Deferred, deferred.State);
        await receiver.CompleteMessageAsync(deferred);
        Assert.Equal(0, harness.Broker.GetMessageCount("orders"));

        var missing = await Assert.ThrowsAsync<ServiceBusException>(() => receiver.ReceiveDeferredMessageAsync(message.SequenceNumber));
        Assert.Equal(ServiceBusFailureReason.MessageNotFound, missing.Reason);
    }

    [Fact]
    public async Task After_max_delivery_count_failed_deliveries_the_message_is_dead_lettered()
    {
        await using var harness = await EmulatorHarness.StartAsync(Topology);
        await SendAsync(harness, "three-tries", 1);
        await using var receiver = harness.Client.CreateReceiver("three-tries");
        for (var attempt = 1; attempt <= 3; attempt++)
        {
            var message = await receiver.ReceiveMessageAsync(TimeSpan.FromSeconds(5));
            Assert.NotNull(message);
            Assert.Equal(attempt, message.DeliveryCount);
            await receiver.AbandonMessageAsync(message);
        }

        Assert.Null(await receiver.ReceiveMessageAsync(TimeSpan.FromMilliseconds(300)));
        await using var deadLetters = harness.Client.CreateReceiver("three-tries", new ServiceBusReceiverOptions { SubQueue = SubQueue.DeadLetter });
        var dead = await deadLetters.ReceiveMessageAsync(TimeSpan.FromSeconds(5));
        Assert.NotNull(dead);
        Assert.Equal("MaxDeliveryCountExceeded", dead.DeadLetterReason);
        Assert.Equal("three-tries", dead.DeadLetterSource);
    }

    [Fact]
    public async Task A_lock_outlives_the_receiver_that_took_it()
    {
        await using var harness = await EmulatorHarness.StartAsync(Topology);
        await SendAsync(harness, "short-lock", 1);
        var first = harness.Client.CreateReceiver("short-lock");
        var taken = await first.ReceiveMessageAsync(TimeSpan.FromSeconds(5));
        Assert.NotNull(taken);
        await first.DisposeAsync();

        await using var second = harness.Client.CreateReceiver("short-lock");
        var again = await second.ReceiveMessageAsync(TimeSpan.FromSeconds(10));
        Assert.NotNull(again);
        Assert.Equal(taken.MessageId, again.MessageId);
        Assert.True(DateTimeOffset.UtcNow >= taken.LockedUntil.AddMilliseconds(-100));
        Assert.Equal(2, again.DeliveryCount);
    }

    [Fact]
    public async Task A_session_receiver_is_refused_as_not_supported()
    {
        await using var harness = await EmulatorHarness.StartAsync(Topology);
        await Assert.ThrowsAsync<NotSupportedException>(() => harness.Client.AcceptSessionAsync("orders", "session-1"));
    }

    internal static async Task SendAsync(EmulatorHarness harness, string entity, int count, string prefix = "m")
    {
        await using var sender = harness.Client.CreateSender(entity);
        for (var i = 0; i < count; i++)
        {
            await sender.SendMessageAsync(new ServiceBusMessage($"body-{i}") { MessageId = $"{prefix}-{i}" });
        }
    }
}
