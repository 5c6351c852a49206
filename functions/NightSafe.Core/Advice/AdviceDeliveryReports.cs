using Microsoft.Extensions.Logging;
using NightSafe.Core.Nights;
using NightSafe.Core.Ports;
using NightSafe.Core.References;
using NightSafe.Core.Referrals;

namespace NightSafe.Core.Advice;

/// <summary>A delivery report from the SMS provider (Twilio's status callback).</summary>
public sealed record DeliveryReport(string MessageSid, string Status, string? ErrorCode);

/// <summary>
/// Records the final delivery report of an advice SMS in the referral's trail (delivered, undelivered, failed); a
/// failure shows in the night's summary. Twilio also reports the steps on the way (queued, sending, sent): nothing the
/// hub decides waits on them, and the referral already says when the provider took the message, so they are
/// acknowledged without a read or a write (two of the four storage requests the reports of one advice cost).
/// </summary>
public sealed partial class AdviceDeliveryReports(IReferralStore store, TimeProvider time, ILogger<AdviceDeliveryReports> logger)
{
    /// <summary>
    /// True when recorded; false for a report on the way (see <see cref="Referral.IsFinalDeliveryStatus"/>), or when no
    /// referral of that night and reference sent that message (the report is ignored).
    /// </summary>
    public async Task<bool> RecordAsync(NightId night, ReferenceCode reference, DeliveryReport report, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(report);
        var status = report.Status.ToLowerInvariant();
        if (!Referral.IsFinalDeliveryStatus(status))
        {
            LogOnTheWay(night, reference, status);
            return false;
        }

        var recorded = await store.UpdateAsync(
            night,
            reference,
            stored => stored is null || !stored.Value.IsAdviceMessage(report.MessageSid)
                ? new ReferralDecision<bool>(false)
                : new(true, ReferralChange.From(stored, stored.Value.RecordDeliveryReport(report.MessageSid, status, report.ErrorCode, time.GetUtcNow()))),
            cancellationToken);
        if (recorded)
        {
            LogReport(night, reference, status);
        }
        else
        {
            LogUnknown(night, reference);
        }

        return recorded;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Advice SMS for referral {Night}/{ReferenceCode}: {Status}")]
    private partial void LogReport(NightId night, ReferenceCode referenceCode, string status);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Advice SMS for referral {Night}/{ReferenceCode}: {Status}, on its way (not recorded)")]
    private partial void LogOnTheWay(NightId night, ReferenceCode referenceCode, string status);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Delivery report for referral {Night}/{ReferenceCode} matches no advice SMS; ignored")]
    private partial void LogUnknown(NightId night, ReferenceCode referenceCode);
}
