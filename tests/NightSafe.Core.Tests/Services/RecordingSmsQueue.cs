using System.Collections.Concurrent;
using NightSafe.Core.Ports;

namespace NightSafe.Core.Tests.Services;

internal sealed class RecordingSmsQueue : IOutboundSmsQueue
{
    public ConcurrentQueue<OutboundSmsItem> Items { get; } = new();

    public int Enqueued { get; private set; }

    /// <summary>When set, an item it returns an exception for is not queued and the exception is thrown (the queue is down).</summary>
    public Func<OutboundSmsItem, Exception?>? Fail { get; set; }

    public Task EnqueueAsync(OutboundSmsItem item, CancellationToken cancellationToken)
    {
        if (Fail?.Invoke(item) is { } failure)
        {
            return Task.FromException(failure);
        }

        Items.Enqueue(item);
        Enqueued++;
        return Task.CompletedTask;
    }
}
