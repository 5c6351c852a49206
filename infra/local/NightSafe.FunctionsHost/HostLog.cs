using Microsoft.Extensions.Logging;

namespace NightSafe.FunctionsHost;

/// <summary>The host's log lines, source-generated so a disabled level costs nothing.</summary>
internal static partial class HostLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Functions dev host listening on {BaseUrl} (worker gRPC on port {GrpcPort}), app {AppDirectory}")]
    public static partial void Listening(ILogger logger, Uri baseUrl, int grpcPort, string appDirectory);

    [LoggerMessage(Level = LogLevel.Information, Message = "Stopping the Functions dev host")]
    public static partial void Stopping(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Functions dev host stopped")]
    public static partial void Stopped(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Some invocations were still running when the host stopped")]
    public static partial void StillRunningAtStop(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A trigger ended with an error while stopping")]
    public static partial void TriggerErrorAtStop(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Function {Function} has a {Trigger} trigger, which this dev host does not run; POST /admin/functions/{Function} runs it")]
    public static partial void UnsupportedTrigger(ILogger logger, string function, string trigger);

    [LoggerMessage(Level = LogLevel.Error, Message = "Function {Function}: its trigger cannot start: {Reason}")]
    public static partial void TriggerCannotStart(ILogger logger, string function, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Admin run of {Function} accepted")]
    public static partial void AdminRunAccepted(ILogger logger, string function);

    [LoggerMessage(Level = LogLevel.Information, Message = "Executed '{Function}' (Succeeded, Id={InvocationId}, Duration={Duration}ms)")]
    public static partial void Executed(ILogger logger, string function, string invocationId, long duration);

    [LoggerMessage(Level = LogLevel.Error, Message = "Executed '{Function}' (Failed, Id={InvocationId}, Duration={Duration}ms): {Error}")]
    public static partial void ExecutionFailed(ILogger logger, string function, string invocationId, long duration, string? error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Listening on queue {Queue} for {Function}")]
    public static partial void QueueListening(ILogger logger, string queue, string function);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Polling queue {Queue} failed; retrying in {Seconds} s")]
    public static partial void QueuePollFailed(ILogger logger, Exception exception, string queue, double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not settle message {MessageId} on queue {Queue}")]
    public static partial void MessageNotSettled(ILogger logger, Exception exception, string messageId, string queue);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Message {MessageId} has reached MaxDequeueCount of {Max}; moving it to queue {PoisonQueue}")]
    public static partial void MovedToPoison(ILogger logger, string messageId, int max, string poisonQueue);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Message {MessageId} on queue {Queue} is not base64 (host.json messageEncoding); moving it to queue {PoisonQueue}")]
    public static partial void UndecodableMessage(ILogger logger, string messageId, string queue, string poisonQueue);

    [LoggerMessage(Level = LogLevel.Information, Message = "Timer {Function} ({Schedule}, UTC) next runs at {Next:O}")]
    public static partial void TimerScheduled(ILogger logger, string function, string schedule, DateTimeOffset next);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Worker {WorkerId} opened a second stream; ignoring it")]
    public static partial void SecondStream(ILogger logger, string workerId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Worker {WorkerId} stream ended")]
    public static partial void StreamEnded(ILogger logger, Exception exception, string workerId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Worker {WorkerId} sent {Content} that nothing waits for")]
    public static partial void Unmatched(ILogger logger, string workerId, Rpc.StreamingMessage.ContentOneofCase content);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A worker stream did not begin with StartStream; closing it")]
    public static partial void NoStartStream(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Worker {WorkerId} is not one this host started; closing its stream")]
    public static partial void UnknownWorker(ILogger logger, string workerId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Worker exited after WorkerTerminate")]
    public static partial void WorkerExitedOnTerminate(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Worker did not exit within {Seconds} s of WorkerTerminate; killing it")]
    public static partial void WorkerIgnoredTerminate(ILogger logger, double seconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Worker {WorkerId} (pid {ProcessId}) loaded {Count} functions; host is running")]
    public static partial void WorkerRunning(ILogger logger, string workerId, int? processId, int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "The worker failed to start (attempt {Attempt})")]
    public static partial void WorkerStartFailed(ILogger logger, Exception exception, int attempt);

    [LoggerMessage(Level = LogLevel.Error, Message = "Worker {WorkerId} (pid {ProcessId}) stopped unexpectedly (exit code {ExitCode}); in-flight invocations fail and the worker is restarted")]
    public static partial void WorkerCrashed(ILogger logger, string workerId, int? processId, int? exitCode);

    [LoggerMessage(Level = LogLevel.Error, Message = "The worker process could not be stopped")]
    public static partial void WorkerNotStopped(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Starting worker {WorkerId}: {Executable} {Entry}")]
    public static partial void StartingWorker(ILogger logger, string workerId, string executable, string entry);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Line}")]
    public static partial void WorkerOutput(ILogger logger, string line);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The app uses ASP.NET Core integration (HttpUri capability), which this dev host does not proxy; HTTP triggers use the gRPC message form")]
    public static partial void AspNetCoreIntegration(ILogger logger);

    [LoggerMessage(Level = LogLevel.Error, Message = "Function {Function} failed to load: {Reason}")]
    public static partial void LoadFailed(ILogger logger, string function, string reason);
}
