using Microsoft.Extensions.Logging;
using NightSafe.Core.Nights;
using NightSafe.Core.Phones;
using NightSafe.Core.Ports;
using NightSafe.Core.References;
using NightSafe.Core.Referrals;

namespace NightSafe.Core.Advice;

/// <summary>
/// The one safety-advice SMS a consenting subject receives. The referral's <see cref="AdviceState"/> is the
/// idempotency marker: it is set to Sending (with optimistic concurrency) before the send, so a retry or a second
/// worker never sends again; a provider outage puts it back to Pending so the queue's retry can try again.
/// </summary>
public sealed partial class AdviceSms(
    IReferralStore store,
    IOptOutRegistry optOuts,
    ISmsSender sms,
    AdviceTemplates templates,
    HubSettings settings,
    TimeProvider time,
    ILogger<AdviceSms> logger)
{
    public async Task SendOnceAsync(NightId night, ReferenceCode reference, CancellationToken cancellationToken)
    {
        var claimed = await ClaimAsync(night, reference, cancellationToken);
        if (claimed is null)
        {
            return;
        }

        var referral = claimed;
        var text = templates.For(referral.Categories);
        SmsSendResult result;
        try
        {
            result = await sms.SendAsync(
                new OutgoingSms(referral.SubjectPhone!, text, settings.SmsStatusCallback(night.ToString(), reference.ToString())),
                cancellationToken);
        }
        catch (SmsUnavailableException e)
        {
            LogUnavailable(e, night, reference);
            await store.ApplyAsync(night, reference, r => r.ReleaseAdvice(), cancellationToken);
            throw;
        }

        var now = time.GetUtcNow();
        switch (result)
        {
            case SmsSendResult.Accepted accepted:
                await store.ApplyAsync(night, reference, r => r.AdviceAccepted(accepted.MessageId, now), cancellationToken);
                LogSent(night, reference);
                break;
            case SmsSendResult.Refused refused:
                if (refused.RecipientOptedOut)
                {
                    await optOuts.OptOutAsync(referral.SubjectPhone!, "Twilio " + refused.ErrorCode, cancellationToken);
                }

                await store.ApplyAsync(night, reference, r => r.AdviceRefused(refused.ErrorCode, refused.Reason, now), cancellationToken);
                LogRefused(night, reference, refused.ErrorCode, new MaskedPhone(referral.SubjectPhone));

                break;
        }
    }

    /// <summary>Moves Pending to Sending (or to OptedOut); returns the referral to send for, or null when there is nothing to send.</summary>
    private Task<Referral?> ClaimAsync(NightId night, ReferenceCode reference, CancellationToken cancellationToken) =>
        store.UpdateAsync(
            night,
            reference,
            async (stored, ct) =>
            {
                if (stored is not { Value: { CanClaimAdvice: true } referral })
                {
                    return new ReferralDecision<Referral?>(null);
                }

                var optedOut = await optOuts.IsOptedOutAsync(referral.SubjectPhone!, ct);
                var claim = referral.ClaimAdvice(optedOut, time.GetUtcNow());
                return new(optedOut ? null : claim.Referral, ReferralChange.From(stored, claim));
            },
            cancellationToken);

    [LoggerMessage(Level = LogLevel.Information, Message = "Advice SMS for referral {Night}/{ReferenceCode} accepted by the provider")]
    private partial void LogSent(NightId night, ReferenceCode referenceCode);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Advice SMS for referral {Night}/{ReferenceCode} refused with {ErrorCode} (to {Phone}); not retried")]
    private partial void LogRefused(NightId night, ReferenceCode referenceCode, string errorCode, MaskedPhone phone);

    [LoggerMessage(Level = LogLevel.Warning, Message = "SMS provider unavailable for referral {Night}/{ReferenceCode}; the advice will be retried")]
    private partial void LogUnavailable(Exception exception, NightId night, ReferenceCode referenceCode);
}
