using System.Collections.Concurrent;
using NightSafe.Core.Nights;
using NightSafe.Core.Ports;
using NightSafe.Core.Summaries;

namespace NightSafe.Core.Tests.Services;

internal sealed class InMemorySummaryStore : ISummaryStore
{
    private readonly ConcurrentDictionary<NightId, (NightSummary Value, int Version)> _summaries = new();

    public Task<Stored<NightSummary>?> FindAsync(NightId night, CancellationToken cancellationToken) =>
        Task.FromResult(_summaries.TryGetValue(night, out var s) ? new Stored<NightSummary>(s.Value, "v" + s.Version) : null);

    public Task<bool> TryAddAsync(NightSummary summary, CancellationToken cancellationToken) => Task.FromResult(_summaries.TryAdd(summary.Night, (summary, 1)));

    public Task MarkDeliveredAsync(NightId night, string version, DateTimeOffset deliveredAt, CancellationToken cancellationToken)
    {
        var s = _summaries[night];
        if ("v" + s.Version != version)
        {
            throw new ConcurrencyConflictException("summary changed");
        }

        _summaries[night] = (s.Value with { DeliveredAt = deliveredAt }, s.Version + 1);
        return Task.CompletedTask;
    }
}
