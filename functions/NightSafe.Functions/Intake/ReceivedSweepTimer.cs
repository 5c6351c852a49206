using Microsoft.Azure.Functions.Worker;
using NightSafe.Core.Intake;

namespace NightSafe.Functions.Intake;

/// <summary>Every two minutes: referrals stored but still not routed after a few minutes are queued for routing again, and advice SMS whose delivery report was lost are settled from Twilio.</summary>
public sealed class ReceivedSweepTimer(ReceivedSweep sweep)
{
    [Function("ReceivedSweep")]
    public Task RunAsync([TimerTrigger(ReceivedSweep.Cron)] TimerInfo timer, FunctionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return sweep.RunAsync(context.CancellationToken);
    }
}
