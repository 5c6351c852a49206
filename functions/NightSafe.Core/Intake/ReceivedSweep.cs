using Microsoft.Extensions.Logging;
using NightSafe.Core.Advice;
using NightSafe.Core.Nights;
using NightSafe.Core.Ports;
using NightSafe.Core.References;
using NightSafe.Core.Referrals;
using NightSafe.Core.World;

namespace NightSafe.Core.Intake;

/// <summary>
/// Referrals stored but never routed (the worker died between storing one and queueing it, and no retry came) are
/// queued for routing again. Routing is idempotent, so a referral that was merely slow is routed once all the same.
/// The same read serves <see cref="LostDeliveryReports"/>: advice SMS whose delivery report never came. It asks storage
/// for those two kinds only: every two minutes, the whole night read back (every referral row) grew with the night.
/// </summary>
public sealed partial class ReceivedSweep(
    IReferralStore store, IRoutingQueue routingQueue, LostDeliveryReports deliveryReports, RoutingWorld world, TimeProvider time, ILogger<ReceivedSweep> logger)
{
    /// <summary>The timer's NCRONTAB schedule (UTC): every two minutes.</summary>
    public const string Cron = "0 */2 * * * *";

    /// <summary>How long a referral may wait in <see cref="ReferralStatus.Received"/> before it is presumed lost to routing.</summary>
    public static readonly TimeSpan Grace = TimeSpan.FromMinutes(3);

    /// <summary>Queues tonight's and last night's referrals still waiting after <see cref="Grace"/>; returns how many.</summary>
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var tonight = NightId.For(now, world);
        var queued = 0;
        foreach (var night in new[] { tonight, tonight.Previous })
        {
            var referrals = await store.AwaitingAsync(night, cancellationToken);
            foreach (var referral in referrals)
            {
                if (referral is not { Status: ReferralStatus.Received, ErasedAt: null } || now - referral.ReceivedAt < Grace)
                {
                    continue;
                }

                await routingQueue.EnqueueAsync(new RoutingWorkItem(night.ToString(), referral.Reference.ToString(), referral.TraceParent), cancellationToken);
                LogQueuedAgain(night, referral.Reference, (int)(now - referral.ReceivedAt).TotalMinutes);
                queued++;
            }

            await deliveryReports.ReconcileAsync(referrals, cancellationToken);
        }

        return queued;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Referral {Night}/{ReferenceCode} still waiting for routing after {Minutes} min: queued for routing again")]
    private partial void LogQueuedAgain(NightId night, ReferenceCode referenceCode, int minutes);
}
