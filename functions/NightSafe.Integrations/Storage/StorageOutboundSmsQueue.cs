using Azure.Storage.Queues;
using NightSafe.Core.Ports;

namespace NightSafe.Integrations.Storage;

/// <summary>
/// The storage queue <c>sms-outbound</c>. Messages are <see cref="OutboundSmsItem.ToJson"/>, base64-encoded by the
/// queue client as host.json tells the Functions host to expect.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1711", Justification = "It is a queue: the storage queue sms-outbound.")]
public sealed class StorageOutboundSmsQueue : IOutboundSmsQueue
{
    private readonly QueueClient _queue;
    private readonly StorageInitializer _storage;

    public StorageOutboundSmsQueue(QueueServiceClient queues, StorageInitializer storage)
    {
        ArgumentNullException.ThrowIfNull(queues);
        _queue = queues.GetQueueClient(QueueNames.OutboundSms);
        _storage = storage;
    }

    public async Task EnqueueAsync(OutboundSmsItem item, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(item);
        await _storage.EnsureAsync(cancellationToken);
        await _queue.SendMessageAsync(item.ToJson(), cancellationToken);
    }
}
