using System.Text.Json;
using System.Text.Json.Serialization;

namespace NightSafe.Core.Ports;

/// <summary>
/// One SMS to send, as a work item on the storage queue <c>sms-outbound</c> (see <see cref="IOutboundSmsQueue"/>).
/// </summary>
/// <param name="Kind">What it is (<see cref="Sms.SmsKinds"/>): picks the <see cref="Sms.ISmsComposer"/> that sends it, or the plain path.</param>
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
    string? TraceParent = null)
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    /// <summary>The message text for this work item: JSON {"kind","key","to","body","night","reference","traceParent"}.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Options);

    /// <summary>The work item a message holds, or null when it is not one.</summary>
    public static OutboundSmsItem? FromJson(string? message)
    {
        if (string.IsNullOrWhiteSpace(message))
        {
            return null;
        }

        try
        {
            var item = JsonSerializer.Deserialize<OutboundSmsItem>(message, Options);
            return item is { Kind.Length: > 0, Key.Length: > 0 } ? item : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

/// <summary>
/// The storage queue <c>sms-outbound</c>: every outbound SMS of the hub is a work item here, with its own retries and
/// poison queue, so an SMS provider outage retries SMS and never fails the work that asked for it (routing, alerts,
/// summaries).
/// <para>
/// How a feature sends an SMS: build an <see cref="OutboundSmsItem"/> with a key naming the message (the same key for
/// everyone who gets the same message; never a phone number or free text in it), the recipient's E.164 number and
/// the GSM-7 text, and enqueue it (one item per recipient). The <c>sms-outbound</c> trigger hands it to
/// <see cref="Sms.OutboundSms.SendOnceAsync"/>, which marks (key, recipient) before the send and records the outcome
/// after, so repeating the enqueue (a retried fan-out loop, a redelivered trigger) never texts anyone twice. A kind
/// whose text or recipient comes from stored state, or whose outcome must be written back (advice), implements
/// <see cref="Sms.ISmsComposer"/> and is registered in DI; it then receives the item instead of the plain path.
/// </para>
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1711", Justification = "It is a queue: the storage queue sms-outbound.")]
public interface IOutboundSmsQueue
{
    Task EnqueueAsync(OutboundSmsItem item, CancellationToken cancellationToken);
}

/// <summary>Where one (message, recipient) send stands.</summary>
public enum SmsMarkState
{
    /// <summary>An attempt is sending it now (or died while sending: then it is reconciled once the lease is over).</summary>
    Sending,

    /// <summary>The last attempt got no clear answer (timeout, 5xx): it may have been sent; reconcile before any resend.</summary>
    Uncertain,

    /// <summary>The last attempt provably did not reach the provider (connection refused, 429): send again.</summary>
    NotSent,

    /// <summary>Accepted by the provider (<see cref="SmsMark.MessageId"/>): never sent again.</summary>
    Sent,

    /// <summary>Refused for good, or given up after every retry (<see cref="SmsMark.ErrorCode"/>): never sent again.</summary>
    Failed,
}

/// <summary>The marker of one (message key, recipient); <see cref="Version"/> guards its owner's later writes.</summary>
/// <param name="FirstAttemptAt">When the first attempt began: a reconcile looks for the message from then on.</param>
public sealed record SmsMark(
    string Key,
    SmsMarkState State,
    DateTimeOffset FirstAttemptAt,
    DateTimeOffset AttemptedAt,
    string Version,
    string? MessageId = null,
    string? ErrorCode = null,
    string? Reason = null);

/// <summary>A mark as found or created by <see cref="ISmsMarkers.BeginAsync"/>.</summary>
public sealed record SmsMarkClaim(SmsMark Mark, bool Created);

/// <summary>
/// At-most-once markers of outbound SMS, one per (message key, recipient). Recipients are keyed by a hash of the
/// number (numbers never become table keys). Every change after the first insert is guarded by the mark's version.
/// </summary>
public interface ISmsMarkers
{
    /// <summary>Creates the mark in state Sending at <paramref name="now"/>, or returns the existing one untouched.</summary>
    Task<SmsMarkClaim> BeginAsync(string key, string recipient, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Takes an existing mark over for a new attempt at <paramref name="now"/> (state Sending); <see cref="ConcurrencyConflictException"/> when another attempt did first.</summary>
    Task<SmsMark> RetakeAsync(SmsMark mark, string recipient, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Records the attempt's outcome; <see cref="ConcurrencyConflictException"/> when the mark was taken over meanwhile.</summary>
    Task<SmsMark> RecordAsync(SmsMark mark, string recipient, SmsMarkState state, string? messageId, string? errorCode, string? reason, CancellationToken cancellationToken);

    /// <summary>Deletes marks created before <paramref name="before"/> (retention).</summary>
    Task<int> PurgeAsync(DateTimeOffset before, CancellationToken cancellationToken);

    /// <summary>
    /// The provider message ids of every SMS sent for the referral <paramref name="referralKey"/> ("night/reference",
    /// see <see cref="Sms.SmsKeys.ReferralOf"/>), so its erasure can delete them at the provider. None by default.
    /// </summary>
    Task<IReadOnlyList<string>> MessageIdsOfAsync(string referralKey, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<string>>([]);
}
