using System.Collections.Concurrent;
using NightSafe.Core.Ports;

namespace NightSafe.Core.Tests.Services;

internal sealed class RecordingSmsQueue : IOutboundSmsQueue
{
    public ConcurrentQueue<OutboundSmsItem> Items { get; } = new();

    public int Enqueued { get; private set; }

    public Task EnqueueAsync(OutboundSmsItem item, CancellationToken cancellationToken)
    {
        Items.Enqueue(item);
        Enqueued++;
        return Task.CompletedTask;
    }
}
