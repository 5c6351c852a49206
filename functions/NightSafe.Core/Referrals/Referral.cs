using NightSafe.Core.Intake.Parsing;
using NightSafe.Core.Nights;
using NightSafe.Core.References;
using NightSafe.Core.World;

namespace NightSafe.Core.Referrals;

/// <summary>Where a referral came in.</summary>
public enum ReferralSource
{
    Sms,
    Api,
    Queue,
}

/// <summary>A referral's place in its life: received, routed to partners, being handled, then closed.</summary>
public enum ReferralStatus
{
    /// <summary>Stored and waiting for routing.</summary>
    Received,

    /// <summary>Every assigned agency has its case.</summary>
    Routed,

    /// <summary>At least one agency has reported back and the case is not finished.</summary>
    InProgress,

    /// <summary>Closed by an officer, or every agency closed or declined it.</summary>
    Closed,

    /// <summary>Automatic routing failed after every retry; the control room routes it by hand.</summary>
    NeedsManualRouting,
}

/// <summary>Where the subject's advice SMS stands. At most one is ever sent per referral.</summary>
public enum AdviceState
{
    /// <summary>No consent or no number: nothing to send.</summary>
    NotApplicable,

    /// <summary>The number had opted out (STOP): nothing sent.</summary>
    OptedOut,

    /// <summary>Consent and number present; not attempted yet.</summary>
    Pending,

    /// <summary>The send began; if the outcome is unknown after a crash we do not send again.</summary>
    Sending,

    /// <summary>Twilio accepted the message.</summary>
    Sent,

    /// <summary>Twilio reported delivery.</summary>
    Delivered,

    /// <summary>Refused or undelivered; see <see cref="Referral.AdviceError"/>.</summary>
    Failed,
}

/// <summary>
/// One safeguarding referral: what an officer (or another system) reported, and where it stands.
/// Personal fields (location, description, subject phone) are erased after the retention period.
/// </summary>
public sealed record Referral
{
    public required NightId Night { get; init; }

    public required ReferenceCode Reference { get; init; }

    public required DateTimeOffset ReceivedAt { get; init; }

    public required ReferralSource Source { get; init; }

    public required string TownId { get; init; }

    public required IReadOnlyList<string> Categories { get; init; }

    public required Priority Priority { get; init; }

    public string? Location { get; init; }

    public string? Description { get; init; }

    /// <summary>E.164; present only when the officer gave it.</summary>
    public string? SubjectPhone { get; init; }

    public Consent Consent { get; init; }

    /// <summary>Who referred: an officer's collar number, or the calling system's name.</summary>
    public string? Officer { get; init; }

    public ReferralStatus Status { get; init; } = ReferralStatus.Received;

    /// <summary>Needs a human look: routed to the fallback agency, or could not be routed at all.</summary>
    public bool Flagged { get; init; }

    public AdviceState Advice { get; init; } = AdviceState.NotApplicable;

    public string? AdviceMessageId { get; init; }

    /// <summary>Twilio's error code when the advice SMS failed.</summary>
    public string? AdviceError { get; init; }

    public DateTimeOffset? RoutedAt { get; init; }

    public DateTimeOffset? ClosedAt { get; init; }

    public DateTimeOffset? ErasedAt { get; init; }

    /// <summary>W3C trace context of the request that created it, so routing joins the same trace.</summary>
    public string? TraceParent { get; init; }

    public string Key => $"{Night}/{Reference}";

    /// <summary>
    /// The note to keep with an outcome or a close: none once the personal data is erased (by retention or on request),
    /// because erasure runs once and would not come back for a note added after it.
    /// </summary>
    public string? NoteToKeep(string? note) => ErasedAt is not null || string.IsNullOrWhiteSpace(note) ? null : note.Trim();

    public bool IsOpen => Status is ReferralStatus.Received or ReferralStatus.Routed or ReferralStatus.InProgress or ReferralStatus.NeedsManualRouting;
}
