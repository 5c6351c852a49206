using Azure.Data.Tables;
using Azure.Messaging.ServiceBus;
using Azure.Storage.Queues;
using Microsoft.Extensions.Logging;
using NightSafe.Integrations.ServiceBus;
using NightSafe.Integrations.Storage;

namespace NightSafe.Integrations.Health;

/// <summary>Whether one dependency answered: <c>ok</c> or <c>down</c>, never an error text (the endpoint is anonymous).</summary>
public sealed record HealthCheck(string Name, bool Ok, long Milliseconds);

/// <summary>The hub's dependencies at one moment; healthy when every check is ok.</summary>
public sealed record HealthReport(IReadOnlyList<HealthCheck> Checks)
{
    public bool Healthy => Checks.All(c => c.Ok);
}

/// <summary>
/// Asks each dependency (after creating the tables and queues if this process has not yet) the smallest question that proves the app can use it: every table answers a one-row query,
/// every queue its properties, and the <c>cases</c> topic opens a send link (a batch is created, nothing is sent).
/// Each check has its own deadline, so one unreachable dependency cannot hold the answer past it.
/// </summary>
public sealed partial class HubHealthProbe(TableServiceClient tables, QueueServiceClient queues, StorageInitializer storage, ServiceBusClient serviceBus, TimeProvider time, ILogger<HubHealthProbe> logger)
{
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(5);

    public async Task<HealthReport> CheckAsync(CancellationToken cancellationToken)
    {
        var checks = await Task.WhenAll(
            TimedAsync("tables", TablesAsync, cancellationToken),
            TimedAsync("queues", QueuesAsync, cancellationToken),
            TimedAsync("serviceBus", ServiceBusAsync, cancellationToken));
        return new HealthReport(checks);
    }

    private async Task TablesAsync(CancellationToken cancellationToken)
    {
        // A new deployment has no tables until the first request creates them: the probe creates them too.
        await storage.EnsureAsync(cancellationToken);
        foreach (var name in StorageNames.Tables)
        {
            // A missing table or a refused identity throws; an empty answer is fine.
            await foreach (var _ in tables.GetTableClient(name).QueryAsync<TableEntity>("PartitionKey eq 'health'", maxPerPage: 1, select: ["PartitionKey"], cancellationToken: cancellationToken).AsPages().WithCancellation(cancellationToken))
            {
                break;
            }
        }
    }

    private async Task QueuesAsync(CancellationToken cancellationToken)
    {
        await storage.EnsureAsync(cancellationToken);
        foreach (var name in StorageNames.Queues)
        {
            await queues.GetQueueClient(name).GetPropertiesAsync(cancellationToken);
        }
    }

    private async Task ServiceBusAsync(CancellationToken cancellationToken)
    {
        await using var sender = serviceBus.CreateSender(PartnerMessages.CasesTopic);
        using var batch = await sender.CreateMessageBatchAsync(cancellationToken);
    }

    private async Task<HealthCheck> TimedAsync(string name, Func<CancellationToken, Task> check, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(Deadline);
        try
        {
            await check(deadline.Token);
            return new HealthCheck(name, true, (long)time.GetElapsedTime(started).TotalMilliseconds);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogDown(name, e.GetType().Name);
            return new HealthCheck(name, false, (long)time.GetElapsedTime(started).TotalMilliseconds);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Health check {Check} failed: {Error}")]
    private partial void LogDown(string check, string error);
}
