using Azure.Storage.Queues;
using NightSafe.Core.Ports;

namespace NightSafe.Integrations.Storage;

/// <summary>
/// The storage queue <c>referrals-routing</c>. Messages are <see cref="RoutingWorkItem.ToJson"/>; the queue client
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
        _queue = queues.GetQueueClient(QueueNames.Routing);
        _storage = storage;
    }

    public async Task EnqueueAsync(RoutingWorkItem item, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(item);
        await _storage.EnsureAsync(cancellationToken);
        await _queue.SendMessageAsync(item.ToJson(), cancellationToken);
    }
}
