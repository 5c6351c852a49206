using Microsoft.Extensions.Logging;
using NightSafe.Core.Nights;
using NightSafe.Core.Ports;
using NightSafe.Core.References;

namespace NightSafe.Core.Advice;

/// <summary>A delivery report from the SMS provider (Twilio's status callback).</summary>
public sealed record DeliveryReport(string MessageSid, string Status, string? ErrorCode);

/// <summary>Records delivery reports of advice SMS in the referral's trail; a failure shows in the night's summary.</summary>
public sealed partial class AdviceDeliveryReports(IReferralStore store, TimeProvider time, ILogger<AdviceDeliveryReports> logger)
{
    /// <summary>False when no referral of that night and reference sent that message (the report is ignored).</summary>
    public async Task<bool> RecordAsync(NightId night, ReferenceCode reference, DeliveryReport report, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(report);
        var status = report.Status.ToLowerInvariant();
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "Delivery report for referral {Night}/{ReferenceCode} matches no advice SMS; ignored")]
    private partial void LogUnknown(NightId night, ReferenceCode referenceCode);
}
