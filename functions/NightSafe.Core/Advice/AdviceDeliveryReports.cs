using Microsoft.Extensions.Logging;
using NightSafe.Core.Nights;
using NightSafe.Core.Ports;
using NightSafe.Core.References;
using NightSafe.Core.Referrals;

namespace NightSafe.Core.Advice;

/// <summary>A delivery report from the SMS provider (Twilio's status callback).</summary>
public sealed record DeliveryReport(string MessageSid, string Status, string? ErrorCode);

/// <summary>Records delivery reports of advice SMS in the referral's trail; a failure shows in the night's summary.</summary>
public sealed partial class AdviceDeliveryReports(IReferralStore store, TimeProvider time, ILogger<AdviceDeliveryReports> logger)
{
    private const int MaxAttempts = 5;

    /// <summary>False when no referral of that night and reference sent that message (the report is ignored).</summary>
    public async Task<bool> RecordAsync(NightId night, ReferenceCode reference, DeliveryReport report, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(report);
        var status = report.Status.ToLowerInvariant();
        for (var attempt = 1; ; attempt++)
        {
            var stored = await store.FindAsync(night, reference, cancellationToken);
            if (stored is null || stored.Value.AdviceMessageId is { } sid && sid != report.MessageSid)
            {
                LogUnknown(night, reference);
                return false;
            }

            var referral = stored.Value;
            var next = status switch
            {
                "delivered" when referral.Advice is AdviceState.Sent or AdviceState.Sending or AdviceState.Pending => referral with { Advice = AdviceState.Delivered, AdviceMessageId = report.MessageSid },
                "undelivered" or "failed" => referral with { Advice = AdviceState.Failed, AdviceError = report.ErrorCode ?? status, AdviceMessageId = report.MessageSid },
                _ => null,
            };
            var happened = ReferralEvent.Of(
                time.GetUtcNow(),
                ReferralEventKinds.SmsStatus,
                "twilio",
                (ReferralEventData.MessageId, report.MessageSid),
                (ReferralEventData.Status, status),
                (ReferralEventData.ErrorCode, report.ErrorCode));
            try
            {
                await store.SaveAsync(
                    new ReferralChange(night, reference) { Referral = next, ReferralVersion = next is null ? null : stored.Version, Events = [happened] },
                    cancellationToken);
                LogReport(night, reference, status);
                return true;
            }
            catch (ConcurrencyConflictException) when (attempt < MaxAttempts)
            {
                // The send's own update landed meanwhile: read again.
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Advice SMS for referral {Night}/{ReferenceCode}: {Status}")]
    private partial void LogReport(NightId night, ReferenceCode referenceCode, string status);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Delivery report for referral {Night}/{ReferenceCode} matches no advice SMS; ignored")]
    private partial void LogUnknown(NightId night, ReferenceCode referenceCode);
}
