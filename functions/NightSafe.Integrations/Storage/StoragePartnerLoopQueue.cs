using Azure.Storage.Queues;
using NightSafe.Core.Ports;

namespace NightSafe.Integrations.Storage;

/// <summary>
/// The storage queue <c>partner-loop</c>. A deadline is one message sent with a visibility timeout: the queue hides it
/// until the deadline (at most seven days, far beyond any acknowledgement deadline), so nothing polls. Messages are
/// <see cref="PartnerLoopItem.ToJson"/>, base64-encoded by the client as host.json tells the Functions host to expect.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1711", Justification = "It is a queue: the storage queue partner-loop.")]
public sealed class StoragePartnerLoopQueue : IPartnerLoopQueue
{
    private static readonly TimeSpan LongestDelay = TimeSpan.FromDays(7) - TimeSpan.FromMinutes(1);

    private readonly QueueClient _queue;
    private readonly StorageInitializer _storage;

    public StoragePartnerLoopQueue(QueueServiceClient queues, StorageInitializer storage)
    {
        ArgumentNullException.ThrowIfNull(queues);
        _queue = queues.GetQueueClient(QueueNames.PartnerLoop);
        _storage = storage;
    }

    public async Task ScheduleAsync(PartnerLoopItem item, TimeSpan delay, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(item);
        await _storage.EnsureAsync(cancellationToken);
        // A step that fires early finds its deadline not yet due and schedules the rest itself.
        var visibility = delay <= TimeSpan.Zero ? (TimeSpan?)null : delay > LongestDelay ? LongestDelay : delay;
        await _queue.SendMessageAsync(item.ToJson(), visibility, timeToLive: TimeSpan.FromDays(7), cancellationToken);
    }
}
