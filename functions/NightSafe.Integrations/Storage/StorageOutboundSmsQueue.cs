using System.Text.Json;
using System.Text.Json.Serialization;
using Azure.Storage.Queues;
using NightSafe.Core.Ports;

namespace NightSafe.Integrations.Storage;

/// <summary>
/// The storage queue <c>sms-outbound</c>. Messages are JSON {"kind","key","to","body","night","reference","traceparent"},
/// base64-encoded by the queue client as host.json tells the Functions host to expect.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1711", Justification = "It is a queue: the storage queue sms-outbound.")]
public sealed class StorageOutboundSmsQueue : IOutboundSmsQueue
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    private readonly QueueClient _queue;
    private readonly StorageInitializer _storage;

    public StorageOutboundSmsQueue(QueueServiceClient queues, StorageInitializer storage)
    {
        ArgumentNullException.ThrowIfNull(queues);
        _queue = queues.GetQueueClient(StorageNames.OutboundSmsQueue);
        _storage = storage;
    }

    public async Task EnqueueAsync(OutboundSmsItem item, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(item);
        await _storage.EnsureAsync(cancellationToken);
        await _queue.SendMessageAsync(Serialize(item), cancellationToken);
    }

    /// <summary>The message text for a work item.</summary>
    public static string Serialize(OutboundSmsItem item) => JsonSerializer.Serialize(item, Json);

    /// <summary>The work item in a message text, or null when it is not one.</summary>
    public static OutboundSmsItem? Read(string? message)
    {
        if (string.IsNullOrWhiteSpace(message))
        {
            return null;
        }

        try
        {
            var item = JsonSerializer.Deserialize<OutboundSmsItem>(message, Json);
            return item is { Kind: { Length: > 0 }, Key: { Length: > 0 } } ? item : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
