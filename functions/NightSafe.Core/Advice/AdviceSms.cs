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
    private const int MaxAttempts = 5;

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
            await UpdateAsync(night, reference, r => r.Advice == AdviceState.Sending ? r with { Advice = AdviceState.Pending } : null, [], cancellationToken);
            throw;
        }

        var now = time.GetUtcNow();
        switch (result)
        {
            case SmsSendResult.Accepted accepted:
                await UpdateAsync(
                    night,
                    reference,
                    r => r with { Advice = r.Advice == AdviceState.Sending ? AdviceState.Sent : r.Advice, AdviceMessageId = accepted.MessageId },
                    [ReferralEvent.Of(now, ReferralEventKinds.AdviceSent, Actors.System, (ReferralEventData.MessageId, accepted.MessageId))],
                    cancellationToken);
                LogSent(night, reference);
                break;
            case SmsSendResult.Refused refused:
                if (refused.RecipientOptedOut)
                {
                    await optOuts.OptOutAsync(referral.SubjectPhone!, "Twilio " + refused.ErrorCode, cancellationToken);
                }

                await UpdateAsync(
                    night,
                    reference,
                    r => r with { Advice = AdviceState.Failed, AdviceError = refused.ErrorCode },
                    [ReferralEvent.Of(now, ReferralEventKinds.AdviceFailed, Actors.System, (ReferralEventData.ErrorCode, refused.ErrorCode), (ReferralEventData.Reason, refused.Reason))],
                    cancellationToken);
                LogRefused(night, reference, refused.ErrorCode, new MaskedPhone(referral.SubjectPhone));

                break;
        }
    }

    /// <summary>Moves Pending to Sending (or to OptedOut); returns the referral to send for, or null when there is nothing to send.</summary>
    private async Task<Referral?> ClaimAsync(NightId night, ReferenceCode reference, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var stored = await store.FindAsync(night, reference, cancellationToken);
            if (stored is not { Value: { Advice: AdviceState.Pending, SubjectPhone: not null } referral })
            {
                return null;
            }

            var now = time.GetUtcNow();
            var optedOut = await optOuts.IsOptedOutAsync(referral.SubjectPhone, cancellationToken);
            var next = referral with { Advice = optedOut ? AdviceState.OptedOut : AdviceState.Sending };
            var happened = optedOut
                ? ReferralEvent.Of(now, ReferralEventKinds.AdviceSkipped, Actors.System, (ReferralEventData.Reason, "number opted out"))
                : ReferralEvent.Of(now, ReferralEventKinds.AdviceSending, Actors.System);
            try
            {
                await store.SaveAsync(new ReferralChange(night, reference) { Referral = next, ReferralVersion = stored.Version, Events = [happened] }, cancellationToken);
                return optedOut ? null : next;
            }
            catch (ConcurrencyConflictException) when (attempt < MaxAttempts)
            {
                // Someone else moved it; read again and decide afresh.
            }
        }
    }

    private async Task UpdateAsync(NightId night, ReferenceCode reference, Func<Referral, Referral?> change, IReadOnlyList<ReferralEvent> events, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var stored = await store.FindAsync(night, reference, cancellationToken);
            var next = stored is null ? null : change(stored.Value);
            if (stored is null || (next is null && events.Count == 0))
            {
                return;
            }

            try
            {
                await store.SaveAsync(
                    new ReferralChange(night, reference) { Referral = next, ReferralVersion = next is null ? null : stored.Version, Events = events },
                    cancellationToken);
                return;
            }
            catch (ConcurrencyConflictException) when (attempt < MaxAttempts)
            {
                // A delivery report or an outcome landed meanwhile: apply the change to the fresh copy.
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Advice SMS for referral {Night}/{ReferenceCode} accepted by the provider")]
    private partial void LogSent(NightId night, ReferenceCode referenceCode);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Advice SMS for referral {Night}/{ReferenceCode} refused with {ErrorCode} (to {Phone}); not retried")]
    private partial void LogRefused(NightId night, ReferenceCode referenceCode, string errorCode, MaskedPhone phone);

    [LoggerMessage(Level = LogLevel.Warning, Message = "SMS provider unavailable for referral {Night}/{ReferenceCode}; the advice will be retried")]
    private partial void LogUnavailable(Exception exception, NightId night, ReferenceCode referenceCode);
}
