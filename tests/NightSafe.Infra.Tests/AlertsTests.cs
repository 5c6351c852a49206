using System.Text.Json;
using NightSafe.Infra.Tests.Snapshots;

namespace NightSafe.Infra.Tests;

/// <summary>Azure Monitor: the alerts on-call needs, all to one action group, and the health endpoint watched.</summary>
[Collection(MainSnapshotGroup.Name)]
public sealed class AlertsTests(MainSnapshotFixture fixture)
{
    private readonly DeploymentSnapshot _snapshot = fixture.Snapshot;

    [Fact]
    public void Every_alert_goes_to_the_one_action_group()
    {
        var group = _snapshot.Only(ResourceTypes.ActionGroup).Id;
        var metric = _snapshot.OfType(ResourceTypes.MetricAlert);
        var logs = _snapshot.OfType(ResourceTypes.LogAlert);

        Assert.Equal(2, metric.Count);
        Assert.Equal(3, logs.Count);
        Assert.All(metric, a => Assert.Contains(group, a.Properties.GetProperty("actions").GetRawText(), StringComparison.Ordinal));
        Assert.All(logs, a => Assert.Contains(group, a.Properties.GetProperty("actions").GetProperty("actionGroups").GetRawText(), StringComparison.Ordinal));
        Assert.All(metric.Concat(logs), a => Assert.True(a.Properties.GetProperty("enabled").GetBoolean(), a.Name));
    }

    [Fact]
    public void Dead_lettered_case_messages_raise_an_alert_on_the_namespace()
    {
        var alert = Assert.Single(_snapshot.OfType(ResourceTypes.MetricAlert), a => a.ShortName.EndsWith("-dead-lettered-cases", StringComparison.Ordinal));
        var criterion = alert.Properties.GetProperty("criteria").GetProperty("allOf")[0];

        Assert.Equal(_snapshot.Only(ResourceTypes.ServiceBusNamespace).Id, alert.Properties.GetProperty("scopes")[0].GetString());
        Assert.Equal("DeadletteredMessages", criterion.GetProperty("metricName").GetString());
        Assert.Equal("cases", criterion.GetProperty("dimensions")[0].GetProperty("values")[0].GetString());
        Assert.Equal("GreaterThan", criterion.GetProperty("operator").GetString());
        Assert.Equal(0, criterion.GetProperty("threshold").GetDouble());
    }

    [Theory]
    [InlineData("-poison-queue", "-poison", 0)]
    [InlineData("-failed-sms-rate", "refused by Twilio", 10)]
    [InlineData("-error-rate", "AppRequests", 5)]
    public void Log_alerts_query_application_insights_with_their_threshold(string suffix, string queryHas, double threshold)
    {
        var alert = Assert.Single(_snapshot.OfType(ResourceTypes.LogAlert), a => a.ShortName.EndsWith(suffix, StringComparison.Ordinal));
        var criterion = alert.Properties.GetProperty("criteria").GetProperty("allOf")[0];

        Assert.Equal(_snapshot.Only(ResourceTypes.ApplicationInsights).Id, alert.Properties.GetProperty("scopes")[0].GetString());
        Assert.Contains(queryHas, criterion.GetProperty("query").GetString()!, StringComparison.Ordinal);
        Assert.Equal(threshold, criterion.GetProperty("threshold").GetDouble());
    }

    [Fact]
    public void The_health_endpoint_is_watched_by_an_availability_test_with_an_alert()
    {
        var test = _snapshot.Only(ResourceTypes.WebTest);
        var url = test.Properties.GetProperty("Request").GetProperty("RequestUrl").GetString()!;
        var alert = Assert.Single(_snapshot.OfType(ResourceTypes.MetricAlert), a => a.ShortName.EndsWith("-health-failing", StringComparison.Ordinal));

        Assert.StartsWith("[format('https://{0}/api/health', reference('" + _snapshot.Only(ResourceTypes.Site).Id, url, StringComparison.Ordinal);
        Assert.EndsWith(".defaultHostName)]", url, StringComparison.Ordinal);
        Assert.Equal(200, test.Properties.GetProperty("ValidationRules").GetProperty("ExpectedHttpStatusCode").GetInt32());
        Assert.Equal(test.Id, alert.Properties.GetProperty("criteria").GetProperty("webTestId").GetString());
        Assert.Contains(test.Json.GetProperty("tags").EnumerateObject(), t => t.Name.StartsWith("hidden-link:", StringComparison.Ordinal) && t.Name.Contains(_snapshot.Only(ResourceTypes.ApplicationInsights).Id, StringComparison.Ordinal));
    }

    [Fact]
    public void The_action_group_has_no_contact_until_one_is_given()
    {
        var group = _snapshot.Only(ResourceTypes.ActionGroup);

        Assert.Equal(JsonValueKind.Array, group.Properties.GetProperty("emailReceivers").ValueKind);
        Assert.Equal(0, group.Properties.GetProperty("emailReceivers").GetArrayLength());
        Assert.Equal(0, group.Properties.GetProperty("smsReceivers").GetArrayLength());
    }
}
