using NightSafe.Core.Ports;

namespace NightSafe.Core.Tests.Services;

/// <summary>
/// The outbound SMS queue as the outbound SMS mechanism behaves: one text per (key, recipient), however often it is
/// enqueued. Every item is also passed on to <paramref name="next"/>, so the hub can work the queue as the host does.
/// </summary>
internal sealed class RecordingOutboundSms(IOutboundSmsQueue next) : IOutboundSmsQueue
{
    private readonly object _gate = new();
    private readonly HashSet<(string Key, string? To)> _seen = [];

    public List<OutboundSmsItem> Sent { get; } = [];

    /// <summary>Every item enqueued, repeats included.</summary>
    public List<OutboundSmsItem> All { get; } = [];

    public Task EnqueueAsync(OutboundSmsItem item, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            All.Add(item);
            if (_seen.Add((item.Key, item.To)))
            {
                Sent.Add(item);
            }
        }

        return next.EnqueueAsync(item, cancellationToken);
    }

    public IReadOnlyList<OutboundSmsItem> To(string phone)
    {
        lock (_gate)
        {
            return Sent.Where(s => s.To == phone).ToList();
        }
    }
}

/// <summary>The partner-loop storage queue on a fake clock: an item is due once its visibility delay has passed.</summary>
internal sealed class DelayedPartnerLoopQueue(TimeProvider time) : IPartnerLoopQueue
{
    private readonly object _gate = new();
    private readonly List<(DateTimeOffset Due, PartnerLoopItem Item)> _items = [];

    public int Scheduled { get; private set; }

    public IReadOnlyList<(DateTimeOffset Due, PartnerLoopItem Item)> Pending { get { lock (_gate) { return _items.ToList(); } } }

    public Task ScheduleAsync(PartnerLoopItem item, TimeSpan delay, CancellationToken cancellationToken)
    {
        Assert.True(delay >= TimeSpan.Zero, "a queue cannot take a negative visibility delay");
        lock (_gate)
        {
            Scheduled++;
            _items.Add((time.GetUtcNow() + delay, item));
        }

        return Task.CompletedTask;
    }

    /// <summary>The earliest item due now, removed from the queue; null when none is due.</summary>
    public PartnerLoopItem? TakeDue()
    {
        lock (_gate)
        {
            var now = time.GetUtcNow();
            var due = _items.Where(i => i.Due <= now).OrderBy(i => i.Due).FirstOrDefault();
            if (due.Item is null)
            {
                return null;
            }

            _items.Remove(due);
            return due.Item;
        }
    }

    /// <summary>A copy of an item redelivered (a duplicate firing).</summary>
    public void Redeliver(PartnerLoopItem item)
    {
        lock (_gate)
        {
            _items.Add((time.GetUtcNow(), item));
        }
    }
}
