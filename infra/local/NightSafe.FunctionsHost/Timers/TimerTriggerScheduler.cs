using Microsoft.Extensions.Logging;
using NightSafe.FunctionsHost.Functions;
using NightSafe.FunctionsHost.Invocations;
using NightSafe.FunctionsHost.Rpc;

namespace NightSafe.FunctionsHost.Timers;

/// <summary>What the worker's TimerInfo binds from (the shape the real host sends).</summary>
internal sealed record TimerInfoPayload(TimerSchedulePayload Schedule, ScheduleStatusPayload? ScheduleStatus, bool IsPastDue);

internal sealed record TimerSchedulePayload(bool AdjustForDST);

internal sealed record ScheduleStatusPayload(DateTimeOffset Last, DateTimeOffset Next, DateTimeOffset LastUpdated);

/// <summary>Runs one timer-triggered function on its schedule, one invocation at a time (as the real host's singleton lock does).</summary>
internal sealed class TimerTriggerScheduler(FunctionDescriptor function, TimerSchedule schedule, FunctionInvoker invoker, TimeProvider time, ILogger logger)
{
    /// <summary>An occurrence is past due when it starts more than this after its time (the host was busy or restarting).</summary>
    internal static readonly TimeSpan PastDueAfter = TimeSpan.FromSeconds(1);

    /// <summary>True when a run starts so long after its due time that the function should know (IsPastDue).</summary>
    public static bool IsPastDue(DateTimeOffset due, DateTimeOffset started) => started - due > PastDueAfter;

    public static TypedData Input(DateTimeOffset? last, DateTimeOffset next, bool isPastDue, DateTimeOffset now) =>
        TypedDataConversions.Json(new TimerInfoPayload(
            new TimerSchedulePayload(false),
            new ScheduleStatusPayload(last ?? DateTimeOffset.MinValue, next, now),
            isPastDue));

    public async Task RunAsync(CancellationToken stop)
    {
        DateTimeOffset? last = null;
        var now = time.GetUtcNow();
        if (function.Trigger.Flag("runOnStartup"))
        {
            await InvokeAsync(last, schedule.Next(now), isPastDue: false, stop);
            last = now;
        }

        var due = schedule.Next(time.GetUtcNow());
        HostLog.TimerScheduled(logger, function.Name, schedule.Expression, due);
        while (!stop.IsCancellationRequested)
        {
            var wait = due - time.GetUtcNow();
            try
            {
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, time, stop);
                }
            }
            catch (OperationCanceledException)
            {
                break;
            }

            var started = time.GetUtcNow();
            // A delay can end a hair early; never let the next occurrence be this one again.
            var next = schedule.Next(started > due ? started : due);
            await InvokeAsync(last, next, IsPastDue(due, started), stop);
            last = due;
            due = next;
        }
    }

    private async Task InvokeAsync(DateTimeOffset? last, DateTimeOffset next, bool isPastDue, CancellationToken stop)
    {
        try
        {
            await invoker.InvokeAsync(function, Input(last, next, isPastDue, time.GetUtcNow()), new Dictionary<string, TypedData>(), stop);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Stopping: the host is shutting down.
        }
    }
}
