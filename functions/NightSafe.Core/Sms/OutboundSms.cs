using Microsoft.Extensions.Logging;
using NightSafe.Core.Phones;
using NightSafe.Core.Ports;

namespace NightSafe.Core.Sms;

/// <summary>The kinds of outbound SMS (<see cref="OutboundSmsItem.Kind"/>).</summary>
public static class SmsKinds
{
    /// <summary>The subject's safety advice; built from the referral by <see cref="Advice.AdviceSms"/>.</summary>
    public const string Advice = "advice";

    /// <summary>An urgent alert to a duty inspector (manual routing, an unreadable message).</summary>
    public const string InspectorAlert = "inspector-alert";

    /// <summary>The end-of-night summary to a duty inspector.</summary>
    public const string Summary = "summary";

    /// <summary>An officer's answer that took too long for the webhook's reply (they were told it would follow).</summary>
    public const string LateReply = "late-reply";
}

/// <summary>One SMS to send once: the marker's key and recipient, the text and where delivery reports go.</summary>
public sealed record SmsToSend(string Key, string To, string Body, Uri? StatusCallback)
{
    /// <summary>
    /// The caller records the outcome itself, in state it reads before every attempt (the advice: on its referral, with
    /// the trail event), so the mark's own record after the send would be a second write of the same fact. The mark is
    /// still made before the send; an attempt that finds it unrecorded reconciles with the provider, as after a crash.
    /// </summary>
    public bool OutcomeRecordedByCaller { get; init; }
}

/// <summary>Thrown when another attempt is sending the same (message, recipient) right now: try again later.</summary>
public sealed class SmsBusyException : Exception
{
    public SmsBusyException()
    {
    }

    public SmsBusyException(string message)
        : base(message)
    {
    }

    public SmsBusyException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>
/// A kind of SMS that needs more than "send Body to To": it builds its text or finds its recipient from stored state,
/// or writes its outcome back (the advice does all three). Registered in DI; <see cref="OutboundSmsWork"/> hands it
/// the items of its <see cref="Kind"/>. It sends through <see cref="OutboundSms.SendOnceAsync"/>.
/// </summary>
public interface ISmsComposer
{
    string Kind { get; }

    /// <summary>Sends the item; throws to have the queue retry it.</summary>
    Task HandleAsync(OutboundSmsItem item, CancellationToken cancellationToken);

    /// <summary>Every retry failed (the poison queue): record it as failed where it counts.</summary>
    Task PoisonedAsync(OutboundSmsItem item, CancellationToken cancellationToken);
}

/// <summary>
/// Sends every outbound SMS at most once per (message key, recipient): marked before the send, outcome recorded after.
/// The provider has no idempotency key, so an attempt that found a mark from an earlier attempt that may have sent
/// (it died, or got a timeout or a 5xx) first looks for the message at the provider and sends only when it is not
/// there. A mark younger than <see cref="Lease"/> belongs to an attempt still running: the caller retries later.
/// </summary>
public sealed partial class OutboundSms(ISmsMarkers markers, ISmsSender sender, SmsProviderPace pace, TimeProvider time, ILogger<OutboundSms> logger)
{
    /// <summary>How long an attempt may own a mark; longer than one send with the adapter's retries.</summary>
    public static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);

    /// <summary>How far the provider's clock and ours may disagree when a reconcile looks back.</summary>
    public static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Sends the SMS unless this (key, recipient) was sent or failed before; returns the outcome, earlier or new.
    /// Throws <see cref="SmsUnavailableException"/>, <see cref="SmsSendUncertainException"/> or
    /// <see cref="SmsBusyException"/> when it must be tried again later (the caller's queue retries).
    /// </summary>
    public async Task<SmsSendResult> SendOnceAsync(SmsToSend sms, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sms);
        var now = time.GetUtcNow();
        var claim = await markers.BeginAsync(sms.Key, sms.To, now, cancellationToken);
        var mark = claim.Mark;
        var to = new MaskedPhone(sms.To);
        if (!claim.Created)
        {
            switch (mark.State)
            {
                case SmsMarkState.Sent:
                    LogAlready(sms.Key, to, mark.State);
                    return new SmsSendResult.Accepted(mark.MessageId ?? string.Empty);
                case SmsMarkState.Failed:
                    LogAlready(sms.Key, to, mark.State);
                    return new SmsSendResult.Refused(mark.ErrorCode ?? "failed", mark.Reason ?? "failed earlier", RecipientOptedOut: false);
                case SmsMarkState.Sending when now - mark.AttemptedAt < Lease:
                    throw new SmsBusyException($"SMS {sms.Key} is being sent by another attempt.");
            }

            var maySent = mark.State is SmsMarkState.Sending or SmsMarkState.Uncertain;
            var since = mark.FirstAttemptAt - ClockSkew;
            try
            {
                mark = await markers.RetakeAsync(mark, sms.To, now, cancellationToken);
            }
            catch (ConcurrencyConflictException e)
            {
                throw new SmsBusyException($"SMS {sms.Key} was taken over by another attempt.", e);
            }

            if (maySent)
            {
                if (await sender.FindSentAsync(sms.To, sms.Body, since, cancellationToken) is { } found)
                {
                    LogReconciled(sms.Key, to, found);
                    await markers.RecordAsync(mark, sms.To, SmsMarkState.Sent, found, null, null, cancellationToken);
                    return new SmsSendResult.Accepted(found);
                }

                LogNotFound(sms.Key, to);
            }
        }

        SmsSendResult result;
        try
        {
            result = await CallProviderAsync(new OutgoingSms(sms.To, sms.Body, sms.StatusCallback), cancellationToken);
        }
        catch (SmsUnavailableException)
        {
            await RecordQuietlyAsync(mark, sms.To, SmsMarkState.NotSent);
            throw;
        }
        catch (SmsSendUncertainException)
        {
            LogUncertain(sms.Key, to);
            await RecordQuietlyAsync(mark, sms.To, SmsMarkState.Uncertain);
            throw;
        }

        switch (result)
        {
            case SmsSendResult when sms.OutcomeRecordedByCaller:
                break;
            case SmsSendResult.Accepted accepted:
                await markers.RecordAsync(mark, sms.To, SmsMarkState.Sent, accepted.MessageId, null, null, cancellationToken);
                break;
            case SmsSendResult.Refused refused:
                await markers.RecordAsync(mark, sms.To, SmsMarkState.Failed, null, refused.ErrorCode, refused.Reason, cancellationToken);
                break;
        }

        return result;
    }

    /// <summary>Records (key, recipient) as failed for good (every retry failed); a send that got through stays sent.</summary>
    public async Task GiveUpAsync(string key, string to, string reason, CancellationToken cancellationToken)
    {
        // A late attempt may record its outcome meanwhile: then the marker is read again.
        await OptimisticConcurrency.RetryAsync(async _ =>
        {
            var mark = (await markers.BeginAsync(key, to, time.GetUtcNow(), cancellationToken)).Mark;
            if (mark.State is SmsMarkState.Sent or SmsMarkState.Failed)
            {
                return false;
            }

            await markers.RecordAsync(mark, to, SmsMarkState.Failed, null, "retries-exhausted", reason, cancellationToken);
            LogGaveUp(key, new MaskedPhone(to));
            return true;
        });
    }

    /// <summary>The provider's own call, timed for <see cref="SmsProviderPace"/> (the marks' time is storage's).</summary>
    private async Task<SmsSendResult> CallProviderAsync(OutgoingSms sms, CancellationToken cancellationToken)
    {
        var calling = time.GetTimestamp();
        try
        {
            return await sender.SendAsync(sms, cancellationToken);
        }
        finally
        {
            pace.Observe(time.GetElapsedTime(calling));
        }
    }

    private async Task RecordQuietlyAsync(SmsMark mark, string to, SmsMarkState state)
    {
        try
        {
            await markers.RecordAsync(mark, to, state, null, null, null, CancellationToken.None);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The send's own failure matters more; the mark stays Sending and is reconciled once its lease is over.
            LogRecordFailed(e, mark.Key);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "SMS {Key} to {To} was {State} already; not sent again")]
    private partial void LogAlready(string key, MaskedPhone to, SmsMarkState state);

    [LoggerMessage(Level = LogLevel.Warning, Message = "SMS {Key} to {To}: the provider's answer was unclear; it will be reconciled before any resend")]
    private partial void LogUncertain(string key, MaskedPhone to);

    [LoggerMessage(Level = LogLevel.Information, Message = "SMS {Key} to {To} had reached the provider as {MessageSid}; not sent again")]
    private partial void LogReconciled(string key, MaskedPhone to, string messageSid);

    [LoggerMessage(Level = LogLevel.Information, Message = "SMS {Key} to {To} is not at the provider; sending it again")]
    private partial void LogNotFound(string key, MaskedPhone to);

    [LoggerMessage(Level = LogLevel.Error, Message = "SMS {Key} to {To} given up after every retry; recorded as failed")]
    private partial void LogGaveUp(string key, MaskedPhone to);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not record the outcome of SMS {Key}; it will be reconciled")]
    private partial void LogRecordFailed(Exception exception, string key);
}

/// <summary>
/// The <c>sms-outbound</c> queue's work: an item of a kind with an <see cref="ISmsComposer"/> goes to it; any other is
/// sent as it stands (its <see cref="OutboundSmsItem.To"/> and <see cref="OutboundSmsItem.Body"/>).
/// </summary>
public sealed partial class OutboundSmsWork(
    OutboundSms outbound,
    IEnumerable<ISmsComposer> composers,
    ILogger<OutboundSmsWork> logger)
{
    private readonly Dictionary<string, ISmsComposer> _composers = composers.ToDictionary(c => c.Kind, StringComparer.Ordinal);

    public async Task HandleAsync(OutboundSmsItem item, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(item);
        if (_composers.TryGetValue(item.Kind, out var composer))
        {
            await composer.HandleAsync(item, cancellationToken);
            return;
        }

        if (!Plain(item, out var to, out var body))
        {
            // Cannot succeed on a retry: say so and drop it.
            LogMalformed(item.Kind, item.Key);
            return;
        }

        // No delivery report is asked for: a plain SMS (an alert, a summary, a late answer) has no row its report could
        // go in, and under load those reports were two in three of the hub's HTTP requests, only to be logged.
        var result = await outbound.SendOnceAsync(new SmsToSend(item.Key, to, body, StatusCallback: null), cancellationToken);
        if (result is SmsSendResult.Refused refused)
        {
            LogRefused(item.Kind, item.Key, refused.ErrorCode);
        }
    }

    /// <summary>Every retry failed: the composer records it where it counts; a plain SMS is marked failed.</summary>
    public async Task PoisonedAsync(OutboundSmsItem? item, string messageId, CancellationToken cancellationToken)
    {
        if (item is null)
        {
            LogUnreadable(messageId);
            return;
        }

        if (_composers.TryGetValue(item.Kind, out var composer))
        {
            await composer.PoisonedAsync(item, cancellationToken);
            return;
        }

        if (Plain(item, out var to, out _))
        {
            await outbound.GiveUpAsync(item.Key, to, "the SMS provider stayed unavailable", cancellationToken);
        }

        LogPoisoned(item.Kind, item.Key);
    }

    private static bool Plain(OutboundSmsItem item, out string to, out string body)
    {
        to = item.To ?? string.Empty;
        body = item.Body ?? string.Empty;
        return UkPhoneNumber.IsE164(to) && body.Length > 0 && !string.IsNullOrEmpty(item.Key);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Outbound SMS item {Kind} {Key} has no valid recipient or text; dropped")]
    private partial void LogMalformed(string kind, string key);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbound SMS {Kind} {Key} refused with {ErrorCode}")]
    private partial void LogRefused(string kind, string key, string errorCode);

    [LoggerMessage(Level = LogLevel.Error, Message = "Outbound SMS {Kind} {Key} failed after every retry; recorded as failed")]
    private partial void LogPoisoned(string kind, string key);

    [LoggerMessage(Level = LogLevel.Error, Message = "Unreadable outbound SMS message {MessageId} reached the poison queue; dropped")]
    private partial void LogUnreadable(string messageId);
}
