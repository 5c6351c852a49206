using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Google.Protobuf.WellKnownTypes;
using Microsoft.Extensions.Logging;
using NightSafe.FunctionsHost.Functions;
using NightSafe.FunctionsHost.Rpc;
using NightSafe.LocalStack;

namespace NightSafe.FunctionsHost.Worker;

/// <summary>Where the host is in its life; GET /admin/host/status reports it.</summary>
public enum FunctionsHostState
{
    Initializing,
    Running,
    Error,
    Stopping,
    Stopped,
}

/// <summary>
/// Starts the worker, runs the handshake (init, metadata, one load per function), restarts it when it dies,
/// and stops it gracefully (WorkerTerminate, then wait for exit, then kill).
/// </summary>
internal sealed class WorkerSupervisor : IAsyncDisposable
{
    private const string HostVersion = "4.1040.0";
    private static readonly TimeSpan MaxRestartDelay = TimeSpan.FromSeconds(30);

    private readonly FunctionApp _app;
    private readonly Func<Uri> _grpcUri;
    private readonly WorkerSessions _sessions;
    private readonly FunctionsDevHostOptions _options;
    private readonly ILogger _logger;
    private readonly ILoggerFactory _loggerFactory;
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource<IReadOnlyList<FunctionDescriptor>> _firstLoad = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Queue<string> _recentOutput = new();
    private readonly Lock _gate = new();
    private TaskCompletionSource<WorkerSession> _running = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private WorkerSession? _session;
    private ChildProcess? _process;
    private Task? _loop;
    private volatile bool _stopRequested;
    private string? _lastError;

    public WorkerSupervisor(FunctionApp app, Func<Uri> grpcUri, WorkerSessions sessions, FunctionsDevHostOptions options, ILoggerFactory loggerFactory)
    {
        _app = app;
        _grpcUri = grpcUri;
        _sessions = sessions;
        _options = options;
        _loggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger("NightSafe.FunctionsHost.Worker");
    }

    public FunctionsHostState State { get; private set; } = FunctionsHostState.Initializing;

    /// <summary>The functions loaded in the current (or last) worker.</summary>
    public IReadOnlyList<FunctionDescriptor> Functions { get; private set; } = [];

    /// <summary>Completes with the function list the first time a worker has loaded them.</summary>
    public Task<IReadOnlyList<FunctionDescriptor>> FirstLoad => _firstLoad.Task;

    /// <summary>The real worker process (not its watchdog), when known.</summary>
    public int? WorkerProcessId { get; private set; }

    /// <summary>How many times a worker has been started (1 after start, more after restarts).</summary>
    public int WorkerStarts { get; private set; }

    public void Start() => _loop = Task.Run(() => RunAsync(_stop.Token));

    /// <summary>Waits until a worker is connected and has loaded its functions.</summary>
    public async Task WaitUntilRunningAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            await CurrentSessionAsync(timeout, cancellationToken);
        }
        catch (TimeoutException)
        {
            string output;
            lock (_gate)
            {
                output = string.Join(Environment.NewLine, _recentOutput);
            }

            throw new TimeoutException(
                $"The Functions host was not running within {timeout.TotalSeconds:0} s (state {State}; last error: {_lastError ?? "none"}). Worker output:{Environment.NewLine}{output}");
        }
    }

    /// <summary>Sends one invocation and waits for its response (bounded by host.json functionTimeout).</summary>
    public async Task<InvocationResponse> InvokeAsync(InvocationRequest request, CancellationToken cancellationToken)
    {
        var session = await CurrentSessionAsync(_options.WorkerUnavailableTimeout, cancellationToken);
        var timeout = _app.Host.FunctionTimeout ?? Timeout.InfiniteTimeSpan;
        try
        {
            var response = await session.RequestAsync(new StreamingMessage { InvocationRequest = request }, WorkerSession.InvocationKey(request.InvocationId), timeout, cancellationToken);
            return response.InvocationResponse;
        }
        catch (Exception ex) when (ex is TimeoutException or OperationCanceledException)
        {
            // Tell the worker to give up too; it may ignore this, which is fine.
            session.Send(new StreamingMessage { InvocationCancel = new InvocationCancel { InvocationId = request.InvocationId, GracePeriod = Duration.FromTimeSpan(TimeSpan.Zero) } });
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        _stopRequested = true;
        State = FunctionsHostState.Stopping;
        WorkerSession? session;
        ChildProcess? process;
        lock (_gate)
        {
            session = _session;
            process = _process;

            // Whoever waits for a worker now will not get one.
            _running.TrySetException(new WorkerUnavailableException("The Functions host is stopping."));
        }

        if (session is not null && process is not null && !process.HasExited)
        {
            var grace = _options.WorkerStopGracePeriod;
            session.Send(new StreamingMessage { WorkerTerminate = new WorkerTerminate { GracePeriod = Duration.FromTimeSpan(grace) } });
            try
            {
                await process.WaitForExitAsync().WaitAsync(grace);
                HostLog.WorkerExitedOnTerminate(_logger);
            }
            catch (TimeoutException)
            {
                HostLog.WorkerIgnoredTerminate(_logger, grace.TotalSeconds);
            }
        }

        await _stop.CancelAsync();
        if (_loop is not null)
        {
            await _loop;
        }

        State = FunctionsHostState.Stopped;
        _stop.Dispose();
    }

    private async Task<WorkerSession> CurrentSessionAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            Task<WorkerSession> running;
            lock (_gate)
            {
                running = _running.Task;
            }

            if (_stopRequested)
            {
                throw new WorkerUnavailableException("The Functions host is stopping.");
            }

            var left = timeout == Timeout.InfiniteTimeSpan ? timeout : timeout - deadline.Elapsed;
            if (left != Timeout.InfiniteTimeSpan && left <= TimeSpan.Zero)
            {
                throw new TimeoutException($"No worker was running within {timeout.TotalSeconds:0} s.");
            }

            var session = await running.WaitAsync(left, cancellationToken);
            if (!session.Ended.IsCompleted)
            {
                return session;
            }

            // That worker has just died and its replacement is not registered yet; look again shortly (bounded by the deadline).
            await Task.Delay(TimeSpan.FromMilliseconds(20), cancellationToken);
        }
    }

    private async Task RunAsync(CancellationToken stop)
    {
        var failures = 0;
        while (!stop.IsCancellationRequested && !_stopRequested)
        {
            var session = new WorkerSession(Guid.NewGuid().ToString("N"), ForwardLog, _logger);
            _sessions.Add(session);
            ChildProcess? process = null;
            var loaded = false;
            try
            {
                process = StartWorker(session.WorkerId);
                lock (_gate)
                {
                    _session = session;
                    _process = process;
                }

                WorkerStarts++;
                using var startup = CancellationTokenSource.CreateLinkedTokenSource(stop);
                startup.CancelAfter(_options.WorkerStartTimeout);
                var exited = process.WaitForExitAsync(startup.Token);
                await Task.WhenAny(session.Connected, exited);
                if (!session.Connected.IsCompleted)
                {
                    throw new InvalidOperationException(process.HasExited
                        ? $"The worker exited (code {process.ExitCode}) before it connected."
                        : $"The worker did not connect within {_options.WorkerStartTimeout.TotalSeconds:0} s.");
                }

                WorkerProcessId = ProcessTree.FirstChild(process.Id) ?? process.Id;
                Functions = await InitializeAsync(session, startup.Token);
                loaded = true;
                failures = 0;
                _lastError = null;
                State = FunctionsHostState.Running;
                _firstLoad.TrySetResult(Functions);
                lock (_gate)
                {
                    _running.TrySetResult(session);
                }

                HostLog.WorkerRunning(_logger, session.WorkerId, WorkerProcessId, Functions.Count);
                await Task.WhenAny(session.Ended, process.WaitForExitAsync(stop));
            }
            catch (Exception) when (stop.IsCancellationRequested || _stopRequested)
            {
                // Stopping while a worker was starting: nothing to report.
                break;
            }
            catch (Exception ex)
            {
                failures++;
                _lastError = ex.Message;
                State = FunctionsHostState.Error;
                HostLog.WorkerStartFailed(_logger, ex, failures);
            }
            finally
            {
                lock (_gate)
                {
                    if (_running.Task.IsCompleted && !_stopRequested)
                    {
                        _running = new TaskCompletionSource<WorkerSession>(TaskCreationOptions.RunContinuationsAsynchronously);
                    }

                    _session = null;
                    _process = null;
                }

                if (!_stopRequested && loaded)
                {
                    State = FunctionsHostState.Initializing;
                    HostLog.WorkerCrashed(_logger, session.WorkerId, WorkerProcessId, process?.ExitCode);
                }

                session.Close();
                _sessions.Remove(session);
                session.Dispose();
                if (process is not null)
                {
                    try
                    {
                        await process.DisposeAsync();
                    }
                    catch (TimeoutException ex)
                    {
                        HostLog.WorkerNotStopped(_logger, ex);
                    }
                }
            }

            if (!_stopRequested && !stop.IsCancellationRequested && failures > 0)
            {
                // Back off after failed starts so a broken app does not spin; a crash after a good start restarts at once.
                var delay = TimeSpan.FromMilliseconds(Math.Min(MaxRestartDelay.TotalMilliseconds, 500 * Math.Pow(2, failures - 1)));
                try
                {
                    await Task.Delay(delay, _options.TimeProvider, stop);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }

        _firstLoad.TrySetException(new WorkerUnavailableException("The host stopped before the worker loaded its functions."));
    }

    private ChildProcess StartWorker(string workerId)
    {
        var environment = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var (key, value) in _app.Settings)
        {
            environment[key] = value;
        }

        environment.TryAdd("FUNCTIONS_WORKER_RUNTIME", "dotnet-isolated");
        environment.TryAdd("AZURE_FUNCTIONS_ENVIRONMENT", "Development");
        environment.TryAdd("FUNCTIONS_EXTENSION_VERSION", "~4");
        environment["FUNCTIONS_APPLICATION_DIRECTORY"] = _app.Directory;
        environment["FUNCTIONS_WORKER_DIRECTORY"] = _app.Directory;
        environment["AzureWebJobsScriptRoot"] = _app.Directory;

        string[] arguments =
        [
            .. _app.Worker.Arguments,
            "--functions-uri", _grpcUri().ToString(),
            "--functions-worker-id", workerId,
            "--functions-request-id", Guid.NewGuid().ToString("N"),
            "--functions-grpc-max-message-length", int.MaxValue.ToString(CultureInfo.InvariantCulture),
        ];

        var console = _loggerFactory.CreateLogger("Worker.Console");
        HostLog.StartingWorker(_logger, workerId, _app.Worker.Executable, _app.Worker.Arguments[^1]);
        return ChildProcess.Start("functions worker", _app.Worker.Executable, arguments, _app.Directory, line =>
        {
            lock (_gate)
            {
                _recentOutput.Enqueue(line);
                if (_recentOutput.Count > 40)
                {
                    _recentOutput.Dequeue();
                }
            }

            HostLog.WorkerOutput(console, line);
        }, environment, tieToParent: true);
    }

    private async Task<IReadOnlyList<FunctionDescriptor>> InitializeAsync(WorkerSession session, CancellationToken cancellationToken)
    {
        var timeout = _options.WorkerStartTimeout;
        var init = new StreamingMessage
        {
            RequestId = Guid.NewGuid().ToString("N"),
            WorkerInitRequest = new WorkerInitRequest { HostVersion = HostVersion, WorkerDirectory = _app.Directory, FunctionAppDirectory = _app.Directory },
        };
        var initResponse = (await session.RequestAsync(init, WorkerSession.InitKey, timeout, cancellationToken)).WorkerInitResponse;
        ThrowIfFailed(initResponse.Result, "WorkerInitRequest");
        session.Capabilities = new Dictionary<string, string>(initResponse.Capabilities);
        if (initResponse.Capabilities.ContainsKey("HttpUri"))
        {
            HostLog.AspNetCoreIntegration(_logger);
        }

        var metadataRequest = new StreamingMessage
        {
            RequestId = Guid.NewGuid().ToString("N"),
            FunctionsMetadataRequest = new FunctionsMetadataRequest { FunctionAppDirectory = _app.Directory },
        };
        var metadata = (await session.RequestAsync(metadataRequest, WorkerSession.MetadataKey, timeout, cancellationToken)).FunctionMetadataResponse;
        ThrowIfFailed(metadata.Result, "FunctionsMetadataRequest");
        var reported = metadata.UseDefaultMetadataIndexing || metadata.FunctionMetadataResults.Count == 0
            ? ReadFunctionsMetadataFile()
            : metadata.FunctionMetadataResults.ToList();
        var functions = reported.Select(FunctionDescriptor.FromMetadata).ToList();

        // The worker ignores the collection form, so one load request per function.
        var loads = functions.Select(async function =>
        {
            var request = new StreamingMessage
            {
                RequestId = Guid.NewGuid().ToString("N"),
                FunctionLoadRequest = new FunctionLoadRequest { FunctionId = function.FunctionId, Metadata = function.Metadata },
            };
            var response = (await session.RequestAsync(request, WorkerSession.LoadKey(function.FunctionId), timeout, cancellationToken)).FunctionLoadResponse;
            if (response.Result?.Status != StatusResult.Types.Status.Success)
            {
                HostLog.LoadFailed(_logger, function.Name, response.Result?.Exception?.Message ?? "no reason given");
                return null;
            }

            return function;
        });
        return [.. (await Task.WhenAll(loads)).OfType<FunctionDescriptor>()];
    }

    private List<RpcFunctionMetadata> ReadFunctionsMetadataFile()
    {
        // Host indexing: the SDK's functions.metadata lists each function with its bindings.
        var path = Path.Combine(_app.Directory, "functions.metadata");
        if (!File.Exists(path) || JsonNode.Parse(File.ReadAllText(path)) is not JsonArray entries)
        {
            return [];
        }

        var result = new List<RpcFunctionMetadata>();
        foreach (var entry in entries.OfType<JsonObject>())
        {
            var metadata = new RpcFunctionMetadata
            {
                Name = entry["name"]?.GetValue<string>() ?? string.Empty,
                ScriptFile = entry["scriptFile"]?.GetValue<string>() ?? string.Empty,
                EntryPoint = entry["entryPoint"]?.GetValue<string>() ?? string.Empty,
                Language = entry["language"]?.GetValue<string>() ?? "dotnet-isolated",
                Directory = _app.Directory,
            };
            metadata.FunctionId = metadata.Name;
            if (entry["bindings"] is JsonArray bindings)
            {
                metadata.RawBindings.AddRange(bindings.OfType<JsonObject>().Select(b => b.ToJsonString()));
            }

            result.Add(metadata);
        }

        return result;
    }

    private static void ThrowIfFailed(StatusResult? result, string step)
    {
        if (result is null || result.Status != StatusResult.Types.Status.Success)
        {
            throw new InvalidOperationException($"The worker failed {step}: {result?.Exception?.Message ?? "no reason given"}");
        }
    }

    private void ForwardLog(RpcLog log)
    {
        if (log.LogCategory == RpcLog.Types.RpcLogCategory.CustomMetric)
        {
            return;
        }

        var level = log.Level switch
        {
            RpcLog.Types.Level.Trace => LogLevel.Trace,
            RpcLog.Types.Level.Debug => LogLevel.Debug,
            RpcLog.Types.Level.Information => LogLevel.Information,
            RpcLog.Types.Level.Warning => LogLevel.Warning,
            RpcLog.Types.Level.Error => LogLevel.Error,
            RpcLog.Types.Level.Critical => LogLevel.Critical,
            _ => LogLevel.None,
        };
        var logger = _loggerFactory.CreateLogger(string.IsNullOrEmpty(log.Category) ? "Worker" : log.Category);
        if (level == LogLevel.None || !logger.IsEnabled(level))
        {
            return;
        }

        var exception = log.Exception is null ? null : new WorkerFunctionException(log.Exception);
        logger.Log(level, default, exception, "{Message}", log.Message);
    }
}

/// <summary>An exception raised in the worker, carried over the wire as type, message and stack trace.</summary>
public sealed class WorkerFunctionException : Exception
{
    public WorkerFunctionException()
    {
    }

    public WorkerFunctionException(string message)
        : base(message)
    {
    }

    public WorkerFunctionException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    internal WorkerFunctionException(RpcException exception)
        : base(string.IsNullOrEmpty(exception.Type) ? exception.Message : $"{exception.Type}: {exception.Message}")
    {
        WorkerStackTrace = exception.StackTrace;
    }

    /// <summary>The stack trace as the worker reported it.</summary>
    public string? WorkerStackTrace { get; }

    public override string? StackTrace => WorkerStackTrace ?? base.StackTrace;
}
