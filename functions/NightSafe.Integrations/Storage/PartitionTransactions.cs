using Azure;
using Azure.Data.Tables;

namespace NightSafe.Integrations.Storage;

/// <summary>How a table's transactions on one partition are merged (section <c>StorageTransactions</c>; <see cref="PartitionTransactions"/>).</summary>
public sealed class StorageTransactionOptions
{
    public const string Section = "StorageTransactions";

    /// <summary>Transactions out at once per partition before the next ones wait to be merged; 0 never merges.</summary>
    [System.ComponentModel.DataAnnotations.Range(0, 1000)]
    public int InFlight { get; set; } = PartitionTransactions.DefaultInFlight;
}

/// <summary>
/// Group commit for one table's entity-group transactions. A transaction on a partition with fewer than
/// <see cref="InFlight"/> transactions out goes at once, alone, as it would without this class. One that arrives while
/// that many are out waits for one of them to finish, and then goes together with every other transaction that waited
/// for the same partition: one request instead of many. Under load that is most of them (a night is one partition of the
/// Referrals table, and every webhook and routing step writes to it), and the Table service's cost is mostly per
/// request, not per row (on Azurite a transaction of five rows takes about as long as one insert).
/// <para>
/// Each transaction keeps its own meaning. Transactions merged into one touch no row in common, so applying them
/// together is applying them one after another. When the merged request is refused (a 4xx: a row existed, an ETag had
/// changed), nothing was written, so each transaction is sent again alone and its caller gets its own answer, as if it
/// had never been merged. Any other failure (a 5xx after the SDK's retries, a timeout) may or may not have been
/// applied, exactly as for a transaction alone, so every caller of the merged request gets that failure.
/// </para>
/// </summary>
public sealed class PartitionTransactions
{
    /// <summary>Transactions out at once per partition before the next ones wait to be merged.</summary>
    public const int DefaultInFlight = 1;

    private readonly TableClient _table;
    private readonly Dictionary<string, Lane> _lanes = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public PartitionTransactions(TableClient table, int inFlight = DefaultInFlight)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentOutOfRangeException.ThrowIfNegative(inFlight);
        _table = table;
        InFlight = inFlight;
    }

    /// <summary>Transactions out at once per partition before the next ones wait; 0: none waits, none is merged.</summary>
    public int InFlight { get; }

    /// <summary>How many transactions went out merged with others (each counted once); for tests and figures.</summary>
    public long Merged => Interlocked.Read(ref _merged);

    private long _merged;

    /// <summary>
    /// Submits one entity-group transaction (every action in one partition, at most
    /// <see cref="TableReferralStore.MaxTransactionSize"/>, no row twice) and returns the answer to each of its actions,
    /// in order. Throws what <see cref="TableClient.SubmitTransactionAsync"/> throws for it.
    /// </summary>
    public async Task<IReadOnlyList<Response>> SubmitAsync(IReadOnlyList<TableTransactionAction> actions, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actions);
        if (actions.Count == 0)
        {
            throw new ArgumentException("A transaction needs at least one action.", nameof(actions));
        }

        if (InFlight == 0)
        {
            return (await _table.SubmitTransactionAsync(actions, cancellationToken)).Value;
        }

        var partition = actions[0].Entity.PartitionKey;
        Pending? waiting = null;
        lock (_gate)
        {
            if (!_lanes.TryGetValue(partition, out var lane))
            {
                _lanes[partition] = lane = new Lane();
            }

            if (lane.Out < InFlight)
            {
                lane.Out++;
            }
            else
            {
                waiting = new Pending(actions);
                lane.Waiting.Add(waiting);
            }
        }

        if (waiting is null)
        {
            try
            {
                return (await _table.SubmitTransactionAsync(actions, cancellationToken)).Value;
            }
            finally
            {
                Finished(partition);
            }
        }

        try
        {
            return await waiting.Answer.Task.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Given up while still waiting: it never goes. Once taken into a request it goes whatever happens here, as
            // a request already sent would.
            lock (_gate)
            {
                if (_lanes.TryGetValue(partition, out var lane))
                {
                    lane.Waiting.Remove(waiting);
                }
            }

            throw;
        }
    }

    /// <summary>A transaction of <paramref name="partition"/> finished: the ones waiting go next, merged, in its slot.</summary>
    private void Finished(string partition)
    {
        List<Pending> next;
        lock (_gate)
        {
            var lane = _lanes[partition];
            if (lane.Waiting.Count == 0)
            {
                if (--lane.Out == 0)
                {
                    _lanes.Remove(partition);
                }

                return;
            }

            next = TakeBatch(lane.Waiting);
        }

        // Not on this caller's time (it has its own answer already), nor in its context (its trace, its lane).
        using (ExecutionContext.SuppressFlow())
        {
            _ = Task.Run(() => SendAsync(partition, next));
        }
    }

    /// <summary>The oldest waiting transactions that fit one request: at most 100 actions, no row in two of them.</summary>
    private static List<Pending> TakeBatch(List<Pending> waiting)
    {
        var batch = new List<Pending>();
        var rows = new HashSet<string>(StringComparer.Ordinal);
        var actions = 0;
        for (var i = 0; i < waiting.Count; i++)
        {
            var pending = waiting[i];
            if (batch.Count > 0 && (actions + pending.Actions.Count > TableReferralStore.MaxTransactionSize || pending.Actions.Any(a => rows.Contains(a.Entity.RowKey))))
            {
                // Left for the next request; later ones touching none of its rows may still go now.
                continue;
            }

            batch.Add(pending);
            actions += pending.Actions.Count;
            foreach (var action in pending.Actions)
            {
                rows.Add(action.Entity.RowKey);
            }
        }

        foreach (var pending in batch)
        {
            waiting.Remove(pending);
        }

        return batch;
    }

    private async Task SendAsync(string partition, List<Pending> batch)
    {
        try
        {
            if (batch.Count == 1)
            {
                await AloneAsync(batch[0]);
                return;
            }

            Interlocked.Add(ref _merged, batch.Count);
            IReadOnlyList<Response> answers;
            try
            {
                answers = (await _table.SubmitTransactionAsync([.. batch.SelectMany(p => p.Actions)], CancellationToken.None)).Value;
            }
            catch (RequestFailedException e) when (e.Status is >= 400 and < 500)
            {
                // Refused whole, so nothing was written: each goes again alone and gets its own answer.
                await Task.WhenAll(batch.Select(AloneAsync));
                return;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                foreach (var pending in batch)
                {
                    pending.Answer.TrySetException(e);
                }

                return;
            }

            var at = 0;
            foreach (var pending in batch)
            {
                pending.Answer.TrySetResult([.. answers.Skip(at).Take(pending.Actions.Count)]);
                at += pending.Actions.Count;
            }
        }
        finally
        {
            Finished(partition);
        }
    }

    private async Task AloneAsync(Pending pending)
    {
        try
        {
            pending.Answer.TrySetResult((await _table.SubmitTransactionAsync(pending.Actions, CancellationToken.None)).Value);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            pending.Answer.TrySetException(e);
        }
    }

    private sealed class Lane
    {
        public int Out { get; set; }

        public List<Pending> Waiting { get; } = [];
    }

    private sealed class Pending(IReadOnlyList<TableTransactionAction> actions)
    {
        public IReadOnlyList<TableTransactionAction> Actions { get; } = actions;

        public TaskCompletionSource<IReadOnlyList<Response>> Answer { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
