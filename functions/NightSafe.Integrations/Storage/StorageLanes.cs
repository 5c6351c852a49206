using System.ComponentModel.DataAnnotations;
using Azure.Core;
using Azure.Core.Pipeline;

namespace NightSafe.Integrations.Storage;

/// <summary>How storage requests of background work give way to those of someone waiting for an answer (section <c>StorageLanes</c>).</summary>
public sealed class StorageLaneOptions
{
    public const string Section = "StorageLanes";

    /// <summary>
    /// Background requests on the wire at once before the next one waits; 0 (the default) lets every request straight
    /// out. Off by default: 4 slots shortened the webhook's tail under `nightsafe load` on one machine, and on a noisier
    /// one neither setting won in load runs taken in both orders (docs/storage-budget.md, "Under load"); the demo figure
    /// once held against them (the median to partner) had counted the escalations' cases and was mismeasured.
    /// </summary>
    [Range(0, 1024)]
    public int BackgroundSlots { get; set; }

    /// <summary>The longest a background request waits for a slot before it goes anyway (so background work is delayed, never starved).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:01")]
    public TimeSpan LongestWait { get; set; } = TimeSpan.FromMilliseconds(25);
}

/// <summary>
/// Puts the person waiting first at the storage account. A request made while answering someone (an HTTP trigger: an
/// officer's text, a partner's page; see <see cref="Answering"/>) goes straight out. A request of background work
/// (queue and timer triggers: routing, SMS, the partner loop) takes one of a few slots, so a burst of routing, which
/// fires a batch of items' requests at once, does not queue ahead of a webhook's three round trips at a storage account
/// that serves requests in turn (Azurite's one thread; one table partition per night in Azure). A background request
/// waits at most <see cref="StorageLaneOptions.LongestWait"/> and then goes anyway: under a sustained backlog every
/// request is past its wait, the bound lifts, and routing keeps its share of the account.
/// </summary>
public sealed class StorageLanes
{
    private static readonly AsyncLocal<bool> AnsweringFlow = new();
    private readonly SemaphoreSlim? _slots;
    private readonly TimeSpan _longestWait;
    private readonly TimeProvider _time;
    private long _waitedOut;

    public StorageLanes(StorageLaneOptions options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        _slots = options.BackgroundSlots > 0 ? new SemaphoreSlim(options.BackgroundSlots, options.BackgroundSlots) : null;
        _longestWait = options.LongestWait;
        _time = time;
        Policy = new LanePolicy(this);
    }

    /// <summary>The policy for the table and queue clients (per retry: a slot is held only while a request is on the wire).</summary>
    public HttpPipelinePolicy Policy { get; }

    /// <summary>Background requests that went out without a slot, their wait over: how often the bound lifted.</summary>
    public long WaitedOut => Interlocked.Read(ref _waitedOut);

    /// <summary>Marks the rest of this async flow as answering someone: its storage requests never wait for a slot.</summary>
    public static void Answering() => AnsweringFlow.Value = true;

    /// <summary>Whether this async flow is answering someone.</summary>
    public static bool IsAnswering => AnsweringFlow.Value;

    /// <summary>True when a slot was taken (release it); false when the wait ran out and the request goes without one.</summary>
    private async ValueTask<bool> TakeSlotAsync(SemaphoreSlim slots, CancellationToken cancellationToken)
    {
        if (slots.Wait(0, CancellationToken.None))
        {
            return true;
        }

        var waiting = slots.WaitAsync(cancellationToken);
        using var timer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var waitOver = Task.Delay(_longestWait, _time, timer.Token);
        if (await Task.WhenAny(waiting, waitOver).ConfigureAwait(false) == waiting)
        {
            await timer.CancelAsync().ConfigureAwait(false);
            await waiting.ConfigureAwait(false);
            return true;
        }

        // Gone without a slot: the slot this wait takes later is handed straight back, so none is lost.
        _ = waiting.ContinueWith(static (task, state) => ((SemaphoreSlim)state!).Release(), slots, CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        cancellationToken.ThrowIfCancellationRequested();
        Interlocked.Increment(ref _waitedOut);
        return false;
    }

    private sealed class LanePolicy(StorageLanes lanes) : HttpPipelinePolicy
    {
        public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            ArgumentNullException.ThrowIfNull(message);
            if (IsAnswering || lanes._slots is not { } slots)
            {
                await ProcessNextAsync(message, pipeline).ConfigureAwait(false);
                return;
            }

            var slot = await lanes.TakeSlotAsync(slots, message.CancellationToken).ConfigureAwait(false);
            try
            {
                await ProcessNextAsync(message, pipeline).ConfigureAwait(false);
            }
            finally
            {
                if (slot)
                {
                    slots.Release();
                }
            }
        }

        public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            ArgumentNullException.ThrowIfNull(message);
            if (IsAnswering || lanes._slots is not { } slots)
            {
                ProcessNext(message, pipeline);
                return;
            }

            // The adapters are asynchronous throughout; a synchronous call waits for a slot the same way.
            var slot = lanes.TakeSlotAsync(slots, message.CancellationToken).AsTask().GetAwaiter().GetResult();
            try
            {
                ProcessNext(message, pipeline);
            }
            finally
            {
                if (slot)
                {
                    slots.Release();
                }
            }
        }
    }
}
