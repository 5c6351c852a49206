using Microsoft.Extensions.Logging;
using NightSafe.Core.Nights;
using NightSafe.Core.Ports;
using NightSafe.Core.References;
using NightSafe.Core.Referrals;

namespace NightSafe.Core.Control;

/// <summary>Everything the control room may see about one referral: itself, its cases and its audit trail.</summary>
public sealed record ReferralDossier(Referral Referral, IReadOnlyList<PartnerCase> Cases, IReadOnlyList<ReferralEvent> Trail);

/// <summary>The control room's read of a referral; every read is itself recorded as a consultation (DPA 2018 s.62).</summary>
public sealed partial class ReferralDossiers(IReferralStore store, TimeProvider time, ILogger<ReferralDossiers> logger)
{
    public async Task<ReferralDossier?> ReadAsync(NightId night, ReferenceCode reference, string consultedBy, CancellationToken cancellationToken)
    {
        var stored = await store.FindAsync(night, reference, cancellationToken);
        if (stored is null)
        {
            return null;
        }

        await store.AppendAsync(
            night,
            reference,
            [ReferralEvent.Of(time.GetUtcNow(), ReferralEventKinds.Consulted, consultedBy, (ReferralEventData.Reason, "control room read"))],
            cancellationToken);
        var cases = await store.CasesAsync(night, reference, cancellationToken);
        var trail = await store.TrailAsync(night, reference, cancellationToken);
        LogRead(night, reference);
        return new ReferralDossier(stored.Value, cases.Select(c => c.Value).ToList(), trail);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Referral {Night}/{ReferenceCode} read by the control room")]
    private partial void LogRead(NightId night, ReferenceCode referenceCode);
}
