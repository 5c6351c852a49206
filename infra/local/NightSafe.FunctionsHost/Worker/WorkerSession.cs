using System.Collections.Concurrent;
using System.Threading.Channels;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using NightSafe.FunctionsHost.Rpc;

namespace NightSafe.FunctionsHost.Worker;

/// <summary>Raised for every request outstanding when the worker's stream ends (crash, kill, stop).</summary>
public sealed class WorkerUnavailableException : Exception
{
    public WorkerUnavailableException()
    {
    }

    public WorkerUnavailableException(string message)
        : base(message)
    {
    }

    public WorkerUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>
/// The gRPC event stream with one worker process: a single writer (a channel) for every outbound message,
/// and responses matched to their requests. Every wait has a deadline: the worker never answers what it does not handle.
/// </summary>
internal sealed class WorkerSession : IDisposable
{
    private readonly Channel<StreamingMessage> _outbound = Channel.CreateUnbounded<StreamingMessage>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ConcurrentDictionary<string, TaskCompletionSource<StreamingMessage>> _pending = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _closing = new();
    private readonly Action<RpcLog> _onLog;
    private readonly ILogger _logger;
    private int _attached;

    public WorkerSession(string workerId, Action<RpcLog> onLog, ILogger logger)
    {
        WorkerId = workerId;
        _onLog = onLog;
        _logger = logger;
    }

    public string WorkerId { get; }

    /// <summary>Completes when the worker has opened its stream (StartStream).</summary>
    public Task Connected => _connected.Task;

    /// <summary>Completes when the stream has ended, for whatever reason.</summary>
    public Task Ended => _ended.Task;

    public IReadOnlyDictionary<string, string> Capabilities { get; set; } = new Dictionary<string, string>();

    /// <summary>Runs the stream until the worker closes it or the session is closed.</summary>
    public async Task AttachAsync(IAsyncStreamReader<StreamingMessage> requests, IServerStreamWriter<StreamingMessage> responses, CancellationToken callCancelled)
    {
        if (Interlocked.Exchange(ref _attached, 1) == 1)
        {
            HostLog.SecondStream(_logger, WorkerId);
            return;
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(callCancelled, _closing.Token);
        _connected.TrySetResult();
        var writer = WriteAllAsync(responses, stop.Token);
        try
        {
            while (await requests.MoveNext(stop.Token))
            {
                Dispatch(requests.Current);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or Grpc.Core.RpcException or InvalidOperationException)
        {
            // The worker went away or we are closing: either way the stream is over.
            HostLog.StreamEnded(_logger, ex, WorkerId);
        }
        finally
        {
            End();
            await stop.CancelAsync();
            try
            {
                await writer;
            }
            catch (Exception ex) when (ex is OperationCanceledException or IOException or Grpc.Core.RpcException or InvalidOperationException)
            {
                HostLog.StreamEnded(_logger, ex, WorkerId);
            }
        }
    }

    /// <summary>Queues a message for the worker; false once the stream has ended.</summary>
    public bool Send(StreamingMessage message) => _outbound.Writer.TryWrite(message);

    /// <summary>Sends <paramref name="message"/> and waits (bounded) for the response registered under <paramref name="key"/>.</summary>
    public async Task<StreamingMessage> RequestAsync(StreamingMessage message, string key, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var response = new TaskCompletionSource<StreamingMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_pending.TryAdd(key, response))
        {
            throw new InvalidOperationException($"A request '{key}' is already waiting for the worker.");
        }

        try
        {
            if (_ended.Task.IsCompleted || !Send(message))
            {
                throw new WorkerUnavailableException($"Worker {WorkerId} is not connected.");
            }

            return await response.Task.WaitAsync(timeout, cancellationToken);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"The worker did not answer '{key}' within {timeout.TotalSeconds:0.#} s.");
        }
        finally
        {
            _pending.TryRemove(key, out _);
        }
    }

    /// <summary>Ends the stream from our side and fails everything still waiting.</summary>
    public void Close()
    {
        _closing.Cancel();
        End();
    }

    public void Dispose() => _closing.Dispose();

    internal static string InvocationKey(string invocationId) => "invocation:" + invocationId;

    internal static string LoadKey(string functionId) => "load:" + functionId;

    internal const string InitKey = "init";

    internal const string MetadataKey = "metadata";

    private void End()
    {
        _outbound.Writer.TryComplete();
        if (_ended.TrySetResult())
        {
            foreach (var (key, waiting) in _pending)
            {
                waiting.TrySetException(new WorkerUnavailableException($"Worker {WorkerId} went away while '{key}' was in flight."));
            }
        }
    }

    private async Task WriteAllAsync(IServerStreamWriter<StreamingMessage> responses, CancellationToken cancellationToken)
    {
        await foreach (var message in _outbound.Reader.ReadAllAsync(cancellationToken))
        {
            await responses.WriteAsync(message, cancellationToken);
        }
    }

    private void Dispatch(StreamingMessage message)
    {
        string? key = message.ContentCase switch
        {
            StreamingMessage.ContentOneofCase.RpcLog => null,
            StreamingMessage.ContentOneofCase.WorkerInitResponse => InitKey,
            StreamingMessage.ContentOneofCase.FunctionMetadataResponse => MetadataKey,
            StreamingMessage.ContentOneofCase.FunctionLoadResponse => LoadKey(message.FunctionLoadResponse.FunctionId),
            StreamingMessage.ContentOneofCase.InvocationResponse => InvocationKey(message.InvocationResponse.InvocationId),
            _ => null,
        };

        if (message.ContentCase == StreamingMessage.ContentOneofCase.RpcLog)
        {
            _onLog(message.RpcLog);
        }
        else if (key is not null && _pending.TryGetValue(key, out var waiting))
        {
            waiting.TrySetResult(message);
        }
        else
        {
            HostLog.Unmatched(_logger, WorkerId, message.ContentCase);
        }
    }
}
