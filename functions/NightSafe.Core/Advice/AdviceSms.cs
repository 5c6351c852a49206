using Microsoft.Extensions.Logging;
using NightSafe.Core.Nights;
using NightSafe.Core.Phones;
using NightSafe.Core.Ports;
using NightSafe.Core.References;
using NightSafe.Core.Referrals;
using NightSafe.Core.Sms;

namespace NightSafe.Core.Advice;

/// <summary>
/// The one safety-advice SMS a consenting subject receives. Routing sends it once the cases are out and the referral
/// is Routed (<see cref="SendAsync(Stored{Referral}, CancellationToken)"/>, from the copy it has just saved); when that
/// fails, or on a repeat, it goes from its own work item on <c>sms-outbound</c> (<see cref="ItemFor"/>), so an SMS
/// outage never fails routing. The number is read from the referral, never queued; the send goes through
/// <see cref="OutboundSms"/> (marked before, recorded after, reconciled after an unclear answer), and the outcome is
/// written back to the referral (its <see cref="AdviceState"/> and trail), where the summary counts it.
/// </summary>
public sealed partial class AdviceSms(
    IReferralStore store,
    IOptOutRegistry optOuts,
    OutboundSms outbound,
    AdviceTemplates templates,
    HubSettings settings,
    TimeProvider time,
    ILogger<AdviceSms> logger) : ISmsComposer
{
    public string Kind => SmsKinds.Advice;

    /// <summary>The marker key of a referral's advice: one per referral, whatever the number.</summary>
    public static string KeyFor(NightId night, ReferenceCode reference) => $"advice/{night}/{reference}";

    /// <summary>The work item that sends a referral's advice (no number and no text in it).</summary>
    public static OutboundSmsItem ItemFor(Referral referral)
    {
        ArgumentNullException.ThrowIfNull(referral);
        return new OutboundSmsItem(SmsKinds.Advice, KeyFor(referral.Night, referral.Reference), null, null, referral.Night.ToString(), referral.Reference.ToString(), referral.TraceParent);
    }

    public async Task HandleAsync(OutboundSmsItem item, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(item);
        if (!NightId.TryParse(item.Night, out var night) || !ReferenceCode.TryParse(item.Reference, out var reference))
        {
            LogMalformed(item.Key);
            return;
        }

        if (await store.FindAsync(night, reference, cancellationToken) is { } stored)
        {
            await SendAsync(stored, cancellationToken);
        }
    }

    /// <summary>
    /// Sends the advice of a referral the caller has just read or saved (no second read), under its one marker key
    /// (<see cref="KeyFor"/>), whichever path sends it. A failure is the caller's to hand to the queue
    /// (<see cref="ItemFor"/>): that attempt reads the referral again, and reconciles before it sends again when this
    /// one may have reached the provider.
    /// </summary>
    public async Task SendAsync(Stored<Referral> stored, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stored);
        var (night, reference) = (stored.Value.Night, stored.Value.Reference);
        var key = KeyFor(night, reference);
        if (stored is not { Value: { AdviceOutstanding: true, SubjectPhone: { } phone } referral })
        {
            // Sent, failed or set aside already, or nothing to send (erased, no consent): a repeat does nothing.
            return;
        }

        if (referral.Status == ReferralStatus.Closed)
        {
            await store.UpdateAsync(stored, Decide(r => r.AdviceOutstanding ? r.SetAdviceAside("closed before the advice was sent", time.GetUtcNow()) : ReferralTransition.None), cancellationToken);
            return;
        }

        if (await optOuts.IsOptedOutAsync(phone, cancellationToken))
        {
            await store.UpdateAsync(stored, Decide(r => r.SkipAdviceOptedOut(time.GetUtcNow())), cancellationToken);
            return;
        }

        SmsSendResult result;
        try
        {
            // The outcome is recorded on the referral below (read first by every attempt), not on the mark as well.
            result = await outbound.SendOnceAsync(
                new SmsToSend(key, phone, templates.For(referral.Categories), settings.SmsStatusCallback(night.ToString(), reference.ToString()))
                {
                    OutcomeRecordedByCaller = true,
                },
                cancellationToken);
        }
        catch (Exception e) when (e is SmsUnavailableException or SmsSendUncertainException or SmsBusyException)
        {
            // The referral stays Pending; the queue tries again (and a reconcile comes before any resend).
            LogRetry(e, night, reference);
            throw;
        }

        var now = time.GetUtcNow();
        switch (result)
        {
            case SmsSendResult.Accepted accepted:
                // Decided first on the copy read above (a delivery report may have come since: then it reads again).
                await store.UpdateAsync(stored, Decide(r => r.AdviceAccepted(accepted.MessageId, now)), cancellationToken);
                LogSent(night, reference);
                break;
            case SmsSendResult.Refused refused:
                if (refused.RecipientOptedOut)
                {
                    await optOuts.OptOutAsync(phone, "Twilio " + refused.ErrorCode, cancellationToken);
                }

                await store.UpdateAsync(stored, Decide(r => r.AdviceRefused(refused.ErrorCode, refused.Reason, now)), cancellationToken);
                LogRefused(night, reference, refused.ErrorCode, new MaskedPhone(phone));
                break;
        }
    }

    /// <summary>Every retry failed: the advice is recorded as failed (the summary counts it); routing is not touched.</summary>
    public async Task PoisonedAsync(OutboundSmsItem item, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(item);
        if (!NightId.TryParse(item.Night, out var night) || !ReferenceCode.TryParse(item.Reference, out var reference))
        {
            LogMalformed(item.Key);
            return;
        }

        var stored = await store.FindAsync(night, reference, cancellationToken);
        if (stored is not { Value.AdviceOutstanding: true })
        {
            return;
        }

        await outbound.GiveUpAsync(item.Key, stored.Value.SubjectPhone!, "the SMS provider stayed unavailable", cancellationToken);
        await store.UpdateAsync(stored, Decide(r => r.AdviceGivenUp("the SMS provider stayed unavailable", time.GetUtcNow())), cancellationToken);
        LogGaveUp(night, reference);
    }

    /// <summary>Applies <paramref name="transition"/> to the referral as read (nothing when it is gone).</summary>
    private static Func<Stored<Referral>?, ReferralDecision<bool>> Decide(Func<Referral, ReferralTransition> transition) =>
        stored => new(stored is not null, stored is null ? null : ReferralChange.From(stored, transition(stored.Value)));

    // Debug: the sms-outbound trigger logs the step ("Outbound SMS advice ... handled").
    [LoggerMessage(Level = LogLevel.Debug, Message = "Advice SMS for referral {Night}/{ReferenceCode} accepted by the provider")]
    private partial void LogSent(NightId night, ReferenceCode referenceCode);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Advice SMS for referral {Night}/{ReferenceCode} refused with {ErrorCode} (to {Phone}); not retried")]
    private partial void LogRefused(NightId night, ReferenceCode referenceCode, string errorCode, MaskedPhone phone);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Advice SMS for referral {Night}/{ReferenceCode} not sent yet; it will be retried")]
    private partial void LogRetry(Exception exception, NightId night, ReferenceCode referenceCode);

    [LoggerMessage(Level = LogLevel.Error, Message = "Advice SMS for referral {Night}/{ReferenceCode} failed after every retry; recorded as failed")]
    private partial void LogGaveUp(NightId night, ReferenceCode referenceCode);

    [LoggerMessage(Level = LogLevel.Error, Message = "Advice work item {Key} names no referral; dropped")]
    private partial void LogMalformed(string key);
}
