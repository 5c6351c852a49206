using System.Text.Json;
using Azure.Messaging.ServiceBus;

namespace NightSafe.ServiceBusEmulator.Tests;

public sealed class RoutingTopologyTests
{
    private static readonly string RoutingJsonPath = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../../functions/NightSafe.Functions/routing.json"));

    private static IReadOnlyList<string> AgencyIds() =>
        [.. JsonDocument.Parse(File.ReadAllText(RoutingJsonPath)).RootElement.GetProperty("agencies").EnumerateArray().Select(a => a.GetProperty("id").GetString()!)];

    [Fact]
    public void Routing_json_gives_cases_and_summaries_each_with_one_filtered_subscription_per_agency()
    {
        var topology = EmulatorTopology.FromRoutingJson(File.ReadAllText(RoutingJsonPath));
        var agencies = AgencyIds();

        Assert.Equal(["cases", "summaries"], topology.Topics.Select(t => t.Name));
        Assert.Empty(topology.Queues);
        foreach (var topic in topology.Topics)
        {
            Assert.True(topic.Settings.RequiresDuplicateDetection);
            Assert.Equal(TimeSpan.FromMinutes(10), topic.Settings.DuplicateDetectionHistoryTimeWindow);
            Assert.Equal(agencies, topic.Subscriptions.Select(s => s.Name));
            foreach (var subscription in topic.Subscriptions)
            {
                Assert.Equal(10, subscription.Settings.MaxDeliveryCount);
                Assert.Equal(TimeSpan.FromSeconds(60), subscription.Settings.LockDuration);
                Assert.True(subscription.Settings.DeadLetteringOnMessageExpiration);
                var rule = Assert.Single(subscription.EffectiveRules);
                Assert.NotEqual(SubscriptionDefinition.DefaultRuleName, rule.Name);
                var filter = Assert.IsType<CorrelationRuleFilter>(rule.Filter);
                Assert.Equal(subscription.Name, Assert.Single(filter.ApplicationProperties, p => p.Key == "agency").Value);
            }
        }
    }

    [Fact]
    public async Task Each_agency_message_reaches_only_that_agency_subscription_and_a_retry_is_absorbed()
    {
        var topology = EmulatorTopology.FromRoutingJson(File.ReadAllText(RoutingJsonPath)).WithQueue("extra");
        await using var harness = await EmulatorHarness.StartAsync(topology);
        var agencies = AgencyIds();
        await using var sender = harness.Client.CreateSender("cases");
        string[] chosen = ["control-room", "street-pastors-chelmsford", "da-survivors-essex"];
        foreach (var agency in chosen)
        {
            await sender.SendMessageAsync(new ServiceBusMessage($"{{\"agency\":\"{agency}\"}}") { MessageId = $"2026-12-18/K7QX2/{agency}", ApplicationProperties = { ["agency"] = agency } });
        }

        // The hub's retry of the same (night, ref, agency) is absorbed by duplicate detection.
        await sender.SendMessageAsync(new ServiceBusMessage("{}") { MessageId = "2026-12-18/K7QX2/control-room", ApplicationProperties = { ["agency"] = "control-room" } });

        foreach (var agency in agencies)
        {
            Assert.Equal(chosen.Contains(agency) ? 1 : 0, harness.Broker.GetMessageCount($"cases/Subscriptions/{agency}"));
        }

        await using var receiver = harness.Client.CreateReceiver("cases", "street-pastors-chelmsford");
        var message = await receiver.ReceiveMessageAsync(TimeSpan.FromSeconds(5));
        Assert.NotNull(message);
        Assert.Equal("2026-12-18/K7QX2/street-pastors-chelmsford", message.MessageId);
        Assert.Equal("street-pastors-chelmsford", message.ApplicationProperties["agency"]);
        await receiver.CompleteMessageAsync(message);
    }

    [Fact]
    public async Task Config_json_in_the_shape_of_Microsofts_emulator_is_served()
    {
        const string configJson = """
        {
          "UserConfig": {
            "Namespaces": [
              {
                "Name": "sbemulatorns",
                "Queues": [
                  { "Name": "queue.1", "Properties": { "DeadLetteringOnMessageExpiration": false, "DefaultMessageTimeToLive": "PT1H",
                    "DuplicateDetectionHistoryTimeWindow": "PT20S", "LockDuration": "PT1M", "MaxDeliveryCount": 3, "RequiresDuplicateDetection": false, "RequiresSession": false } }
                ],
                "Topics": [
                  { "Name": "topic.1", "Properties": { "DefaultMessageTimeToLive": "PT1H", "DuplicateDetectionHistoryTimeWindow": "PT20S", "RequiresDuplicateDetection": false },
                    "Subscriptions": [
                      { "Name": "subscription.1", "Properties": { "LockDuration": "PT30S", "MaxDeliveryCount": 5 },
                        "Rules": [ { "Name": "app-prop-filter-1", "Properties": { "FilterType": "Correlation",
                          "CorrelationFilter": { "ContentType": "application/text", "Label": "subject1", "Properties": { "prop1": "value1" } } } } ] },
                      { "Name": "subscription.2", "Properties": { "MaxDeliveryCount": 3 },
                        "Rules": [ { "Name": "sql-filter-1", "Properties": { "FilterType": "Sql",
                          "SqlFilter": { "SqlExpression": "sys.MessageId = '123456' AND userProp1 = 'value1'" } } } ] },
                      { "Name": "subscription.3", "Properties": { "MaxDeliveryCount": 3 } }
                    ] }
                ]
              }
            ],
            "Logging": { "Type": "File" }
          }
        }
        """;
        var topology = EmulatorTopology.FromConfigJson(configJson);
        var queue = Assert.Single(topology.Queues);
        Assert.Equal(TimeSpan.FromHours(1), queue.Settings.DefaultMessageTimeToLive);
        Assert.Equal(3, queue.Settings.MaxDeliveryCount);
        Assert.Equal(TimeSpan.FromSeconds(30), topology.Topics[0].Subscriptions[0].Settings.LockDuration);

        await using var harness = await EmulatorHarness.StartAsync(topology);
        await using var sender = harness.Client.CreateSender("topic.1");
        await sender.SendMessagesAsync(
        [
            new ServiceBusMessage("a") { MessageId = "123456", ContentType = "application/text", Subject = "subject1", ApplicationProperties = { ["prop1"] = "value1", ["userProp1"] = "value1" } },
            new ServiceBusMessage("b") { MessageId = "other", ApplicationProperties = { ["userProp1"] = "value1" } },
        ]);
        await using var queueSender = harness.Client.CreateSender("queue.1");
        await queueSender.SendMessageAsync(new ServiceBusMessage("q"));

        Assert.Equal(1, harness.Broker.GetMessageCount("topic.1/Subscriptions/subscription.1"));
        Assert.Equal(1, harness.Broker.GetMessageCount("topic.1/Subscriptions/subscription.2"));
        Assert.Equal(2, harness.Broker.GetMessageCount("topic.1/Subscriptions/subscription.3"));
        Assert.Equal(1, harness.Broker.GetMessageCount("queue.1"));
    }

    [Fact]
    public void Composing_topologies_rejects_a_name_defined_twice()
    {
        var routing = EmulatorTopology.FromRoutingJson(File.ReadAllText(RoutingJsonPath));
        var merged = routing.Merge(EmulatorTopology.Empty.WithQueue("referrals-test"));
        Assert.Equal(["referrals-test"], merged.Queues.Select(q => q.Name));
        Assert.Throws<ArgumentException>(() => merged.WithQueue("Cases"));
        Assert.Throws<ArgumentException>(() => merged.WithSubscription("cases", "control-room"));
        Assert.Throws<ArgumentException>(() => merged.WithSubscription("no-topic", "x"));
    }
}
