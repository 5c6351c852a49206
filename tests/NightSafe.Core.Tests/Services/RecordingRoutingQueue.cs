using System.Collections.Concurrent;
using NightSafe.Core.Ports;

namespace NightSafe.Core.Tests.Services;

internal sealed class RecordingRoutingQueue : IRoutingQueue
{
    public ConcurrentQueue<RoutingWorkItem> Items { get; } = new();

    public Task EnqueueAsync(RoutingWorkItem item, CancellationToken cancellationToken)
    {
        Items.Enqueue(item);
        return Task.CompletedTask;
    }
}
