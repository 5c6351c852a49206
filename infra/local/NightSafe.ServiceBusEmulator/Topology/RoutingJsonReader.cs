using System.Text.Json;

namespace NightSafe.ServiceBusEmulator;

/// <summary>Builds the topics NightSafe publishes to from routing.json: one filtered subscription per agency.</summary>
internal static class RoutingJsonReader
{
    public const string CasesTopic = "cases";
    public const string SummariesTopic = "summaries";
    public const string AgencyProperty = "agency";

    public static EmulatorTopology Read(string json)
    {
        using var document = JsonDocument.Parse(json);
        if (!document.RootElement.TryGetProperty("agencies", out var agencies) || agencies.ValueKind != JsonValueKind.Array)
        {
            throw new FormatException("routing.json has no agencies array.");
        }

        var agencyIds = agencies.EnumerateArray()
            .Select(a => a.TryGetProperty("id", out var id) ? id.GetString() : null)
            .Select(id => string.IsNullOrWhiteSpace(id) ? throw new FormatException("An agency in routing.json has no id.") : id)
            .ToList();

        var topicSettings = EntitySettings.Default with
        {
            RequiresDuplicateDetection = true,
            DuplicateDetectionHistoryTimeWindow = TimeSpan.FromMinutes(10),
        };
        var subscriptionSettings = EntitySettings.Default with
        {
            LockDuration = TimeSpan.FromSeconds(60),
            MaxDeliveryCount = 10,
            DeadLetteringOnMessageExpiration = true,
        };

        return new EmulatorTopology([], [Topic(CasesTopic), Topic(SummariesTopic)]);

        TopicDefinition Topic(string name) => new(
            name,
            topicSettings,
            [.. agencyIds.Select(id => new SubscriptionDefinition(id, subscriptionSettings, [AgencyRule(id)]))]);
    }

    /// <summary>Replaces <c>$Default</c>: without it every agency would receive every referral.</summary>
    private static RuleDefinition AgencyRule(string agencyId) => new(
        AgencyProperty,
        new CorrelationRuleFilter { ApplicationProperties = new Dictionary<string, object?> { [AgencyProperty] = agencyId } });
}
