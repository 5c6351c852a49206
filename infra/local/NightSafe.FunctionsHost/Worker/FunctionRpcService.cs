using System.Collections.Concurrent;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using NightSafe.FunctionsHost.Rpc;

namespace NightSafe.FunctionsHost.Worker;

/// <summary>Sessions waiting for, or holding, a worker's stream, by worker id.</summary>
internal sealed class WorkerSessions
{
    private readonly ConcurrentDictionary<string, WorkerSession> _sessions = new(StringComparer.Ordinal);

    public void Add(WorkerSession session) => _sessions[session.WorkerId] = session;

    public void Remove(WorkerSession session) => _sessions.TryRemove(new KeyValuePair<string, WorkerSession>(session.WorkerId, session));

    public WorkerSession? Find(string workerId) => _sessions.GetValueOrDefault(workerId);
}

/// <summary>The host side of AzureFunctionsRpcMessages.FunctionRpc: the worker dials in and opens EventStream.</summary>
internal sealed class FunctionRpcService(WorkerSessions sessions, ILogger<FunctionRpcService> logger) : FunctionRpc.FunctionRpcBase
{
    public override async Task EventStream(IAsyncStreamReader<StreamingMessage> requestStream, IServerStreamWriter<StreamingMessage> responseStream, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(requestStream);
        ArgumentNullException.ThrowIfNull(context);
        using var first = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken);
        first.CancelAfter(TimeSpan.FromSeconds(30));
        if (!await requestStream.MoveNext(first.Token) || requestStream.Current.ContentCase != StreamingMessage.ContentOneofCase.StartStream)
        {
            HostLog.NoStartStream(logger);
            return;
        }

        var workerId = requestStream.Current.StartStream.WorkerId;
        var session = sessions.Find(workerId);
        if (session is null)
        {
            HostLog.UnknownWorker(logger, workerId);
            return;
        }

        await session.AttachAsync(requestStream, responseStream, context.CancellationToken);
    }
}
