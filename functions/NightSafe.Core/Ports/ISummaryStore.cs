using NightSafe.Core.Nights;
using NightSafe.Core.Summaries;

namespace NightSafe.Core.Ports;

/// <summary>End-of-night summaries (Summaries table: one partition per night; county, town and agency rows).</summary>
public interface ISummaryStore
{
    Task<Stored<NightSummary>?> FindAsync(NightId night, CancellationToken cancellationToken);

    /// <summary>Adds the night's summary; false when one exists already (a second run does nothing).</summary>
    Task<bool> TryAddAsync(NightSummary summary, CancellationToken cancellationToken);

    /// <summary>Records that the summary went out (SMS and topic), guarded by <paramref name="version"/>.</summary>
    Task MarkDeliveredAsync(NightId night, string version, DateTimeOffset deliveredAt, CancellationToken cancellationToken);
}
