using System.Globalization;
using System.Text.Json;
using System.Xml;

namespace NightSafe.ServiceBusEmulator;

/// <summary>Reads the Config.json shape of Microsoft's Service Bus emulator; property names are matched case-insensitively.</summary>
internal static class ConfigJsonReader
{
    public static EmulatorTopology Read(string json)
    {
        using var document = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        var root = document.RootElement;
        var userConfig = Child(root, "UserConfig") ?? root;
        var namespaces = Child(userConfig, "Namespaces") ?? throw new FormatException("Config.json has no UserConfig.Namespaces.");
        var queues = new List<QueueDefinition>();
        var topics = new List<TopicDefinition>();
        foreach (var ns in namespaces.EnumerateArray())
        {
            foreach (var queue in Items(ns, "Queues"))
            {
                queues.Add(new QueueDefinition(Name(queue), ReadSettings(Child(queue, "Properties"))));
            }

            foreach (var topic in Items(ns, "Topics"))
            {
                var subscriptions = Items(topic, "Subscriptions")
                    .Select(s => new SubscriptionDefinition(Name(s), ReadSettings(Child(s, "Properties")), [.. Items(s, "Rules").Select(ReadRule)]))
                    .ToList();
                topics.Add(new TopicDefinition(Name(topic), ReadSettings(Child(topic, "Properties")), subscriptions));
            }
        }

        return new EmulatorTopology(queues, topics);
    }

    private static RuleDefinition ReadRule(JsonElement rule)
    {
        var properties = Child(rule, "Properties") ?? throw new FormatException($"Rule '{Name(rule)}' has no Properties.");
        var filterType = String(properties, "FilterType") ?? "Sql";
        RuleFilter filter = filterType.ToUpperInvariant() switch
        {
            "CORRELATION" => ReadCorrelation(Child(properties, "CorrelationFilter") ?? throw new FormatException($"Rule '{Name(rule)}' has no CorrelationFilter.")),
            "SQL" => new SqlRuleFilter(String(Child(properties, "SqlFilter") ?? default, "SqlExpression") ?? throw new FormatException($"Rule '{Name(rule)}' has no SqlFilter.SqlExpression.")),
            "TRUE" => TrueRuleFilter.Instance,
            "FALSE" => FalseRuleFilter.Instance,
            _ => throw new FormatException($"Rule '{Name(rule)}' has unknown FilterType '{filterType}'."),
        };
        return new RuleDefinition(Name(rule), filter);
    }

    private static CorrelationRuleFilter ReadCorrelation(JsonElement filter)
    {
        var properties = new Dictionary<string, object?>(StringComparer.Ordinal);
        if (Child(filter, "Properties") is { ValueKind: JsonValueKind.Object } map)
        {
            foreach (var property in map.EnumerateObject())
            {
                properties[property.Name] = property.Value.ValueKind switch
                {
                    JsonValueKind.String => property.Value.GetString(),
                    JsonValueKind.Number when property.Value.TryGetInt64(out var whole) => whole,
                    JsonValueKind.Number => property.Value.GetDouble(),
                    JsonValueKind.True => true,
                    JsonValueKind.False => false,
                    _ => null,
                };
            }
        }

        return new CorrelationRuleFilter
        {
            CorrelationId = Empty(String(filter, "CorrelationId")),
            MessageId = Empty(String(filter, "MessageId")),
            To = Empty(String(filter, "To")),
            ReplyTo = Empty(String(filter, "ReplyTo")),
            Subject = Empty(String(filter, "Label") ?? String(filter, "Subject")),
            SessionId = Empty(String(filter, "SessionId")),
            ReplyToSessionId = Empty(String(filter, "ReplyToSessionId")),
            ContentType = Empty(String(filter, "ContentType")),
            ApplicationProperties = properties,
        };
    }

    private static EntitySettings ReadSettings(JsonElement? properties)
    {
        var settings = EntitySettings.Default;
        if (properties is not { ValueKind: JsonValueKind.Object } p)
        {
            return settings;
        }

        if (Duration(p, "LockDuration") is { } lockDuration)
        {
            settings = settings with { LockDuration = lockDuration };
        }

        if (Child(p, "MaxDeliveryCount") is { ValueKind: JsonValueKind.Number } maxDelivery)
        {
            settings = settings with { MaxDeliveryCount = maxDelivery.GetInt32() };
        }

        if (Duration(p, "DefaultMessageTimeToLive") is { } ttl)
        {
            settings = settings with { DefaultMessageTimeToLive = ttl };
        }

        if (Bool(p, "DeadLetteringOnMessageExpiration") is { } deadLetter)
        {
            settings = settings with { DeadLetteringOnMessageExpiration = deadLetter };
        }

        if (Bool(p, "RequiresDuplicateDetection") is { } duplicates)
        {
            settings = settings with { RequiresDuplicateDetection = duplicates };
        }

        if (Duration(p, "DuplicateDetectionHistoryTimeWindow") is { } window)
        {
            settings = settings with { DuplicateDetectionHistoryTimeWindow = window };
        }

        return settings;
    }

    private static TimeSpan? Duration(JsonElement element, string name)
    {
        var text = String(element, name);
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        // Config.json uses ISO 8601 durations (PT1M); accept .NET's c format too.
        return text.StartsWith('P') ? XmlConvert.ToTimeSpan(text) : TimeSpan.Parse(text, CultureInfo.InvariantCulture);
    }

    private static bool? Bool(JsonElement element, string name) => Child(element, name) switch
    {
        { ValueKind: JsonValueKind.True } => true,
        { ValueKind: JsonValueKind.False } => false,
        { ValueKind: JsonValueKind.String } s => bool.Parse(s.GetString()!),
        _ => null,
    };

    private static string Name(JsonElement element) => String(element, "Name") ?? throw new FormatException("An entity in Config.json has no Name.");

    private static string? Empty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    private static string? String(JsonElement element, string name) =>
        Child(element, name) is { ValueKind: JsonValueKind.String } value ? value.GetString() : null;

    private static JsonElement[] Items(JsonElement element, string name) =>
        Child(element, name) is { ValueKind: JsonValueKind.Array } array ? [.. array.EnumerateArray()] : [];

    private static JsonElement? Child(JsonElement element, string name)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        foreach (var property in element.EnumerateObject())
        {
            if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return property.Value;
            }
        }

        return null;
    }
}
