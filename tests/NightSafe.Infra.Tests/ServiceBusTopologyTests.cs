using NightSafe.Infra.Tests.Snapshots;

namespace NightSafe.Infra.Tests;

/// <summary>The Service Bus namespace, topics and per-agency subscriptions Bicep predicts for main.bicepparam.</summary>
[Collection(MainSnapshotGroup.Name)]
public sealed class ServiceBusTopologyTests(MainSnapshotFixture fixture)
{
    private readonly DeploymentSnapshot _snapshot = fixture.Snapshot;

    public static TheoryData<string> Topics => new() { "cases", "summaries" };

    [Fact]
    public void Namespace_is_standard_with_local_auth_off_and_tls_1_2()
    {
        var ns = _snapshot.Only(ResourceTypes.ServiceBusNamespace);

        Assert.Equal("Standard", ns.Json.GetProperty("sku").GetProperty("name").GetString());
        Assert.True(ns.Properties.GetProperty("disableLocalAuth").GetBoolean());
        Assert.Equal("1.2", ns.Property("minimumTlsVersion"));
    }

    [Fact]
    public void Topics_are_cases_and_summaries_with_duplicate_detection_over_ten_minutes_and_a_message_ttl()
    {
        var topics = _snapshot.OfType(ResourceTypes.Topic);

        Assert.Equal(["cases", "summaries"], topics.Select(t => t.ShortName).Order(StringComparer.Ordinal));
        Assert.All(topics, topic =>
        {
            Assert.True(topic.Properties.GetProperty("requiresDuplicateDetection").GetBoolean());
            Assert.Equal("PT10M", topic.Property("duplicateDetectionHistoryTimeWindow"));
            Assert.Equal("P14D", topic.Property("defaultMessageTimeToLive"));
        });
    }

    [Theory]
    [MemberData(nameof(Topics))]
    public void Every_agency_in_routing_json_has_a_subscription_on_the_topic_and_no_one_else_does(string topic)
    {
        var names = SubscriptionsOf(topic).Select(s => s.ShortName).ToList();

        Assert.Equal(fixture.AgencyIds.Order(StringComparer.Ordinal), names.Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Topics))]
    public void Each_subscription_has_one_rule_a_correlation_filter_on_its_own_agency(string topic)
    {
        var rules = _snapshot.OfType(ResourceTypes.Rule);

        foreach (var subscription in SubscriptionsOf(topic))
        {
            var own = rules.Where(r => r.Id.StartsWith(subscription.Id + "/rules/", StringComparison.Ordinal)).ToList();
            var rule = Assert.Single(own);
            // A rule named $Default in Resource Manager replaces nothing and leaves the subscription without rules.
            Assert.NotEqual("$Default", rule.ShortName);
            Assert.Equal("CorrelationFilter", rule.Property("filterType"));
            Assert.False(rule.Properties.TryGetProperty("sqlFilter", out _));
            var filter = rule.Properties.GetProperty("correlationFilter");
            var property = Assert.Single(filter.EnumerateObject());
            Assert.Equal("properties", property.Name);
            var match = Assert.Single(property.Value.EnumerateObject());
            Assert.Equal("agency", match.Name);
            Assert.Equal(subscription.ShortName, match.Value.GetString());
        }
    }

    [Theory]
    [MemberData(nameof(Topics))]
    public void Subscriptions_stop_after_ten_deliveries_and_let_expired_messages_go_rather_than_keep_them_dead_lettered(string topic)
    {
        // An expired case in a dead-letter queue would keep a person's data past retention; the partner loop has
        // escalated an unanswered case within minutes, so at 14 days the message is let go.
        Assert.All(SubscriptionsOf(topic), subscription =>
        {
            Assert.Equal(10, subscription.Properties.GetProperty("maxDeliveryCount").GetInt32());
            Assert.False(subscription.Properties.GetProperty("deadLetteringOnMessageExpiration").GetBoolean());
            Assert.Equal("P14D", subscription.Property("defaultMessageTimeToLive"));
            Assert.False(subscription.Properties.TryGetProperty("forwardTo", out _));
        });
    }

    [Fact]
    public void No_authorization_rule_or_sas_key_is_created()
    {
        Assert.DoesNotContain(_snapshot.Resources, r => r.Type.Contains("authorizationRules", StringComparison.OrdinalIgnoreCase));
    }

    private List<PredictedResource> SubscriptionsOf(string topic) =>
        _snapshot.OfType(ResourceTypes.Subscription)
            .Where(s => s.Id.Contains($"/topics/{topic}/subscriptions/", StringComparison.Ordinal))
            .ToList();
}
