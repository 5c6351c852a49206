using System.Collections.Concurrent;
using Azure.Storage.Queues;

namespace NightSafe.FunctionsHost.Queues;

/// <summary>Queue clients for the app's storage connections, with host.json's message encoding.</summary>
internal sealed class StorageQueues(AppSettings settings, QueueSettings queueSettings)
{
    private readonly ConcurrentDictionary<string, QueueServiceClient> _services = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Task> _created = new(StringComparer.Ordinal);

    public QueueClient Queue(string? connection, string queueName)
    {
        var connectionString = settings.StorageConnectionString(connection);
        var service = _services.GetOrAdd(connectionString, cs => new QueueServiceClient(cs, new QueueClientOptions
        {
            MessageEncoding = queueSettings.Base64Encoding ? QueueMessageEncoding.Base64 : QueueMessageEncoding.None,
        }));
        return service.GetQueueClient(settings.Resolve(queueName).ToLowerInvariant());
    }

    /// <summary>Creates the queue once per host (as output bindings and poison handling do on first use).</summary>
    public Task EnsureExistsAsync(QueueClient queue, CancellationToken cancellationToken)
    {
        var key = queue.Uri.ToString();
        var task = _created.GetOrAdd(key, _ => queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken));
        if (task.IsFaulted || task.IsCanceled)
        {
            _created.TryRemove(key, out _);
        }

        return task;
    }
}
