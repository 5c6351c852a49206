using Azure.Messaging.ServiceBus;

namespace NightSafe.ServiceBusEmulator.Tests;

public sealed class TopicTests
{
    private static readonly EmulatorTopology Topology = EmulatorTopology.Empty
        .WithTopic("events")
        .WithSubscription("events", "everything")
        .WithSubscription("events", "spiking-in-chelmsford", rules: new RuleDefinition(
            "spiking",
            new CorrelationRuleFilter { Subject = "referral", ApplicationProperties = new Dictionary<string, object?> { ["category"] = "spiking", ["town"] = "chelmsford" } }))
        .WithSubscription("events", "high-priority", rules: new RuleDefinition(
            "high",
            new SqlRuleFilter("priority = 'high' AND (sys.Label LIKE 'ref%' OR EXISTS(escalated)) AND town NOT IN ('grays')")))
        .WithSubscription("events", "nothing", rules: new RuleDefinition("none", FalseRuleFilter.Instance))
        .WithSubscription("events", "either", rules:
        [
            new RuleDefinition("basildon", new CorrelationRuleFilter { ApplicationProperties = new Dictionary<string, object?> { ["town"] = "basildon" } }),
            new RuleDefinition("retries", new SqlRuleFilter("attempt >= 2")),
        ]);

    [Fact]
    public async Task The_default_rule_matches_everything_and_a_false_filter_nothing()
    {
        await using var harness = await EmulatorHarness.StartAsync(Topology);
        await PublishAsync(harness, new ServiceBusMessage("a") { MessageId = "a" }, new ServiceBusMessage("b") { MessageId = "b", Subject = "x" });

        Assert.Equal(["a", "b"], await DrainAsync(harness, "everything"));
        Assert.Equal(0, harness.Broker.GetMessageCount("events/Subscriptions/nothing"));
    }

    [Fact]
    public async Task A_correlation_filter_needs_every_system_and_application_property_it_names()
    {
        await using var harness = await EmulatorHarness.StartAsync(Topology);
        await PublishAsync(
            harness,
            Message("match", "referral", ("category", "spiking"), ("town", "chelmsford")),
            Message("wrong-subject", "summary", ("category", "spiking"), ("town", "chelmsford")),
            Message("wrong-town", "referral", ("category", "spiking"), ("town", "colchester")),
            Message("missing-town", "referral", ("category", "spiking")));

        Assert.Equal(["match"], await DrainAsync(harness, "spiking-in-chelmsford"));
    }

    [Fact]
    public async Task A_sql_filter_combines_comparisons_like_exists_and_in()
    {
        await using var harness = await EmulatorHarness.StartAsync(Topology);
        await PublishAsync(
            harness,
            Message("label-match", "referral", ("priority", "high"), ("town", "harlow")),
            Message("exists-match", "summary", ("priority", "high"), ("town", "harlow"), ("escalated", true)),
            Message("excluded-town", "referral", ("priority", "high"), ("town", "grays")),
            Message("normal", "referral", ("priority", "normal"), ("town", "harlow")),
            Message("no-town", "referral", ("priority", "high")));

        Assert.Equal(["label-match", "exists-match"], await DrainAsync(harness, "high-priority"));
    }

    [Fact]
    public async Task A_subscription_with_several_rules_takes_a_message_once_when_any_matches()
    {
        await using var harness = await EmulatorHarness.StartAsync(Topology);
        await PublishAsync(
            harness,
            Message("town", null, ("town", "basildon")),
            Message("both", null, ("town", "basildon"), ("attempt", 3)),
            Message("attempt", null, ("attempt", 2L)),
            Message("neither", null, ("town", "harlow"), ("attempt", 1)));

        Assert.Equal(["town", "both", "attempt"], await DrainAsync(harness, "either"));
    }

    [Fact]
    public async Task A_subscription_has_its_own_dead_letter_queue()
    {
        await using var harness = await EmulatorHarness.StartAsync(Topology);
        await PublishAsync(harness, new ServiceBusMessage("x") { MessageId = "x" });
        await using var receiver = harness.Client.CreateReceiver("events", "everything");
        var message = await receiver.ReceiveMessageAsync(TimeSpan.FromSeconds(5));
        Assert.NotNull(message);
        await receiver.DeadLetterMessageAsync(message, "Unroutable");

        await using var deadLetters = harness.Client.CreateReceiver("events", "everything", new ServiceBusReceiverOptions { SubQueue = SubQueue.DeadLetter });
        var dead = await deadLetters.ReceiveMessageAsync(TimeSpan.FromSeconds(5));
        Assert.NotNull(dead);
        Assert.Equal("x", dead.MessageId);
        Assert.Equal("Unroutable", dead.DeadLetterReason);
        Assert.Equal("events/Subscriptions/everything", dead.DeadLetterSource);
        Assert.Equal(0, harness.Broker.GetMessageCount("events/subscriptions/everything"));
    }

    [Fact]
    public async Task A_case_past_its_max_deliveries_is_drained_from_the_subscriptions_dead_letter_queue_by_receive_and_complete()
    {
        // As the hub's retention run drains a partner's subscription: peek, receive in peek-lock, complete.
        var topology = EmulatorTopology.Empty.WithTopic("cases").WithSubscription("cases", "agency", EntitySettings.Default with { MaxDeliveryCount = 2 });
        await using var harness = await EmulatorHarness.StartAsync(topology);
        await using (var sender = harness.Client.CreateSender("cases"))
        {
            await sender.SendMessagesAsync([new ServiceBusMessage("kept") { MessageId = "kept" }, new ServiceBusMessage("drained") { MessageId = "drained" }]);
        }

        await using var receiver = harness.Client.CreateReceiver("cases", "agency");
        for (var delivery = 0; delivery < 4; delivery++)
        {
            var failing = await receiver.ReceiveMessageAsync(TimeSpan.FromSeconds(5));
            Assert.NotNull(failing);
            await receiver.AbandonMessageAsync(failing);
        }

        await using var deadLetters = harness.Client.CreateReceiver("cases", "agency", new ServiceBusReceiverOptions { SubQueue = SubQueue.DeadLetter });
        Assert.NotNull(await deadLetters.PeekMessageAsync());
        var dead = await deadLetters.ReceiveMessagesAsync(10, TimeSpan.FromSeconds(5));
        Assert.Equal(["drained", "kept"], dead.Select(m => m.MessageId).Order(StringComparer.Ordinal));
        Assert.All(dead, m => Assert.Equal("MaxDeliveryCountExceeded", m.DeadLetterReason));
        await deadLetters.CompleteMessageAsync(dead.Single(m => m.MessageId == "drained"));
        await deadLetters.AbandonMessageAsync(dead.Single(m => m.MessageId == "kept"));

        // From the start: a receiver's peeks go on from the last message it peeked.
        var left = await deadLetters.PeekMessagesAsync(10, fromSequenceNumber: 0);
        Assert.Equal(["kept"], left.Select(m => m.MessageId));
        Assert.Equal(1, harness.Broker.GetMessageCount("cases/subscriptions/agency/$DeadLetterQueue"));
        Assert.Equal(0, harness.Broker.GetMessageCount("cases/subscriptions/agency"));
    }

    [Fact]
    public async Task A_message_scheduled_on_a_topic_is_fanned_out_at_its_time_unless_cancelled()
    {
        await using var harness = await EmulatorHarness.StartAsync(Topology);
        await using var sender = harness.Client.CreateSender("events");
        var due = DateTimeOffset.UtcNow.AddSeconds(2.5);
        await sender.ScheduleMessageAsync(new ServiceBusMessage("kept") { MessageId = "kept" }, due);
        var cancelled = await sender.ScheduleMessageAsync(new ServiceBusMessage("cancelled") { MessageId = "cancelled" }, due);
        await sender.CancelScheduledMessageAsync(cancelled);
        Assert.Equal(0, harness.Broker.GetMessageCount("events/Subscriptions/everything"));

        Assert.True(await Eventually.HoldsAsync(() => harness.Broker.GetMessageCount("events/Subscriptions/everything") == 1, TimeSpan.FromSeconds(10)));
        Assert.Equal(["kept"], await DrainAsync(harness, "everything"));
    }

    internal static ServiceBusMessage Message(string id, string? subject, params (string Name, object Value)[] properties)
    {
        var message = new ServiceBusMessage(id) { MessageId = id, Subject = subject };
        foreach (var (name, value) in properties)
        {
            message.ApplicationProperties[name] = value;
        }

        return message;
    }

    private static async Task PublishAsync(EmulatorHarness harness, params ServiceBusMessage[] messages)
    {
        await using var sender = harness.Client.CreateSender("events");
        await sender.SendMessagesAsync(messages);
    }

    private static async Task<List<string>> DrainAsync(EmulatorHarness harness, string subscription)
    {
        await using var receiver = harness.Client.CreateReceiver("events", subscription, new ServiceBusReceiverOptions { ReceiveMode = ServiceBusReceiveMode.ReceiveAndDelete });
        var ids = new List<string>();
        while (await receiver.ReceiveMessageAsync(TimeSpan.FromMilliseconds(500)) is { } message)
        {
            ids.Add(message.MessageId);
        }

        return ids;
    }
}
