using System.Collections.Concurrent;
using Azure.Core;
using Azure.Core.Pipeline;

namespace NightSafe.Integrations.Storage;

/// <summary>What one storage request did, as its method and address show it.</summary>
public enum StorageOperation
{
    TablePointRead,
    TableQuery,
    TableInsert,
    TableUpdate,
    TableDelete,
    TableTransaction,

    /// <summary>Creating or listing tables, service properties: set-up, not per-referral work.</summary>
    TableAdmin,
    QueueSend,
    QueueReceive,
    QueuePeek,
    QueueDelete,
    QueueUpdate,

    /// <summary>Creating queues, reading their properties, clearing them.</summary>
    QueueAdmin,
}

/// <summary>
/// Counts every request the app's table and queue clients send (each retry is a request of its own), by operation.
/// Its policies sit in the Azure SDK's own pipeline (<see cref="HttpPipelinePosition.PerRetry"/>), so it counts what
/// the adapters really send, not what we think they send. Each storage request is a round trip here and money in Azure.
/// </summary>
public sealed class StorageRequestCounter
{
    private readonly ConcurrentDictionary<StorageOperation, long> _counts = new();

    public StorageRequestCounter()
    {
        TablePolicy = new Policy(this, static (method, path, _) => ClassifyTable(method, path));
        QueuePolicy = new Policy(this, ClassifyQueue);
    }

    /// <summary>The policy to add to a Table client's options.</summary>
    public HttpPipelinePolicy TablePolicy { get; }

    /// <summary>The policy to add to a Queue client's options.</summary>
    public HttpPipelinePolicy QueuePolicy { get; }

    /// <summary>A copy of the counts so far, by operation (operations never seen are absent).</summary>
    public IReadOnlyDictionary<StorageOperation, long> Snapshot() => new Dictionary<StorageOperation, long>(_counts);

    /// <summary>Requests that do a referral's work: everything but set-up (creating tables and queues).</summary>
    public static long Work(IReadOnlyDictionary<StorageOperation, long> counts)
    {
        ArgumentNullException.ThrowIfNull(counts);
        return counts.Where(c => c.Key is not (StorageOperation.TableAdmin or StorageOperation.QueueAdmin)).Sum(c => c.Value);
    }

    /// <summary>The difference <paramref name="after"/> − <paramref name="before"/>, per operation.</summary>
    public static IReadOnlyDictionary<StorageOperation, long> Since(IReadOnlyDictionary<StorageOperation, long> before, IReadOnlyDictionary<StorageOperation, long> after)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        return after.Select(a => KeyValuePair.Create(a.Key, a.Value - before.GetValueOrDefault(a.Key)))
            .Where(a => a.Value != 0)
            .ToDictionary();
    }

    /// <summary>A Table request's operation: entity paths are /{table}(PartitionKey='..',RowKey='..'), transactions /$batch.</summary>
    public static StorageOperation ClassifyTable(RequestMethod method, string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var entity = path.Contains("(PartitionKey=", StringComparison.Ordinal);
        var admin = path.EndsWith("/Tables", StringComparison.Ordinal) || path.Contains("/Tables(", StringComparison.Ordinal) || path.EndsWith('/');
        return method.Method switch
        {
            _ when admin => StorageOperation.TableAdmin,
            "POST" when path.EndsWith("/$batch", StringComparison.Ordinal) => StorageOperation.TableTransaction,
            "POST" => StorageOperation.TableInsert,
            "GET" when entity => StorageOperation.TablePointRead,
            "GET" => StorageOperation.TableQuery,
            "PUT" or "MERGE" or "PATCH" => StorageOperation.TableUpdate,
            "DELETE" => StorageOperation.TableDelete,
            _ => StorageOperation.TableAdmin,
        };
    }

    /// <summary>A Queue request's operation: message paths are /{queue}/messages and /{queue}/messages/{id}.</summary>
    public static StorageOperation ClassifyQueue(RequestMethod method, string path, string query)
    {
        ArgumentNullException.ThrowIfNull(path);
        var at = path.LastIndexOf("/messages", StringComparison.Ordinal);
        if (at < 0)
        {
            return StorageOperation.QueueAdmin;
        }

        var oneMessage = path.Length > at + "/messages".Length + 1;
        return (method.Method, oneMessage) switch
        {
            ("POST", false) => StorageOperation.QueueSend,
            ("GET", false) when query?.Contains("peekonly=true", StringComparison.OrdinalIgnoreCase) == true => StorageOperation.QueuePeek,
            ("GET", false) => StorageOperation.QueueReceive,
            ("DELETE", true) => StorageOperation.QueueDelete,
            ("PUT", true) => StorageOperation.QueueUpdate,
            _ => StorageOperation.QueueAdmin,
        };
    }

    private void Count(StorageOperation operation) => _counts.AddOrUpdate(operation, 1, static (_, n) => n + 1);

    private sealed class Policy(StorageRequestCounter counter, Func<RequestMethod, string, string, StorageOperation> classify) : HttpPipelineSynchronousPolicy
    {
        public override void OnSendingRequest(HttpMessage message)
        {
            ArgumentNullException.ThrowIfNull(message);
            var request = message.Request;
            counter.Count(classify(request.Method, request.Uri.Path, request.Uri.Query));
        }
    }
}
