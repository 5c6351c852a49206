using Azure.Data.Tables;
using Azure.Storage.Queues;

namespace NightSafe.Integrations.Storage;

/// <summary>
/// Creates NightSafe's tables and queues when they are missing, once per process: the first caller does the work,
/// later callers wait for it, and a failure (storage not reachable yet) is retried by the next caller.
/// </summary>
public sealed class StorageInitializer(TableServiceClient tables, QueueServiceClient queues)
{
    private readonly Lock _gate = new();
    private Task? _ready;

    public Task EnsureAsync(CancellationToken cancellationToken)
    {
        var ready = _ready;
        if (ready is { IsCompletedSuccessfully: true })
        {
            return Task.CompletedTask;
        }

        lock (_gate)
        {
            if (_ready is null || _ready.IsFaulted || _ready.IsCanceled)
            {
                // Not tied to one caller's token: the work is shared by everyone waiting for it.
                _ready = CreateAllAsync();
            }

            return _ready.WaitAsync(cancellationToken);
        }
    }

    private async Task CreateAllAsync()
    {
        var work = StorageNames.Tables.Select(name => (Task)tables.CreateTableIfNotExistsAsync(name))
            .Concat(StorageNames.Queues.Select(name => (Task)queues.GetQueueClient(name).CreateIfNotExistsAsync()));
        await Task.WhenAll(work);
    }
}
