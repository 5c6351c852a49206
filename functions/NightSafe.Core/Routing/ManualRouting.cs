using Microsoft.Extensions.Logging;
using NightSafe.Core.Nights;
using NightSafe.Core.Ports;
using NightSafe.Core.References;
using NightSafe.Core.Referrals;
using NightSafe.Core.Sms;
using NightSafe.Core.World;

namespace NightSafe.Core.Routing;

/// <summary>
/// The last resort when routing failed after every retry (the poison queue): the referral is flagged for the control
/// room to route by hand and every duty inspector is alerted by SMS (one <c>sms-outbound</c> item each, so running this
/// again after a failure never texts an inspector who already has the alert). Nothing is dropped silently. A referral
/// whose cases all reached their partners is not flagged (what failed came after: its partner loop or advice, which are
/// queued again here), and neither is one the officer closed.
/// </summary>
public sealed partial class ManualRouting(
    IReferralStore store,
    ReferralRouter router,
    IOutboundSmsQueue smsQueue,
    RoutingWorld world,
    TimeProvider time,
    ILogger<ManualRouting> logger)
{
    /// <summary>Flags the referral and alerts the inspectors; <paramref name="messageId"/> names an unreadable message.</summary>
    public async Task HandleAsync(RoutingWorkItem? item, string messageId, CancellationToken cancellationToken)
    {
        string alert;
        string key;
        if (item is null || !NightId.TryParse(item.Night, out var night) || !ReferenceCode.TryParse(item.Reference, out var reference))
        {
            LogUnreadable(messageId);
            key = "alert/unreadable-routing/" + messageId;
            alert = $"NightSafe ALERT: a routing message ({messageId}) could not be read, so a referral may not have reached partners. Check the {QueueNames.RoutingPoison} queue.";
        }
        else
        {
            var referral = await FlagAsync(night, reference, cancellationToken);
            if (referral is { Status: ReferralStatus.Closed } or { HasBeenRouted: true })
            {
                await FinishAsync(referral, cancellationToken);
                return;
            }

            key = $"alert/manual-routing/{night}/{reference}";
            alert = referral is null
                ? $"NightSafe ALERT: referral {night}/{reference} could not be routed and was not found. Check the control room log."
                : $"NightSafe ALERT: referral {reference} ({world.FindTown(referral.TownId)?.Name ?? referral.TownId.Value}, {string.Join(", ", referral.Categories)}) could not be routed automatically. Please route it by hand.";
        }

        await smsQueue.AlertEveryInspectorAsync(world, key, alert, item?.Night, item?.Reference, item?.TraceParent, cancellationToken);
    }

    /// <summary>Nothing for the control room to do: a routed referral's queued follow-ups are queued again (each is idempotent).</summary>
    private async Task FinishAsync(Referral referral, CancellationToken cancellationToken)
    {
        if (referral.HasBeenRouted)
        {
            await router.RouteAsync(referral.Night, referral.Reference, cancellationToken);
            LogFinished(referral.Night, referral.Reference);
        }
        else
        {
            LogClosed(referral.Night, referral.Reference);
        }
    }

    private async Task<Referral?> FlagAsync(NightId night, ReferenceCode reference, CancellationToken cancellationToken)
    {
        var (referral, flagged) = await store.UpdateAsync(
            night,
            reference,
            stored =>
            {
                if (stored is null)
                {
                    return new ReferralDecision<(Referral?, bool)>((null, false));
                }

                var change = ReferralChange.From(stored, stored.Value.FlagForManualRouting(time.GetUtcNow()));
                return new((stored.Value, change is not null), change);
            },
            cancellationToken);
        if (referral is null)
        {
            LogMissing(night, reference);
        }
        else if (flagged)
        {
            LogFlagged(night, reference);
        }

        return referral;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Referral {Night}/{ReferenceCode} could not be routed after every retry; flagged for manual routing and inspectors alerted")]
    private partial void LogFlagged(NightId night, ReferenceCode referenceCode);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Routing of {Night}/{ReferenceCode} failed after every retry, but its cases had all reached their partners: not flagged; its alerts, deadlines and advice queued again")]
    private partial void LogFinished(NightId night, ReferenceCode referenceCode);

    [LoggerMessage(Level = LogLevel.Information, Message = "Routing of {Night}/{ReferenceCode} failed after every retry, but the referral is closed: nothing to route")]
    private partial void LogClosed(NightId night, ReferenceCode referenceCode);

    [LoggerMessage(Level = LogLevel.Error, Message = "Referral {Night}/{ReferenceCode} in the poison queue was not found")]
    private partial void LogMissing(NightId night, ReferenceCode referenceCode);

    [LoggerMessage(Level = LogLevel.Error, Message = "Unreadable routing message {MessageId} reached the poison queue; inspectors alerted")]
    private partial void LogUnreadable(string messageId);
}
