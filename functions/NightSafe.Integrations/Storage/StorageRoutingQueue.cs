using System.Text.Json;
using System.Text.Json.Serialization;
using Azure.Storage.Queues;
using NightSafe.Core.Ports;

namespace NightSafe.Integrations.Storage;

/// <summary>
/// The storage queue <c>referrals-routing</c>. Messages are JSON {"night","reference","traceparent"}; the queue client
/// must encode them as base64, as host.json tells the Functions host to expect.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1711", Justification = "It is a queue: the storage queue referrals-routing.")]
public sealed class StorageRoutingQueue : IRoutingQueue
{
    private readonly QueueClient _queue;
    private readonly StorageInitializer _storage;

    public StorageRoutingQueue(QueueServiceClient queues, StorageInitializer storage)
    {
        ArgumentNullException.ThrowIfNull(queues);
        _queue = queues.GetQueueClient(StorageNames.RoutingQueue);
        _storage = storage;
    }

    public async Task EnqueueAsync(RoutingWorkItem item, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(item);
        await _storage.EnsureAsync(cancellationToken);
        await _queue.SendMessageAsync(Serialize(item), cancellationToken);
    }

    /// <summary>The message text for a work item.</summary>
    public static string Serialize(RoutingWorkItem item)
    {
        ArgumentNullException.ThrowIfNull(item);
        return JsonSerializer.Serialize(new RoutingMessage(item.Night, item.Reference, item.TraceParent));
    }

    private sealed record RoutingMessage(
        [property: JsonPropertyName("night")] string Night,
        [property: JsonPropertyName("reference")] string Reference,
        [property: JsonPropertyName("traceparent")] string? TraceParent);
}
