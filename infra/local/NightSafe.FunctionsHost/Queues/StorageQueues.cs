using System.Collections.Concurrent;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Microsoft.Extensions.Logging;

namespace NightSafe.FunctionsHost.Queues;

/// <summary>Queue clients for the app's storage connections, with host.json's message encoding.</summary>
internal sealed class StorageQueues(AppSettings settings, QueueSettings queueSettings, ILogger logger)
{
    private readonly ConcurrentDictionary<string, QueueServiceClient> _services = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Task> _created = new(StringComparer.Ordinal);

    public QueueClient Queue(string? connection, string queueName)
    {
        var connectionString = settings.StorageConnectionString(connection);
        var service = _services.GetOrAdd(connectionString, Service);
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

    private QueueServiceClient Service(string connectionString)
    {
        if (!queueSettings.Base64Encoding)
        {
            return new QueueServiceClient(connectionString, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.None });
        }

        // A message that is not base64 can never be processed: as the real host does, move it untouched to the poison queue.
        var raw = new QueueServiceClient(connectionString, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.None });
        var options = new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 };
        options.MessageDecodingFailed += async args =>
        {
            if (args.ReceivedMessage is not QueueMessage message)
            {
                return;
            }

            var poison = raw.GetQueueClient(args.Queue.Name + "-poison");
            HostLog.UndecodableMessage(logger, message.MessageId, args.Queue.Name, poison.Name);
            await poison.CreateIfNotExistsAsync(cancellationToken: args.CancellationToken);
            await poison.SendMessageAsync(message.Body, cancellationToken: args.CancellationToken);
            await args.Queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, args.CancellationToken);
        };
        return new QueueServiceClient(connectionString, options);
    }
}
