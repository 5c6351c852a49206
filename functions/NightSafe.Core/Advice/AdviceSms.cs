using Microsoft.Extensions.Logging;
using NightSafe.Core.Nights;
using NightSafe.Core.Phones;
using NightSafe.Core.Ports;
using NightSafe.Core.References;
using NightSafe.Core.Referrals;
using NightSafe.Core.Sms;

namespace NightSafe.Core.Advice;

/// <summary>
/// The one safety-advice SMS a consenting subject receives, sent from its own work item on <c>sms-outbound</c> (routing
/// only queues it, so an SMS outage never fails routing). The number is read from the referral, never queued; the
/// send goes through <see cref="OutboundSms"/> (marked before, recorded after, reconciled after an unclear answer), and
/// the outcome is written back to the referral (its <see cref="AdviceState"/> and trail), where the summary counts it.
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
    private const int MaxAttempts = 5;

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

        var stored = await store.FindAsync(night, reference, cancellationToken);
        if (stored is not { Value: { Advice: AdviceState.Pending or AdviceState.Sending, SubjectPhone: { } phone } referral })
        {
            // Sent, failed or set aside already, or nothing to send (erased, no consent): a repeat does nothing.
            return;
        }

        var now = time.GetUtcNow();
        if (referral.Status == ReferralStatus.Closed)
        {
            await UpdateAsync(
                night,
                reference,
                r => r.Advice is AdviceState.Pending or AdviceState.Sending ? r with { Advice = AdviceState.NotApplicable } : null,
                [ReferralEvent.Of(now, ReferralEventKinds.AdviceSkipped, Actors.System, (ReferralEventData.Reason, "closed before the advice was sent"))],
                cancellationToken);
            return;
        }

        if (await optOuts.IsOptedOutAsync(phone, cancellationToken))
        {
            await UpdateAsync(
                night,
                reference,
                r => r.Advice is AdviceState.Pending or AdviceState.Sending ? r with { Advice = AdviceState.OptedOut } : null,
                [ReferralEvent.Of(now, ReferralEventKinds.AdviceSkipped, Actors.System, (ReferralEventData.Reason, "number opted out"))],
                cancellationToken);
            return;
        }

        SmsSendResult result;
        try
        {
            result = await outbound.SendOnceAsync(
                new SmsToSend(item.Key, phone, templates.For(referral.Categories), settings.SmsStatusCallback(night.ToString(), reference.ToString())),
                cancellationToken);
        }
        catch (Exception e) when (e is SmsUnavailableException or SmsSendUncertainException or SmsBusyException)
        {
            // The referral stays Pending; the queue tries again (and a reconcile comes before any resend).
            LogRetry(e, night, reference);
            throw;
        }

        now = time.GetUtcNow();
        switch (result)
        {
            case SmsSendResult.Accepted accepted:
                await UpdateAsync(
                    night,
                    reference,
                    // A delivery report may have come first: Delivered stays.
                    r => r with { Advice = r.Advice is AdviceState.Pending or AdviceState.Sending ? AdviceState.Sent : r.Advice, AdviceMessageId = accepted.MessageId },
                    [ReferralEvent.Of(now, ReferralEventKinds.AdviceSent, Actors.System, (ReferralEventData.MessageId, accepted.MessageId))],
                    cancellationToken);
                LogSent(night, reference);
                break;
            case SmsSendResult.Refused refused:
                if (refused.RecipientOptedOut)
                {
                    await optOuts.OptOutAsync(phone, "Twilio " + refused.ErrorCode, cancellationToken);
                }

                await UpdateAsync(
                    night,
                    reference,
                    r => r with { Advice = AdviceState.Failed, AdviceError = refused.ErrorCode },
                    [ReferralEvent.Of(now, ReferralEventKinds.AdviceFailed, Actors.System, (ReferralEventData.ErrorCode, refused.ErrorCode), (ReferralEventData.Reason, refused.Reason))],
                    cancellationToken);
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
        if (stored is not { Value: { Advice: AdviceState.Pending or AdviceState.Sending } referral })
        {
            return;
        }

        if (referral.SubjectPhone is { } phone)
        {
            await outbound.GiveUpAsync(item.Key, phone, "the SMS provider stayed unavailable", cancellationToken);
        }

        await UpdateAsync(
            night,
            reference,
            r => r.Advice is AdviceState.Pending or AdviceState.Sending ? r with { Advice = AdviceState.Failed, AdviceError = "retries-exhausted" } : null,
            [ReferralEvent.Of(time.GetUtcNow(), ReferralEventKinds.AdviceFailed, Actors.System, (ReferralEventData.ErrorCode, "retries-exhausted"), (ReferralEventData.Reason, "the SMS provider stayed unavailable"))],
            cancellationToken);
        LogGaveUp(night, reference);
    }

    private async Task UpdateAsync(NightId night, ReferenceCode reference, Func<Referral, Referral?> change, IReadOnlyList<ReferralEvent> events, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var stored = await store.FindAsync(night, reference, cancellationToken);
            var next = stored is null ? null : change(stored.Value);
            if (stored is null || next is null)
            {
                return;
            }

            try
            {
                await store.SaveAsync(
                    new ReferralChange(night, reference) { Referral = next, ReferralVersion = stored.Version, Events = events },
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "Advice SMS for referral {Night}/{ReferenceCode} not sent yet; it will be retried")]
    private partial void LogRetry(Exception exception, NightId night, ReferenceCode referenceCode);

    [LoggerMessage(Level = LogLevel.Error, Message = "Advice SMS for referral {Night}/{ReferenceCode} failed after every retry; recorded as failed")]
    private partial void LogGaveUp(NightId night, ReferenceCode referenceCode);

    [LoggerMessage(Level = LogLevel.Error, Message = "Advice work item {Key} names no referral; dropped")]
    private partial void LogMalformed(string key);
}
