using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using NightSafe.Integrations.Storage;

namespace NightSafe.Integrations.Tests.Storage;

[Collection(AzuriteGroup.Name)]
public sealed class StorageInitializerTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Tables_and_queues_are_created_once_however_many_callers_ask()
    {
        var creates = new RequestCounter();
        var tableOptions = new TableClientOptions();
        tableOptions.AddPolicy(creates, HttpPipelinePosition.PerCall);
        var queueOptions = new QueueClientOptions();
        queueOptions.AddPolicy(creates, HttpPipelinePosition.PerCall);
        var tables = new TableServiceClient(azurite.ConnectionString, tableOptions);
        var initializer = new StorageInitializer(tables, new QueueServiceClient(azurite.ConnectionString, queueOptions));

        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => initializer.EnsureAsync(CancellationToken.None))));
        await initializer.EnsureAsync(CancellationToken.None);

        Assert.Equal(StorageNames.Tables.Count + StorageNames.Queues.Count, creates.Count);
        var existing = new List<string>();
        await foreach (var table in tables.QueryAsync())
        {
            existing.Add(table.Name);
        }

        Assert.Superset(StorageNames.Tables.ToHashSet(), existing.ToHashSet());
    }

    /// <summary>Counts the requests a client sends (a pipeline policy; the client itself is real).</summary>
    private sealed class RequestCounter : HttpPipelineSynchronousPolicy
    {
        private int _count;

        public int Count => _count;

        public override void OnSendingRequest(HttpMessage message) => Interlocked.Increment(ref _count);
    }
}
