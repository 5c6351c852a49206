using Azure.Storage.Queues;

namespace NightSafe.Integrations.Storage;

/// <summary>
/// A storage queue of work items as JSON, base64-encoded by the queue client as host.json tells the Functions host to
/// expect; the queue is made (once per process) before the first send.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1711", Justification = "It is a queue: a storage queue.")]
public abstract class StorageJsonQueue<TItem>
    where TItem : class
{
    private readonly QueueClient _queue;
    private readonly StorageInitializer _storage;
    private readonly Func<TItem, string> _toJson;

    protected StorageJsonQueue(QueueServiceClient queues, StorageInitializer storage, string name, Func<TItem, string> toJson)
    {
        ArgumentNullException.ThrowIfNull(queues);
        _queue = queues.GetQueueClient(name);
        _storage = storage;
        _toJson = toJson;
    }

    public async Task EnqueueAsync(TItem item, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(item);
        await _storage.EnsureAsync(cancellationToken);
        await _queue.SendMessageAsync(_toJson(item), cancellationToken);
    }
}
