using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using NightSafe.Integrations.Storage;

namespace NightSafe.Integrations.Tests.Storage;

/// <summary>
/// Group commit on Azurite: the first transaction is held at the wire (a policy in the SDK's own pipeline) so the next
/// ones are sure to wait, then let go; what reached the service and what each caller got are checked.
/// </summary>
[Collection(AzuriteGroup.Name)]
public sealed class PartitionTransactionsTests(AzuriteFixture azurite) : IAsyncLifetime, IDisposable
{
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromMinutes(1));
    private readonly Gate _gate = new();
    private TableClient _table = null!;

    private CancellationToken Ct => _timeout.Token;

    public async Task InitializeAsync()
    {
        var options = new TableClientOptions();
        options.AddPolicy(_gate, HttpPipelinePosition.PerCall);
        options.Retry.MaxRetries = 0;
        _table = new TableClient(azurite.ConnectionString, "tx" + Guid.NewGuid().ToString("N")[..12], options);
        await _table.CreateIfNotExistsAsync(Ct);
        _gate.Requests = 0;
    }

    public async Task DisposeAsync()
    {
        _gate.Open();
        await _table.DeleteAsync(CancellationToken.None);
    }

    public void Dispose() => _timeout.Dispose();

    [Fact]
    public async Task Transactions_waiting_for_a_partition_go_out_together_and_each_caller_gets_its_own_rows_answers()
    {
        var transactions = new PartitionTransactions(_table, inFlight: 1);
        _gate.Hold();
        var first = transactions.SubmitAsync([Add("night", "first")], Ct);
        await _gate.WaitHeldAsync(Ct);
        var rest = Enumerable.Range(1, 12).Select(i => transactions.SubmitAsync([Add("night", $"r{i:00}-a"), Add("night", $"r{i:00}-b")], Ct)).ToList();

        _gate.Open();
        await first;
        var answers = await Task.WhenAll(rest);

        // The held one, then the twelve waiting as one request.
        Assert.Equal(2, _gate.Requests);
        Assert.Equal(12, transactions.Merged);
        for (var i = 0; i < answers.Length; i++)
        {
            Assert.Equal(2, answers[i].Count);
            var stored = await _table.GetEntityAsync<TableEntity>("night", $"r{i + 1:00}-b", cancellationToken: Ct);
            Assert.Equal(stored.Value.ETag, answers[i][1].Headers.ETag);
        }
    }

    [Fact]
    public async Task A_merged_request_refused_for_one_transaction_writes_the_others_and_gives_that_one_its_own_failure()
    {
        await _table.AddEntityAsync(new TableEntity("night", "taken"), Ct);
        _gate.Requests = 0;
        var transactions = new PartitionTransactions(_table, inFlight: 1);
        _gate.Hold();
        var first = transactions.SubmitAsync([Add("night", "first")], Ct);
        await _gate.WaitHeldAsync(Ct);
        var before = transactions.SubmitAsync([Add("night", "before")], Ct);
        var clash = transactions.SubmitAsync([Add("night", "clash-own"), Add("night", "taken")], Ct);
        var after = transactions.SubmitAsync([Add("night", "after")], Ct);

        _gate.Open();
        await Task.WhenAll(first, before, after);
        var refused = await Assert.ThrowsAnyAsync<RequestFailedException>(() => clash);

        // The held one, the merged one refused, then each of the three alone.
        Assert.Equal(5, _gate.Requests);
        Assert.Equal(409, refused.Status);
        Assert.True(await ExistsAsync("before"));
        Assert.True(await ExistsAsync("after"));
        Assert.False(await ExistsAsync("clash-own"));
    }

    [Fact]
    public async Task Transactions_on_the_same_row_are_not_merged_and_go_in_the_order_they_came()
    {
        var transactions = new PartitionTransactions(_table, inFlight: 1);
        _gate.Hold();
        var first = transactions.SubmitAsync([Add("night", "first")], Ct);
        await _gate.WaitHeldAsync(Ct);
        var add = transactions.SubmitAsync([Add("night", "row", "added")], Ct);
        var replace = transactions.SubmitAsync([new TableTransactionAction(TableTransactionActionType.UpdateReplace, new TableEntity("night", "row") { ["Value"] = "replaced" }, ETag.All)], Ct);
        var other = transactions.SubmitAsync([Add("night", "other")], Ct);

        _gate.Open();
        await Task.WhenAll(first, add, replace, other);

        // The held one; the add merged with the other row; the replace after them.
        Assert.Equal(3, _gate.Requests);
        Assert.Equal("replaced", (await _table.GetEntityAsync<TableEntity>("night", "row", cancellationToken: Ct)).Value.GetString("Value"));
    }

    [Fact]
    public async Task Other_partitions_do_not_wait_and_a_transaction_given_up_while_waiting_is_never_written()
    {
        var transactions = new PartitionTransactions(_table, inFlight: 1);
        _gate.Hold();
        var first = transactions.SubmitAsync([Add("night", "first")], Ct);
        await _gate.WaitHeldAsync(Ct);
        using var giveUp = new CancellationTokenSource();
        var abandoned = transactions.SubmitAsync([Add("night", "abandoned")], giveUp.Token);
        await giveUp.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => abandoned);

        // Another night is not held up behind the first (the gate holds only the first request).
        await transactions.SubmitAsync([Add("other-night", "free")], Ct);

        _gate.Open();
        await first;
        await transactions.SubmitAsync([Add("night", "later")], Ct);
        Assert.False(await ExistsAsync("abandoned"));
        Assert.True(await ExistsAsync("later"));
    }

    private static TableTransactionAction Add(string partition, string row, string value = "v") =>
        new(TableTransactionActionType.Add, new TableEntity(partition, row) { ["Value"] = value });

    private async Task<bool> ExistsAsync(string row) =>
        (await _table.GetEntityIfExistsAsync<TableEntity>("night", row, cancellationToken: Ct)).HasValue;

    /// <summary>Counts the requests; while held, the first one to come waits at the wire until <see cref="Open"/>.</summary>
    private sealed class Gate : HttpPipelinePolicy
    {
        private readonly TaskCompletionSource _held = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private TaskCompletionSource _open = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _holding;
        private int _requests;

        public int Requests
        {
            get => Volatile.Read(ref _requests);
            set => Volatile.Write(ref _requests, value);
        }

        public void Hold()
        {
            _open = new(TaskCreationOptions.RunContinuationsAsynchronously);
            Volatile.Write(ref _holding, 1);
        }

        public Task WaitHeldAsync(CancellationToken cancellationToken) => _held.Task.WaitAsync(cancellationToken);

        public void Open() => _open.TrySetResult();

        public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) =>
            throw new NotSupportedException("The tests use the async API.");

        public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            Interlocked.Increment(ref _requests);
            if (Interlocked.Exchange(ref _holding, 0) == 1)
            {
                _held.TrySetResult();
                await _open.Task;
            }

            await ProcessNextAsync(message, pipeline);
        }
    }
}
