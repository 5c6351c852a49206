using System.Globalization;
using System.Text.Json;

namespace NightSafe.FunctionsHost;

/// <summary>host.json's <c>extensions.queues</c>, with the Functions host's defaults.</summary>
public sealed record QueueSettings
{
    public int BatchSize { get; init; } = 16;

    /// <summary>Fetch the next batch when this many or fewer messages are still in flight.</summary>
    public int NewBatchThreshold { get; init; } = 8;

    public TimeSpan MaxPollingInterval { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>How long a failed message stays invisible before its next try.</summary>
    public TimeSpan VisibilityTimeout { get; init; } = TimeSpan.Zero;

    public int MaxDequeueCount { get; init; } = 5;

    /// <summary>True for base64 message bodies (the default, as the Azure SDK and the real host expect); false for "none".</summary>
    public bool Base64Encoding { get; init; } = true;
}

/// <summary>What the dev host takes from the app's host.json.</summary>
public sealed record HostSettings
{
    public string RoutePrefix { get; init; } = "api";

    /// <summary>Longest an invocation may run; null means no limit ("-1").</summary>
    public TimeSpan? FunctionTimeout { get; init; } = TimeSpan.FromMinutes(30);

    public QueueSettings Queues { get; init; } = new();

    private static readonly JsonDocumentOptions ReadOptions = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

    /// <summary>Reads host.json text; absent keys keep their defaults.</summary>
    public static HostSettings Parse(string json)
    {
        using var document = JsonDocument.Parse(json, ReadOptions);
        var root = document.RootElement;
        var settings = new HostSettings();

        if (TryGet(root, "functionTimeout", out var timeout) && timeout.ValueKind == JsonValueKind.String)
        {
            var text = timeout.GetString()!;
            settings = settings with { FunctionTimeout = text.Trim() == "-1" ? null : ParseTimeSpan(text, "functionTimeout") };
        }

        if (!TryGet(root, "extensions", out var extensions))
        {
            return settings;
        }

        if (TryGet(extensions, "http", out var http) && TryGet(http, "routePrefix", out var prefix) && prefix.ValueKind == JsonValueKind.String)
        {
            settings = settings with { RoutePrefix = prefix.GetString()!.Trim('/') };
        }

        if (TryGet(extensions, "queues", out var queues))
        {
            var batchSize = ReadInt(queues, "batchSize") ?? 16;
            settings = settings with
            {
                Queues = new QueueSettings
                {
                    BatchSize = Math.Clamp(batchSize, 1, 32),
                    NewBatchThreshold = Math.Max(0, ReadInt(queues, "newBatchThreshold") ?? batchSize / 2),
                    MaxPollingInterval = ReadTimeSpan(queues, "maxPollingInterval") ?? TimeSpan.FromMinutes(1),
                    VisibilityTimeout = ReadTimeSpan(queues, "visibilityTimeout") ?? TimeSpan.Zero,
                    MaxDequeueCount = Math.Max(1, ReadInt(queues, "maxDequeueCount") ?? 5),
                    Base64Encoding = !TryGet(queues, "messageEncoding", out var encoding)
                        || !string.Equals(encoding.GetString(), "none", StringComparison.OrdinalIgnoreCase),
                },
            };
        }

        return settings;
    }

    private static int? ReadInt(JsonElement parent, string name) =>
        TryGet(parent, name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetInt32() : null;

    private static TimeSpan? ReadTimeSpan(JsonElement parent, string name)
    {
        if (!TryGet(parent, name, out var value))
        {
            return null;
        }

        // The real host accepts a TimeSpan string; a bare number is read as milliseconds.
        return value.ValueKind == JsonValueKind.Number
            ? TimeSpan.FromMilliseconds(value.GetDouble())
            : ParseTimeSpan(value.GetString() ?? string.Empty, name);
    }

    private static TimeSpan ParseTimeSpan(string text, string name) =>
        TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var span)
            ? span
            : throw new FormatException($"host.json: '{name}' must be a time span like 00:00:10, not '{text}'.");

    // host.json keys are case-insensitive in the real host.
    private static bool TryGet(JsonElement parent, string name, out JsonElement value)
    {
        if (parent.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in parent.EnumerateObject())
            {
                if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase))
                {
                    value = property.Value;
                    return true;
                }
            }
        }

        value = default;
        return false;
    }
}
