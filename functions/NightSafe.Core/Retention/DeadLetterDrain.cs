using Microsoft.Extensions.Logging;
using NightSafe.Core.Nights;
using NightSafe.Core.Ports;
using NightSafe.Core.References;
using NightSafe.Core.Referrals;
using NightSafe.Core.World;

namespace NightSafe.Core.Retention;

/// <summary>
/// Dead-lettered case messages hold an agency's view of a person; left alone they would outlive retention (issue 10,
/// item 12). Each retention run drains them: every one is accounted for in its referral's trail (which agency, the
/// broker's reason when it is one of the broker's own), then removed. The partner loop escalated the unanswered
/// case long before, so nothing is lost that the control room needs.
/// </summary>
public sealed partial class DeadLetterDrain(IDeadLetteredCases deadLetters, IReferralStore store, RoutingWorld world, TimeProvider time, ILogger<DeadLetterDrain> logger)
{
    /// <summary>Reasons Service Bus itself sets; any other reason came from a partner and may hold free text.</summary>
    private static readonly HashSet<string> BrokerReasons = new(StringComparer.Ordinal)
    {
        "MaxDeliveryCountExceeded",
        "TTLExpiredException",
        "HeaderSizeExceeded",
        "Session id is null",
        "MaxTransferHopCountExceeded",
    };

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var unmatched = 0;
        var drained = await deadLetters.DrainAsync(
            [.. world.Agencies.Select(a => a.Id)],
            async (dead, ct) =>
            {
                if (!TryReferralOf(dead.MessageId, out var night, out var reference) || await store.FindAsync(night, reference, ct) is null)
                {
                    unmatched++;
                    return;
                }

                var reason = dead.Reason is { } r && BrokerReasons.Contains(r) ? r : "dead-lettered by the partner";
                await store.AppendAsync(
                    night,
                    reference,
                    [ReferralEvent.Of(time.GetUtcNow(), ReferralEventKinds.DeadLetterDrained, Actors.System, (ReferralEventData.Agency, dead.AgencyId.Value), (ReferralEventData.Reason, reason))],
                    ct);
            },
            cancellationToken);
        if (drained > 0)
        {
            LogDrained(drained, unmatched);
        }

        return drained;
    }

    private static bool TryReferralOf(string messageId, out NightId night, out ReferenceCode reference)
    {
        var parts = messageId.Split('/');
        reference = default;
        return NightId.TryParse(parts[0], out night) && parts.Length >= 2 && ReferenceCode.TryParse(parts[1], out reference);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Retention: {Count} dead-lettered case messages drained from partner subscriptions ({Unmatched} matched no stored referral)")]
    private partial void LogDrained(int count, int unmatched);
}
