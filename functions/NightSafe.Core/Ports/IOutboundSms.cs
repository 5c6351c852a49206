namespace NightSafe.Core.Ports;

/// <summary>
/// One SMS to send, as a work item on the storage queue <c>sms-outbound</c> (see <see cref="IOutboundSmsQueue"/>).
/// </summary>
/// <param name="Kind">What it is (<c>SmsKinds</c>): picks the <c>ISmsComposer</c> that sends it, or the plain path.</param>
/// <param name="Key">
/// The message's key: the same text meant for a group of recipients shares one key (<c>summary/2026-12-18</c>,
/// <c>alert/manual-routing/2026-12-18/7KQ2MX</c>). Key and recipient together are the at-most-once marker.
/// </param>
/// <param name="To">The recipient in E.164; null when a composer reads it from stored state (advice: never queue a subject's number).</param>
/// <param name="Body">The text; null when a composer builds it from stored state.</param>
/// <param name="Night">The referral's night when the SMS belongs to one.</param>
/// <param name="Reference">The referral's reference when the SMS belongs to one.</param>
/// <param name="TraceParent">W3C trace context, so the send joins the referral's trace.</param>
public sealed record OutboundSmsItem(
    string Kind,
    string Key,
    string? To,
    string? Body,
    string? Night = null,
    string? Reference = null,
    string? TraceParent = null);

/// <summary>
/// The storage queue <c>sms-outbound</c>: every outbound SMS of the hub is a work item here, with its own retries and
/// poison queue, so an SMS provider outage retries SMS and never fails the work that asked for it (routing, alerts,
/// summaries).
/// <para>
/// How a feature sends an SMS: build an <see cref="OutboundSmsItem"/> with a key naming the message (the same key for
/// everyone who gets the same message; never a phone number or free text in it), the recipient's E.164 number and
/// the GSM-7 text, and enqueue it (one item per recipient). The <c>sms-outbound</c> trigger hands it to
/// <c>OutboundSms.SendOnceAsync</c>, which marks (key, recipient) before the send and records the outcome
/// after, so repeating the enqueue (a retried fan-out loop, a redelivered trigger) never texts anyone twice. A kind
/// whose text or recipient comes from stored state, or whose outcome must be written back (advice), implements
/// <c>ISmsComposer</c> and is registered in DI; it then receives the item instead of the plain path.
/// </para>
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1711", Justification = "It is a queue: the storage queue sms-outbound.")]
public interface IOutboundSmsQueue
{
    Task EnqueueAsync(OutboundSmsItem item, CancellationToken cancellationToken);
}
