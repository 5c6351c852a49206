using System.Diagnostics;
using Azure;
using Azure.Data.Tables;
using Azure.Storage.Queues;

namespace NightSafe.Cli.Load;

/// <summary>
/// The storage account seen from outside the hub: how fast it takes inserts and queue sends on this machine (the
/// ceiling), and a probe every 100 ms that notices when it stalls (Azurite pauses for its clean-up of used queue messages).
/// </summary>
public sealed class StorageWatch(string connectionString, TimeSpan stallThreshold) : IDisposable
{
    private const int Concurrency = 16;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<TimeSpan> _probes = [];
    private Task? _probe;
    private int _stalls;
    private long _longestTicks;

    /// <summary>Probes slower than the threshold since <see cref="Start"/>.</summary>
    public int Stalls => Volatile.Read(ref _stalls);

    public TimeSpan LongestStall => TimeSpan.FromTicks(Interlocked.Read(ref _longestTicks));

    /// <summary>How many probes have answered so far: a phase marks its start with it (<see cref="ProbesSince"/>).</summary>
    public int ProbeCount
    {
        get
        {
            lock (_probes)
            {
                return _probes.Count;
            }
        }
    }

    /// <summary>
    /// How long each probe since <paramref name="mark"/> took (a point read of one row, which a healthy account answers in
    /// a millisecond or two): a slow webhook in a phase whose probes stayed fast was slowed by the hub, not by storage.
    /// </summary>
    public IReadOnlyList<TimeSpan> ProbesSince(int mark)
    {
        lock (_probes)
        {
            return _probes.Skip(Math.Clamp(mark, 0, _probes.Count)).ToArray();
        }
    }

    /// <summary>A burst of inserts (one scratch table) then of queue sends (one scratch queue), each as long as <paramref name="burst"/> after a warm-up half as long; both removed afterwards.</summary>
    public static async Task<StorageCeiling> MeasureCeilingAsync(string connectionString, TimeSpan burst, CancellationToken cancellationToken)
    {
        var name = "loadceiling" + Guid.NewGuid().ToString("N")[..8];
        var table = new TableClient(connectionString, name);
        var queue = new QueueClient(connectionString, name);
        await table.CreateIfNotExistsAsync(cancellationToken);
        await queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        try
        {
            var row = 0;
            Task<Response> Insert() => table.AddEntityAsync(new TableEntity("ceiling", Interlocked.Increment(ref row).ToString("D10", System.Globalization.CultureInfo.InvariantCulture)) { ["Payload"] = new string('x', 200) }, cancellationToken);
            Task<Response<Azure.Storage.Queues.Models.SendReceipt>> Send() => queue.SendMessageAsync(new string('x', 200), cancellationToken);

            // A first, shorter burst of each is not counted: it warms both ends (JIT, connections), which otherwise
            // halved the figure of a run on a stack just started.
            await BurstAsync(burst / 2, _ => Insert(), cancellationToken);
            await BurstAsync(burst / 2, _ => Send(), cancellationToken);
            var inserts = await BurstAsync(burst, _ => Insert(), cancellationToken);
            var sends = await BurstAsync(burst, _ => Send(), cancellationToken);
            return new StorageCeiling(inserts, sends);
        }
        finally
        {
            await table.DeleteAsync(CancellationToken.None);
            await queue.DeleteIfExistsAsync(CancellationToken.None);
        }
    }

    public void Start()
    {
        var table = new TableClient(connectionString, "Officers");
        _probe = Task.Run(async () =>
        {
            while (!_stop.IsCancellationRequested)
            {
                var clock = Stopwatch.StartNew();
                try
                {
                    await table.GetEntityIfExistsAsync<TableEntity>("probe", "probe", select: ["RowKey"], cancellationToken: _stop.Token);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                catch (RequestFailedException)
                {
                    // A failing probe is not a slow one; the hub's own figures show failures.
                }

                var took = clock.Elapsed;
                lock (_probes)
                {
                    _probes.Add(took);
                }

                if (took >= stallThreshold)
                {
                    Interlocked.Increment(ref _stalls);
                    long longest;
                    while (took.Ticks > (longest = Interlocked.Read(ref _longestTicks)) && Interlocked.CompareExchange(ref _longestTicks, took.Ticks, longest) != longest)
                    {
                    }
                }

                try
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(100), _stop.Token);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        });
    }

    public void Dispose()
    {
        _stop.Cancel();
        try
        {
            _probe?.GetAwaiter().GetResult();
        }
        catch (OperationCanceledException)
        {
        }

        _stop.Dispose();
    }

    private static async Task<double> BurstAsync<T>(TimeSpan burst, Func<int, Task<T>> request, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var next = 0;
        var done = 0;
        var workers = Enumerable.Range(0, Concurrency).Select(async _ =>
        {
            while (clock.Elapsed < burst && !cancellationToken.IsCancellationRequested)
            {
                await request(Interlocked.Increment(ref next));
                Interlocked.Increment(ref done);
            }
        });
        await Task.WhenAll(workers);
        return done / clock.Elapsed.TotalSeconds;
    }
}
