using NightSafe.Core.World;
using NightSafe.Core.Nights;
using NightSafe.Core.References;

namespace NightSafe.Core.Referrals;

/// <summary>What an agency has done with a case routed to it.</summary>
public enum CaseStatus
{
    /// <summary>Published to the agency; no answer yet.</summary>
    Sent,
    Accepted,
    Declined,
    Attended,
    Closed,
}

/// <summary>
/// One disclosure of a referral to one agency: exactly the fields it was allowed to see (as sent), and its outcome.
/// </summary>
public sealed record PartnerCase
{
    public required NightId Night { get; init; }

    public required ReferenceCode Reference { get; init; }

    public required AgencyId AgencyId { get; init; }

    public required DateTimeOffset DisclosedAt { get; init; }

    /// <summary>The referral fields disclosed, as named in routing.json's <c>shares</c>.</summary>
    public required IReadOnlyList<string> Fields { get; init; }

    /// <summary>The JSON body the agency received (its minimised view); erased with the referral's personal data.</summary>
    public required string View { get; init; }

    public CaseStatus Status { get; init; } = CaseStatus.Sent;

    public DateTimeOffset? AcceptedAt { get; init; }

    public DateTimeOffset? UpdatedAt { get; init; }

    /// <summary>When its first acknowledgement deadline passed unanswered and the agency was alerted again.</summary>
    public DateTimeOffset? RemindedAt { get; init; }

    /// <summary>When it was escalated to the control room and the duty inspector (see <see cref="EscalationReason"/>).</summary>
    public DateTimeOffset? EscalatedAt { get; init; }

    /// <summary>Why it was escalated: <c>not-accepted</c> (its second deadline passed) or <c>declined-by-all</c>.</summary>
    public string? EscalationReason { get; init; }

    /// <summary>When the agency was told that the referral is closed (case-closed message, SMS to phones that accepted).</summary>
    public DateTimeOffset? CancelledAt { get; init; }

    /// <summary>
    /// When routing withheld it: the referral was closed after the case was recorded and before it was published, so
    /// the agency was never sent it. A withheld case is not the agency's: its lists, desk, reports and the night's
    /// summary leave it out (the audit trail keeps its "withheld" event). It is still told the referral is closed, in
    /// case an earlier routing attempt did publish it before failing.
    /// </summary>
    public DateTimeOffset? WithheldAt { get; init; }

    /// <summary>Withheld by routing: never sent to the agency (see <see cref="WithheldAt"/>).</summary>
    public bool IsWithheld => WithheldAt is not null;

    /// <summary>Nothing more is expected of the agency: it closed or declined the case, was told it is over, or never got it.</summary>
    public bool IsFinished => Status is CaseStatus.Closed or CaseStatus.Declined || CancelledAt is not null || IsWithheld;

    /// <summary>The agency has not answered it at all.</summary>
    public bool IsUnanswered => Status == CaseStatus.Sent;

    /// <summary>Forward only: accepted, then attended, then closed; declining is possible until attended.</summary>
    public bool CanMoveTo(CaseStatus to) => (Status, to) switch
    {
        (_, CaseStatus.Sent) => false,
        (CaseStatus.Sent, _) => true,
        (CaseStatus.Accepted, CaseStatus.Attended or CaseStatus.Closed or CaseStatus.Declined) => true,
        (CaseStatus.Attended, CaseStatus.Closed) => true,
        _ => false,
    };

    /// <summary>
    /// The agency's answer moves the case (see <see cref="CanMoveTo"/>); the first answer that takes the case on sets
    /// <see cref="AcceptedAt"/>. Use <see cref="Referral.RecordOutcome"/>, which also moves the referral and audits it.
    /// </summary>
    internal PartnerCase MoveTo(CaseStatus to, DateTimeOffset at)
    {
        if (!CanMoveTo(to))
        {
            throw new IllegalTransitionException($"Case {Night}/{Reference}/{AgencyId}: cannot move from {Status} to {to}.");
        }

        return this with
        {
            Status = to,
            UpdatedAt = at,
            AcceptedAt = AcceptedAt ?? (to is CaseStatus.Accepted or CaseStatus.Attended or CaseStatus.Closed ? at : null),
        };
    }

    /// <summary>Service Bus MessageId: duplicate detection absorbs a retried publish.</summary>
    public static string MessageIdFor(NightId night, ReferenceCode reference, AgencyId agencyId) => $"{night}/{reference}/{agencyId}";
}
