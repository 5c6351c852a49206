using System.Globalization;
using Microsoft.Azure.Functions.Worker;

namespace NightSafe.FunctionsHost.TestApp;

/// <summary>Timer triggers: one run only by the admin endpoint, one on a fast schedule from a setting, one on start-up.</summary>
public sealed class TimerFunctions
{
    [Function("NightlySummary")]
    [QueueOutput("timer-runs")]
    public static string NightlySummary([TimerTrigger("0 0 6 1 1 *")] TimerInfo timer) => Describe("NightlySummary", timer);

    [Function("Heartbeat")]
    [QueueOutput("heartbeats")]
    public static string Heartbeat([TimerTrigger("%HeartbeatSchedule%")] TimerInfo timer) => Describe("Heartbeat", timer);

    [Function("OnStartup")]
    [QueueOutput("startup-runs")]
    public static string OnStartup([TimerTrigger("0 0 0 1 1 *", RunOnStartup = true)] TimerInfo timer) => Describe("OnStartup", timer);

    private static string Describe(string name, TimerInfo timer)
    {
        ArgumentNullException.ThrowIfNull(timer);
        var next = timer.ScheduleStatus?.Next.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture) ?? "none";
        return $"{name}|pastDue={timer.IsPastDue}|next={next}";
    }
}
