using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace NightSafe.TwilioStandIn;

/// <summary>
/// A Twilio API that has stopped answering: while paused, every API request is held without an answer. A request whose
/// client gives up meanwhile (its timeout) is dropped without acting, so nothing is sent for it; one still waiting
/// when the outage ends is then served as usual, late. Status callbacks keep going: they are Twilio calling out.
/// </summary>
internal sealed partial class ApiOutage(ILogger logger)
{
    private readonly Lock _gate = new();
    private TaskCompletionSource? _resumed;
    private int _held;
    private int _dropped;

    public bool IsPaused
    {
        get
        {
            lock (_gate)
            {
                return _resumed is not null;
            }
        }
    }

    /// <summary>Requests given up by their clients during outages so far (never acted on).</summary>
    public int Dropped => Volatile.Read(ref _dropped);

    public void Pause()
    {
        lock (_gate)
        {
            if (_resumed is not null)
            {
                return;
            }

            _resumed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        LogPaused(logger);
    }

    public void Resume()
    {
        TaskCompletionSource? resumed;
        lock (_gate)
        {
            resumed = _resumed;
            _resumed = null;
        }

        if (resumed is not null)
        {
            LogResumed(logger, Volatile.Read(ref _held));
            resumed.TrySetResult();
        }
    }

    /// <summary>The middleware: holds a request while paused; serves it only if its client is still there afterwards.</summary>
    public async Task HoldAsync(HttpContext context, RequestDelegate next)
    {
        Task? resumed;
        lock (_gate)
        {
            resumed = _resumed?.Task;
        }

        if (resumed is not null)
        {
            Interlocked.Increment(ref _held);
            try
            {
                await resumed.WaitAsync(context.RequestAborted);
            }
            catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
            {
                Interlocked.Increment(ref _dropped);
                return;
            }
            finally
            {
                Interlocked.Decrement(ref _held);
            }
        }

        await next(context);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Twilio stand-in paused: API requests get no answer until it resumes")]
    private static partial void LogPaused(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Twilio stand-in resumed: {Held} request(s) still waiting are served now")]
    private static partial void LogResumed(ILogger logger, int held);
}
