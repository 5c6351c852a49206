using System.Collections.Concurrent;
using NightSafe.Core.Board;
using NightSafe.Core.Nights;
using NightSafe.Core.Ports;

namespace NightSafe.Functions.Pages;

/// <summary>
/// The board's data: the night's partition read once per poll (one query, not one per referral), and that read shared
/// for <see cref="Freshness"/> by every board polling the same night, so ten wall screens cost what one does.
/// </summary>
public sealed class BoardFeed(IReferralStore store, NightBoard board, TimeProvider time)
{
    public static readonly TimeSpan Freshness = TimeSpan.FromSeconds(2);

    private readonly ConcurrentDictionary<NightId, (DateTimeOffset ReadAt, Task<NightRows> Rows)> _reads = new();

    public async Task<NightBoardView> ReadAsync(NightId night, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var entry = _reads.AddOrUpdate(
            night,
            _ => (now, store.NightRowsAsync(night, CancellationToken.None)),
            (_, existing) => now - existing.ReadAt < Freshness && !existing.Rows.IsFaulted ? existing : (now, store.NightRowsAsync(night, CancellationToken.None)));
        var rows = await entry.Rows.WaitAsync(cancellationToken);
        return board.Build(night, rows, time.GetUtcNow());
    }
}
