namespace NightSafe.Core.Referrals;

/// <summary>
/// One line of a referral's audit trail (DPA 2018 s.62 logging): every disclosure, consultation, change and erasure.
/// Data holds identifiers and field names, never the personal data itself, except <see cref="ReferralEventData.Note"/>
/// (a partner's or officer's note), which retention erases.
/// </summary>
public sealed record ReferralEvent(DateTimeOffset At, string Kind, string Actor, IReadOnlyDictionary<string, string> Data)
{
    public static ReferralEvent Of(DateTimeOffset at, string kind, string actor, params (string Key, string? Value)[] data) =>
        new(at, kind, actor, data.Where(d => d.Value is not null).ToDictionary(d => d.Key, d => d.Value!, StringComparer.Ordinal));

    /// <summary>A text about the referral that changed nothing (a repeated CLOSE or answer): recorded for its provider id alone.</summary>
    public static ReferralEvent SmsReceived(DateTimeOffset at, string actor, string messageSid) =>
        Of(at, ReferralEventKinds.SmsReceived, actor, (ReferralEventData.SmsMessages, messageSid));

    /// <summary>
    /// This event naming the provider ids of the texts that caused it (<see cref="ReferralEventData.SmsMessages"/>): the
    /// provider keeps each text's body and numbers, and an erasure of the referral deletes them there.
    /// </summary>
    public ReferralEvent WithSmsMessages(IEnumerable<string?> messageSids)
    {
        ArgumentNullException.ThrowIfNull(messageSids);
        var ids = SmsMessageIds.Concat(messageSids.OfType<string>().Where(s => s.Length > 0)).Distinct(StringComparer.Ordinal).ToList();
        return ids.Count == 0 ? this : this with { Data = new Dictionary<string, string>(Data, StringComparer.Ordinal) { [ReferralEventData.SmsMessages] = string.Join(',', ids) } };
    }

    /// <summary>The provider ids of the texts that caused this event (none for most events).</summary>
    public IReadOnlyList<string> SmsMessageIds =>
        Data.TryGetValue(ReferralEventData.SmsMessages, out var ids) ? ids.Split(',', StringSplitOptions.RemoveEmptyEntries) : [];
}

/// <summary>The kinds of audit event.</summary>
public static class ReferralEventKinds
{
    public const string Received = "received";
    public const string Routed = "routed";
    public const string Disclosed = "disclosed";

    /// <summary>A recorded case that was not published after all (the referral was closed first).</summary>
    public const string Withheld = "withheld";
    public const string Fallback = "fallback";
    public const string AdviceSkipped = "advice-skipped";
    public const string AdviceSending = "advice-sending";
    public const string AdviceSent = "advice-sent";
    public const string AdviceFailed = "advice-failed";
    public const string SmsStatus = "sms-status";
    public const string Outcome = "outcome";
    public const string OutcomeRefused = "outcome-refused";
    public const string Consulted = "consulted";
    public const string ConsultationRefused = "consultation-refused";
    public const string Closed = "closed";
    public const string Amended = "amended";
    public const string ManualRouting = "manual-routing";
    public const string Erased = "erased";

    /// <summary>A case message an agency's subscription had dead-lettered was removed by retention (its reason, never its body).</summary>
    public const string DeadLetterDrained = "dead-letter-drained";

    /// <summary>A case's first acknowledgement deadline passed unanswered: its agency was alerted again, the control room told.</summary>
    public const string Reminded = "reminded";

    /// <summary>A case went unanswered past its second deadline, or every agency declined: sent to the control room and the inspector.</summary>
    public const string Escalated = "escalated";

    /// <summary>An agency was told that the referral it had is closed (case-closed message, SMS to phones that accepted).</summary>
    public const string Cancelled = "cancelled";

    /// <summary>A text about the referral (officer or partner) that changed nothing; kept for its provider id (erased at the provider with the referral).</summary>
    public const string SmsReceived = "sms-received";

    /// <summary>An agency was sent what the officer added to a referral it has (case-updated message): the fields, and those withdrawn.</summary>
    public const string CaseUpdated = "case-updated";
}

/// <summary>Keys used in <see cref="ReferralEvent.Data"/>.</summary>
public static class ReferralEventData
{
    public const string Agency = "agency";
    public const string Fields = "fields";
    public const string Categories = "categories";
    public const string Reason = "reason";
    public const string Status = "status";
    public const string MessageId = "messageId";

    /// <summary>Fields an agency may no longer hold (consent withdrawn), removed from its case.</summary>
    public const string Withdrawn = "withdrawn";
    public const string ErrorCode = "errorCode";
    public const string Source = "source";

    /// <summary>What the text was read as: where the town came from, concerns seen negated, the kind of location.</summary>
    public const string Reading = "reading";

    /// <summary>
    /// The SMS provider's ids (Twilio MessageSids, comma-separated) of the inbound texts that caused the event: an
    /// officer's STATUS, CLOSE, ADD or answer, a partner's ACC/DEC/ATT/DONE. The provider keeps every text's body and
    /// numbers; an erasure lists these for deletion there.
    /// </summary>
    public const string SmsMessages = "smsMessages";

    /// <summary>Free text from a person: erased by retention, never logged.</summary>
    public const string Note = "note";
}
