using System.Globalization;
using Azure;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Microsoft.Extensions.Logging;
using NightSafe.FunctionsHost.Functions;
using NightSafe.FunctionsHost.Invocations;
using NightSafe.FunctionsHost.Rpc;

namespace NightSafe.FunctionsHost.Queues;

/// <summary>
/// Polls one storage queue for one queue-triggered function with host.json's semantics: batches, a new batch
/// when few are left in flight, back-off when idle, visibility timeout on failure, poison queue after maxDequeueCount.
/// </summary>
internal sealed class QueueTriggerListener : IDisposable
{
    private static readonly TimeSpan MinPollingInterval = TimeSpan.FromMilliseconds(100);

    private readonly FunctionDescriptor _function;
    private readonly FunctionInvoker _invoker;
    private readonly StorageQueues _queues;
    private readonly QueueSettings _settings;
    private readonly TimeSpan _processingVisibility;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _released = new(0);
    private int _inFlight;

    public QueueTriggerListener(FunctionDescriptor function, FunctionInvoker invoker, StorageQueues queues, HostSettings host, TimeProvider time, ILogger logger)
    {
        _function = function;
        _invoker = invoker;
        _queues = queues;
        _settings = host.Queues;
        _time = time;
        _logger = logger;

        // A message stays hidden while it runs; an invocation is bounded by functionTimeout, so hide it a little longer.
        _processingVisibility = host.FunctionTimeout is { } limit ? limit + TimeSpan.FromMinutes(1) : TimeSpan.FromMinutes(10);
    }

    public string QueueName { get; private set; } = string.Empty;

    public void Dispose() => _released.Dispose();

    /// <summary>The next wait when a poll found nothing: double the last, from 100 ms up to maxPollingInterval.</summary>
    public static TimeSpan NextIdleDelay(TimeSpan previous, TimeSpan maxPollingInterval)
    {
        var next = previous <= TimeSpan.Zero ? MinPollingInterval : previous * 2;
        return next > maxPollingInterval ? maxPollingInterval : next;
    }

    public async Task RunAsync(CancellationToken stop)
    {
        var trigger = _function.Trigger;
        var queue = _queues.Queue(trigger.Text("connection"), trigger.Text("queueName") ?? throw new InvalidOperationException($"{_function.Name}: queueTrigger has no queueName."));
        QueueName = queue.Name;
        var poison = _queues.Queue(trigger.Text("connection"), queue.Name + "-poison");
        var idleDelay = TimeSpan.Zero;
        var running = new List<Task>();
        HostLog.QueueListening(_logger, queue.Name, _function.Name);

        while (!stop.IsCancellationRequested)
        {
            try
            {
                await _queues.EnsureExistsAsync(queue, stop);
                var room = _settings.BatchSize;
                QueueMessage[] batch = (await queue.ReceiveMessagesAsync(room, _processingVisibility, stop)).Value;
                if (batch.Length == 0)
                {
                    idleDelay = NextIdleDelay(idleDelay, _settings.MaxPollingInterval);
                    await Task.Delay(idleDelay, _time, stop);
                    continue;
                }

                idleDelay = TimeSpan.Zero;
                foreach (var message in batch)
                {
                    Interlocked.Increment(ref _inFlight);
                    running.Add(Task.Run(() => ProcessAsync(queue, poison, message, stop), CancellationToken.None));
                }

                running.RemoveAll(t => t.IsCompleted);

                // Poll again at once, but only when few enough messages are still running.
                while (Volatile.Read(ref _inFlight) > _settings.NewBatchThreshold)
                {
                    await _released.WaitAsync(stop);
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex) when (ex is RequestFailedException or HttpRequestException or AggregateException or InvalidOperationException)
            {
                idleDelay = _settings.MaxPollingInterval;
                HostLog.QueuePollFailed(_logger, ex, queue.Name, idleDelay.TotalSeconds);
                try
                {
                    await Task.Delay(idleDelay, _time, stop);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }

        // Let the messages already taken finish (each is bounded by functionTimeout), as the real host drains on stop.
        await Task.WhenAll(running);
    }

    /// <summary>The trigger metadata the worker binds from (names as the real host sends them).</summary>
    internal static Dictionary<string, TypedData> Metadata(QueueMessage message, string text) => new(StringComparer.Ordinal)
    {
        ["QueueTrigger"] = TypedDataConversions.Text(text),
        ["Id"] = TypedDataConversions.Text(message.MessageId),
        ["DequeueCount"] = TypedDataConversions.Json(message.DequeueCount.ToString(CultureInfo.InvariantCulture)),
        ["InsertionTime"] = TypedDataConversions.Json(Quoted(message.InsertedOn)),
        ["ExpirationTime"] = TypedDataConversions.Json(Quoted(message.ExpiresOn)),
        ["NextVisibleTime"] = TypedDataConversions.Json(Quoted(message.NextVisibleOn)),
        ["PopReceipt"] = TypedDataConversions.Text(message.PopReceipt),
    };

    private static string Quoted(DateTimeOffset? time) =>
        time is { } t ? "\"" + t.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ss.fffffffK", CultureInfo.InvariantCulture) + "\"" : "null";

    private async Task ProcessAsync(QueueClient queue, QueueClient poison, QueueMessage message, CancellationToken stop)
    {
        try
        {
            if (message.DequeueCount > _settings.MaxDequeueCount)
            {
                // Already tried enough times (e.g. its worker died each time): straight to poison.
                await MoveToPoisonAsync(queue, poison, message, stop);
                return;
            }

            var text = message.Body.ToString();
            var outcome = await _invoker.InvokeAsync(_function, TypedDataConversions.Text(text), Metadata(message, text), CancellationToken.None);
            if (outcome.Succeeded)
            {
                await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, CancellationToken.None);
            }
            else if (message.DequeueCount >= _settings.MaxDequeueCount)
            {
                await MoveToPoisonAsync(queue, poison, message, CancellationToken.None);
            }
            else
            {
                await queue.UpdateMessageAsync(message.MessageId, message.PopReceipt, visibilityTimeout: _settings.VisibilityTimeout, cancellationToken: CancellationToken.None);
            }
        }
        catch (RequestFailedException ex)
        {
            // Typically the pop receipt expired: the message is visible again and will be retried.
            HostLog.MessageNotSettled(_logger, ex, message.MessageId, queue.Name);
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
            _released.Release();
        }
    }

    private async Task MoveToPoisonAsync(QueueClient queue, QueueClient poison, QueueMessage message, CancellationToken cancellationToken)
    {
        HostLog.MovedToPoison(_logger, message.MessageId, _settings.MaxDequeueCount, poison.Name);
        await _queues.EnsureExistsAsync(poison, cancellationToken);
        await poison.SendMessageAsync(message.Body, cancellationToken: cancellationToken);
        await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, cancellationToken);
    }
}
