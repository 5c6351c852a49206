using Microsoft.Extensions.Logging;
using NightSafe.Core.Nights;
using NightSafe.Core.Ports;
using NightSafe.Core.References;
using NightSafe.Core.Referrals;

namespace NightSafe.Core.Intake;

/// <summary>
/// Queues for routing, at once, the referral a repeated inbound message names when it is stored but still
/// <see cref="ReferralStatus.Received"/>: the first attempt records its answer alongside the routing item (one round trip),
/// so it may have died with the answer recorded and the item lost. Routing is idempotent, so an item queued twice routes
/// once; the <see cref="ReceivedSweep"/> stays the backstop for a referral no retry comes for.
/// </summary>
public sealed partial class ReceivedRequeue(IReferralStore store, IRoutingQueue routingQueue, ILogger<ReceivedRequeue> logger)
{
    /// <summary>
    /// Queues the referral reserved in <paramref name="claim"/> if it is this message's and still waiting for routing;
    /// returns whether it did. A failure is logged and swallowed: the repeat's answer matters more, and the sweep follows.
    /// </summary>
    public async Task<bool> QueueIfWaitingAsync(InboundClaim claim, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(claim);
        if (claim is not { Night: { } night, Reference: { } reference })
        {
            return false;
        }

        try
        {
            // Not every message stores its reservation (STATUS, HELP): then there is nothing, or another message's referral.
            var found = (await store.FindAsync(night, reference, cancellationToken))?.Value;
            if (found is not { Status: ReferralStatus.Received, ErasedAt: null } || found.Inbound != claim.InboundKey)
            {
                return false;
            }

            await routingQueue.EnqueueAsync(new RoutingWorkItem(night.ToString(), reference.ToString(), found.TraceParent), cancellationToken);
            LogQueued(night, reference);
            return true;
        }
        catch (Exception e) when (e is not OperationCanceledException and not OutOfMemoryException)
        {
            LogFailed(e, night, reference);
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Referral {Night}/{ReferenceCode} was answered but still waits for routing when its message came again: queued for routing")]
    private partial void LogQueued(NightId night, ReferenceCode referenceCode);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Referral {Night}/{ReferenceCode} could not be checked or queued on a repeat of its message; the received sweep will queue it")]
    private partial void LogFailed(Exception exception, NightId night, ReferenceCode referenceCode);
}
