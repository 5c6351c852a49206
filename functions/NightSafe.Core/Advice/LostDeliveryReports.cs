using Microsoft.Extensions.Logging;
using NightSafe.Core.Nights;
using NightSafe.Core.Ports;
using NightSafe.Core.References;
using NightSafe.Core.Referrals;

namespace NightSafe.Core.Advice;

/// <summary>
/// Twilio posts each delivery report once and does not post it again after an error answer, and the stand-in only
/// retries a refused connection: a report that reaches a dead worker or hung storage is lost, and its advice SMS would
/// stay <see cref="AdviceState.Sent"/> for ever (neither delivered nor failed in the summary). The sweep, which reads the
/// night's waiting referrals already, asks Twilio about each advice still Sent a while after its referral came in and records a final
/// status through the same forward-only, deduplicated path as the callback (<see cref="AdviceDeliveryReports"/>): a
/// report that did arrive meanwhile makes the lookup's a no-op. No storage request is added to a referral's own path.
/// </summary>
public sealed partial class LostDeliveryReports(ISmsRecords records, AdviceDeliveryReports reports, TimeProvider time, ILogger<LostDeliveryReports> logger)
{
    /// <summary>
    /// How long after its referral came in an advice SMS may stay Sent before Twilio is asked: its callbacks normally
    /// come within seconds of the send, which follows routing within seconds.
    /// </summary>
    public static readonly TimeSpan Grace = TimeSpan.FromMinutes(1);

    /// <summary>
    /// How long after its referral came in Twilio is asked at all: a handset switched off keeps its message sent for
    /// hours, and asking every two minutes for ever would cost without end. Beyond this the advice stays Sent.
    /// </summary>
    public static readonly TimeSpan AskFor = TimeSpan.FromHours(12);

    /// <summary>Looks up the advice of <paramref name="referrals"/> still Sent after <see cref="Grace"/>; returns how many it settled.</summary>
    public async Task<int> ReconcileAsync(IReadOnlyList<Referral> referrals, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(referrals);
        var now = time.GetUtcNow();
        var settled = 0;
        foreach (var referral in referrals)
        {
            if (referral is not { Advice: AdviceState.Sent, AdviceMessageId: { } sid, ErasedAt: null } || now - referral.ReceivedAt < Grace || now - referral.ReceivedAt > AskFor)
            {
                continue;
            }

            SmsProviderStatus? status;
            try
            {
                status = await records.StatusAsync(sid, cancellationToken);
            }
            catch (SmsUnavailableException)
            {
                // Twilio is down or refusing: the next sweep asks again, for this one and the rest.
                LogUnavailable(referral.Night, referral.Reference);
                return settled;
            }

            if (status is null)
            {
                LogNotHeld(referral.Night, referral.Reference);
                continue;
            }

            // Still on its way (sent, queued): its report may yet come; the next sweep asks again.
            if (!status.IsFinal)
            {
                continue;
            }

            if (await reports.RecordAsync(referral.Night, referral.Reference, new DeliveryReport(sid, status.Status, status.ErrorCode), cancellationToken))
            {
                LogRecovered(referral.Night, referral.Reference, status.Status);
                settled++;
            }
        }

        return settled;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Advice SMS for referral {Night}/{ReferenceCode}: its delivery report was lost; Twilio says {Status}, recorded")]
    private partial void LogRecovered(NightId night, ReferenceCode referenceCode, string status);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Advice SMS for referral {Night}/{ReferenceCode} is still Sent and Twilio could not be asked; the next sweep asks again")]
    private partial void LogUnavailable(NightId night, ReferenceCode referenceCode);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Advice SMS for referral {Night}/{ReferenceCode} is still Sent and Twilio holds no such message")]
    private partial void LogNotHeld(NightId night, ReferenceCode referenceCode);
}
