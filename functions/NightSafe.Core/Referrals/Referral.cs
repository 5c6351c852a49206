using NightSafe.Core.Intake.Parsing;
using NightSafe.Core.Nights;
using NightSafe.Core.References;
using NightSafe.Core.Routing;
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
/// Its state changes are its own methods below, each returning the <see cref="ReferralTransition"/> (new state and
/// audit events) it implies and refusing an illegal move with <see cref="IllegalTransitionException"/>.
/// </summary>
public sealed record Referral
{
    public required NightId Night { get; init; }

    public required ReferenceCode Reference { get; init; }

    public required DateTimeOffset ReceivedAt { get; init; }

    public required ReferralSource Source { get; init; }

    public required TownId TownId { get; init; }

    public required IReadOnlyList<CategoryId> Categories { get; init; }

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

    /// <summary>The furthest delivery status reported for the advice SMS (lower case): later reports must go beyond it.</summary>
    public string? AdviceReportedStatus { get; init; }

    public DateTimeOffset? RoutedAt { get; init; }

    /// <summary>
    /// When routing first recorded partner cases for it (in the same transaction as the cases): while null no case row
    /// exists, so routing need not look for any (one storage request fewer per referral).
    /// </summary>
    public DateTimeOffset? CasesRecordedAt { get; init; }

    public DateTimeOffset? ClosedAt { get; init; }

    public DateTimeOffset? ErasedAt { get; init; }

    /// <summary>W3C trace context of the request that created it, so routing joins the same trace.</summary>
    public string? TraceParent { get; init; }

    /// <summary>The inbound message that stored it ("twilio/SM..."), so a retry of that message resumes this referral; null without one.</summary>
    public string? Inbound { get; init; }

    public string Key => $"{Night}/{Reference}";

    /// <summary>
    /// The note to keep with an outcome or a close: none once the personal data is erased (by retention or on request),
    /// because erasure runs once and would not come back for a note added after it.
    /// </summary>
    public string? NoteToKeep(string? note) => ErasedAt is not null || string.IsNullOrWhiteSpace(note) ? null : note.Trim();

    public bool IsOpen => Status is ReferralStatus.Received or ReferralStatus.Routed or ReferralStatus.InProgress or ReferralStatus.NeedsManualRouting;

    /// <summary>Routing finished once already (a later attempt only republishes and retries the advice).</summary>
    public bool HasBeenRouted => Status != ReferralStatus.Received && RoutedAt is not null;

    /// <summary>An officer (or the control room) may close any referral that is not closed yet.</summary>
    public bool CanClose => Status != ReferralStatus.Closed;

    /// <summary>
    /// The advice SMS is still to be sent: consent and a number, and no outcome yet (Sending is an older row's claim;
    /// the send's own marker, not the referral, now says whether it is in flight).
    /// </summary>
    public bool AdviceOutstanding => Advice is AdviceState.Pending or AdviceState.Sending && SubjectPhone is not null;

    /// <summary>The advice SMS may be claimed for sending: consent and a number, and not attempted yet.</summary>
    public bool CanClaimAdvice => Advice == AdviceState.Pending && SubjectPhone is not null;

    /// <summary>True when a provider message id belongs to this referral's advice SMS (or none is recorded yet).</summary>
    public bool IsAdviceMessage(string messageId) => AdviceMessageId is null || AdviceMessageId == messageId;

    /// <summary>Closed by a person (an officer's CLOSE): the outcome they gave is the event's note.</summary>
    public ReferralTransition Close(DateTimeOffset at, string actor, string? note)
    {
        Require(CanClose, "close", "it is closed already");
        return new(
            this with { Status = ReferralStatus.Closed, ClosedAt = at },
            [ReferralEvent.Of(at, ReferralEventKinds.Closed, actor, (ReferralEventData.Note, NoteToKeep(note)))]);
    }

    /// <summary>An officer may add to a referral until it is closed.</summary>
    public bool CanAmend => Status != ReferralStatus.Closed;

    /// <summary>
    /// The officer adds to the referral: a number, consent, more words. Before routing it becomes part of the case (and
    /// consent with a number makes the advice SMS due); after routing each agency that has the case is sent what changed
    /// in its own minimised view (<see cref="UpdateCase"/>).
    /// </summary>
    public ReferralTransition Amend(string? subjectPhone, Consent? consent, string? more, DateTimeOffset at, string actor)
    {
        Require(CanAmend, "amend", "it is closed");
        var fields = new List<string>();
        var next = this;
        if (subjectPhone is not null && subjectPhone != SubjectPhone)
        {
            next = next with { SubjectPhone = subjectPhone };
            fields.Add(ReferralFields.SubjectPhone);
        }

        if (consent is { } c && c != Consent)
        {
            next = next with { Consent = c };
            fields.Add(ReferralFields.Consent);
        }

        if (!string.IsNullOrWhiteSpace(more))
        {
            next = next with { Description = Description is null ? more.Trim() : $"{Description}; {more.Trim()}" };
            fields.Add(ReferralFields.Description);
        }

        if (fields.Count == 0)
        {
            return ReferralTransition.None;
        }

        var routed = Status != ReferralStatus.Received;
        if (!routed && Advice is AdviceState.NotApplicable or AdviceState.Pending)
        {
            next = next with { Advice = next.Consent == Consent.Given && next.SubjectPhone is not null ? AdviceState.Pending : AdviceState.NotApplicable };
        }

        var amended = routed
            ? ReferralEvent.Of(at, ReferralEventKinds.Amended, actor, (ReferralEventData.Fields, string.Join(',', fields)), (ReferralEventData.Reason, "after routing: agencies that have the case are sent an update"))
            : ReferralEvent.Of(at, ReferralEventKinds.Amended, actor, (ReferralEventData.Fields, string.Join(',', fields)));
        return new(next, [amended]);
    }

    /// <summary>
    /// Every case of <paramref name="decision"/> is out: Routed (unless partners or an officer already moved it on),
    /// routed once (the first time is kept), flagged when the fallback agency took part.
    /// </summary>
    public ReferralTransition MarkRouted(RoutingDecision decision, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(decision);
        var events = new List<ReferralEvent>();
        if (decision.UsedFallback && !Flagged)
        {
            events.Add(ReferralEvent.Of(at, ReferralEventKinds.Fallback, Actors.System, (ReferralEventData.Categories, string.Join(',', decision.UncoveredCategories))));
        }

        events.Add(ReferralEvent.Of(at, ReferralEventKinds.Routed, Actors.System, (ReferralEventData.Agency, string.Join(',', decision.Assignments.Select(a => a.AgencyId)))));
        // Closed while its cases went out: no advice (the CLOSE cancels the cases already out; their rows exist).
        var adviceAside = Status == ReferralStatus.Closed && Advice is AdviceState.Pending or AdviceState.Sending;
        if (adviceAside)
        {
            events.Add(ReferralEvent.Of(at, ReferralEventKinds.AdviceSkipped, Actors.System, (ReferralEventData.Reason, "closed during routing")));
        }

        return new(
            this with
            {
                Status = Status == ReferralStatus.Received ? ReferralStatus.Routed : Status,
                RoutedAt = RoutedAt ?? at,
                Flagged = Flagged || decision.UsedFallback,
                Advice = adviceAside ? AdviceState.NotApplicable : Advice,
            },
            events);
    }

    /// <summary>The control room may route by hand a referral that automatic routing gave up on.</summary>
    public bool CanRouteByHand => Status == ReferralStatus.NeedsManualRouting;

    /// <summary>
    /// The control room routed it by hand to the agencies of <paramref name="decision"/>, every case now out: Routed,
    /// with the person who did it in the trail. It stays flagged: it needed a human, and the summary says so.
    /// </summary>
    public ReferralTransition RouteByHand(RoutingDecision decision, string actor, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(decision);
        Require(CanRouteByHand, "route it by hand", "it does not need manual routing");
        return new(
            this with { Status = ReferralStatus.Routed, RoutedAt = RoutedAt ?? at },
            [ReferralEvent.Of(at, ReferralEventKinds.Routed, actor, (ReferralEventData.Agency, string.Join(',', decision.Assignments.Select(a => a.AgencyId))), (ReferralEventData.Reason, "routed by hand"))]);
    }

    /// <summary>
    /// Routing failed after every retry: the control room routes it by hand. Flagging twice changes nothing, and neither
    /// does flagging a referral whose cases all reached their partners (what failed came after) or one the officer closed
    /// (nothing is left to route): telling inspectors to route those by hand would disclose again, or reopen a closed one.
    /// </summary>
    public ReferralTransition FlagForManualRouting(DateTimeOffset at) =>
        Status is ReferralStatus.NeedsManualRouting or ReferralStatus.Closed || HasBeenRouted
            ? ReferralTransition.None
            : new(
                this with { Status = ReferralStatus.NeedsManualRouting, Flagged = true },
                [ReferralEvent.Of(at, ReferralEventKinds.ManualRouting, Actors.System, (ReferralEventData.Reason, "routing failed after every retry"))]);

    /// <summary>
    /// A partner's answer on one of its cases: the case moves forward; the referral goes in progress, or closes when the
    /// partner closes it (the others are then told, see <c>PartnerLoop</c>) or once every case (<paramref name="case"/>
    /// and <paramref name="otherCases"/>) is finished. When every case is declined and the control room
    /// (<paramref name="fallbackAgencyId"/>) has none, it stays open: it is escalated instead of dropped. The referral
    /// is always written, so two partners finishing at once cannot both miss that every case is finished.
    /// </summary>
    /// <param name="by">The signed-in person who answered (partner desk), recorded in the event's actor.</param>
    public ReferralTransition RecordOutcome(PartnerCase @case, IEnumerable<PartnerCase> otherCases, CaseStatus outcome, string? note, DateTimeOffset at, string? by = null, AgencyId? fallbackAgencyId = null)
    {
        ArgumentNullException.ThrowIfNull(@case);
        ArgumentNullException.ThrowIfNull(otherCases);
        Require(@case.Night == Night && @case.Reference == Reference, "record an outcome of", $"case {@case.Night}/{@case.Reference} is not one of its cases");
        var moved = @case.MoveTo(outcome, at);
        var others = otherCases.ToList();
        var allFinished = moved.IsFinished && others.All(c => c.IsFinished);
        var declinedByAll = fallbackAgencyId is { } fallback && Partners.AcknowledgementRules.DeclinedByAll([moved, .. others], fallback);
        var closedByPartner = outcome == CaseStatus.Closed;
        var next = Status switch
        {
            ReferralStatus.Closed => this,
            _ when closedByPartner || (allFinished && !declinedByAll) => this with { Status = ReferralStatus.Closed, ClosedAt = at },
            ReferralStatus.Routed or ReferralStatus.Received => this with { Status = ReferralStatus.InProgress },
            _ => this,
        };
        var events = new List<ReferralEvent>
        {
            ReferralEvent.Of(
                at,
                ReferralEventKinds.Outcome,
                by is null ? Actors.Partner(@case.AgencyId) : Actors.Partner(@case.AgencyId) + ":" + by,
                (ReferralEventData.Agency, @case.AgencyId.Value),
                (ReferralEventData.Status, outcome.ToString().ToLowerInvariant()),
                (ReferralEventData.Note, NoteToKeep(note))),
        };
        if (next.Status == ReferralStatus.Closed && Status != ReferralStatus.Closed)
        {
            events.Add(ReferralEvent.Of(at, ReferralEventKinds.Closed, Actors.System, (ReferralEventData.Reason, closedByPartner ? "closed by " + @case.AgencyId : "every agency closed or declined its case")));
        }

        return new(next, events) { Case = moved };
    }

    /// <summary>
    /// A case's first acknowledgement deadline passed unanswered: its agency was texted again and the control room told.
    /// The case's <see cref="PartnerCase.RemindedAt"/> is the marker that makes a second firing do nothing.
    /// </summary>
    public ReferralTransition RemindCase(PartnerCase @case, TimeSpan waited, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(@case);
        RequireOwn(@case, "remind");
        Require(@case.IsUnanswered && @case.RemindedAt is null && @case.EscalatedAt is null, "remind", $"case {@case.AgencyId} is {@case.Status}{(@case.RemindedAt is null ? string.Empty : ", reminded already")}");
        return new(
            null,
            [ReferralEvent.Of(at, ReferralEventKinds.Reminded, Actors.System, (ReferralEventData.Agency, @case.AgencyId.Value), (ReferralEventData.Reason, "not accepted after " + Partners.CaseAlertTexts.Duration(waited)))])
        {
            Case = @case with { RemindedAt = at },
        };
    }

    /// <summary>
    /// A case is escalated (<paramref name="reason"/>: not accepted by its second deadline, or declined by every agency):
    /// the referral is flagged and, when the control room has no case yet, <paramref name="fallbackCase"/> discloses it
    /// to the control room. <see cref="PartnerCase.EscalatedAt"/> is the marker that makes a second firing do nothing.
    /// </summary>
    public ReferralTransition EscalateCase(PartnerCase @case, string reason, string why, PartnerCase? fallbackCase, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(@case);
        RequireOwn(@case, "escalate");
        Require(Status != ReferralStatus.Closed && @case.EscalatedAt is null, "escalate", Status == ReferralStatus.Closed ? "it is closed" : $"case {@case.AgencyId} is escalated already");
        var events = new List<ReferralEvent>
        {
            ReferralEvent.Of(at, ReferralEventKinds.Escalated, Actors.System, (ReferralEventData.Agency, @case.AgencyId.Value), (ReferralEventData.Status, reason), (ReferralEventData.Reason, why)),
        };
        if (fallbackCase is not null)
        {
            RequireOwn(fallbackCase, "escalate to");
            events.Add(ReferralEvent.Of(
                at,
                ReferralEventKinds.Disclosed,
                Actors.System,
                (ReferralEventData.Agency, fallbackCase.AgencyId.Value),
                (ReferralEventData.Fields, string.Join(',', fallbackCase.Fields)),
                (ReferralEventData.Categories, string.Join(',', Categories)),
                (ReferralEventData.Reason, "escalated: " + why),
                (ReferralEventData.MessageId, PartnerCase.MessageIdFor(Night, Reference, fallbackCase.AgencyId))));
        }

        return new(this with { Flagged = true }, events)
        {
            Case = @case with { EscalatedAt = at, EscalationReason = reason },
            AddedCases = fallbackCase is null ? [] : [fallbackCase],
        };
    }

    /// <summary>The referral is closed and the agency of <paramref name="case"/> has been told (case-closed, SMS).</summary>
    public ReferralTransition CancelCase(PartnerCase @case, string closedBy, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(@case);
        RequireOwn(@case, "cancel");
        Require(Status == ReferralStatus.Closed && @case.CancelledAt is null, "cancel", Status == ReferralStatus.Closed ? $"case {@case.AgencyId} is cancelled already" : "it is not closed");
        return new(
            null,
            [ReferralEvent.Of(at, ReferralEventKinds.Cancelled, Actors.System, (ReferralEventData.Agency, @case.AgencyId.Value), (ReferralEventData.Reason, "closed " + closedBy))])
        {
            Case = @case with { CancelledAt = at },
        };
    }

    /// <summary>
    /// One agency's case takes what the officer added (<paramref name="refresh"/>, already minimised for that agency):
    /// its stored view becomes the new one, the fields disclosed grow by what changed, and the audit names exactly what
    /// was sent and withdrawn. Refused once the referral or the case is over.
    /// </summary>
    public ReferralTransition UpdateCase(PartnerCase @case, CaseRefresh refresh, string messageId, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(@case);
        ArgumentNullException.ThrowIfNull(refresh);
        RequireOwn(@case, "update");
        Require(Status != ReferralStatus.Closed && !@case.IsFinished, "update a case of", Status == ReferralStatus.Closed ? "it is closed" : $"case {@case.AgencyId} is finished");
        return new(
            null,
            [ReferralEvent.Of(
                at,
                ReferralEventKinds.CaseUpdated,
                Actors.System,
                (ReferralEventData.Agency, @case.AgencyId.Value),
                (ReferralEventData.Fields, string.Join(',', refresh.Changed)),
                (ReferralEventData.Withdrawn, refresh.Withdrawn.Count == 0 ? null : string.Join(',', refresh.Withdrawn)),
                (ReferralEventData.MessageId, messageId))])
        {
            Case = @case with
            {
                View = refresh.View,
                Fields = [.. @case.Fields.Union(refresh.Changed, StringComparer.Ordinal)],
            },
        };
    }

    private void RequireOwn(PartnerCase @case, string move) =>
        Require(@case.Night == Night && @case.Reference == Reference, move, $"case {@case.Night}/{@case.Reference} is not one of its cases");

    /// <summary>Pending advice that will never be sent (e.g. closed before routing): say why rather than leave it pending.</summary>
    public ReferralTransition SetAdviceAside(string reason, DateTimeOffset at)
    {
        Require(Advice is AdviceState.Pending or AdviceState.Sending, "set aside the advice of", $"its advice is {Advice}, not pending");
        return new(
            this with { Advice = AdviceState.NotApplicable },
            [ReferralEvent.Of(at, ReferralEventKinds.AdviceSkipped, Actors.System, (ReferralEventData.Reason, reason))]);
    }

    /// <summary>
    /// The idempotency marker before the advice SMS: Pending becomes Sending (or OptedOut when the number replied STOP),
    /// written with optimistic concurrency, so a retry or a second worker never sends again.
    /// </summary>
    public ReferralTransition ClaimAdvice(bool numberOptedOut, DateTimeOffset at)
    {
        Require(CanClaimAdvice, "claim the advice SMS of", $"its advice is {Advice}{(SubjectPhone is null ? " and it has no number" : string.Empty)}");
        return numberOptedOut
            ? new(this with { Advice = AdviceState.OptedOut }, [ReferralEvent.Of(at, ReferralEventKinds.AdviceSkipped, Actors.System, (ReferralEventData.Reason, "number opted out"))])
            : new(this with { Advice = AdviceState.Sending }, [ReferralEvent.Of(at, ReferralEventKinds.AdviceSending, Actors.System)]);
    }

    /// <summary>The number replied STOP: the outstanding advice is not sent.</summary>
    public ReferralTransition SkipAdviceOptedOut(DateTimeOffset at) =>
        Advice is AdviceState.Pending or AdviceState.Sending
            ? new(this with { Advice = AdviceState.OptedOut }, [ReferralEvent.Of(at, ReferralEventKinds.AdviceSkipped, Actors.System, (ReferralEventData.Reason, "number opted out"))])
            : ReferralTransition.None;

    /// <summary>Every retry of the advice SMS failed (its poison queue): recorded as failed, so the summary counts it.</summary>
    public ReferralTransition AdviceGivenUp(string reason, DateTimeOffset at) =>
        Advice is AdviceState.Pending or AdviceState.Sending
            ? new(
                this with { Advice = AdviceState.Failed, AdviceError = "retries-exhausted" },
                [ReferralEvent.Of(at, ReferralEventKinds.AdviceFailed, Actors.System, (ReferralEventData.ErrorCode, "retries-exhausted"), (ReferralEventData.Reason, reason))])
            : ReferralTransition.None;

    /// <summary>The provider was unavailable, so nothing was sent: Sending goes back to Pending for the queue's retry.</summary>
    public ReferralTransition ReleaseAdvice() =>
        Advice == AdviceState.Sending ? new(this with { Advice = AdviceState.Pending }, []) : ReferralTransition.None;

    /// <summary>The provider accepted the advice SMS (a delivery report may have moved it on already; that is kept).</summary>
    public ReferralTransition AdviceAccepted(string messageId, DateTimeOffset at) =>
        new(
            this with { Advice = Advice is AdviceState.Sending or AdviceState.Pending ? AdviceState.Sent : Advice, AdviceMessageId = messageId },
            [ReferralEvent.Of(at, ReferralEventKinds.AdviceSent, Actors.System, (ReferralEventData.MessageId, messageId))]);

    /// <summary>The provider refused the advice SMS for good (invalid number, opted out): recorded, never retried.</summary>
    public ReferralTransition AdviceRefused(string errorCode, string reason, DateTimeOffset at) =>
        new(
            this with { Advice = AdviceState.Failed, AdviceError = errorCode },
            [ReferralEvent.Of(at, ReferralEventKinds.AdviceFailed, Actors.System, (ReferralEventData.ErrorCode, errorCode), (ReferralEventData.Reason, reason))]);

    /// <summary>
    /// A delivery report of the advice SMS (status in lower case). Twilio replays callbacks and they can arrive out of
    /// order, so only a report that goes beyond the furthest status reported so far counts (queued, sending, sent,
    /// then a final delivered, undelivered or failed): a replay or a late report is ignored, not recorded again, and
    /// a final status is never overturned (delivered never becomes failed).
    /// </summary>
    public ReferralTransition RecordDeliveryReport(string messageId, string status, string? errorCode, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(status);
        Require(IsAdviceMessage(messageId), "record a delivery report of", "the message is not its advice SMS");
        if (DeliveryRank(status) <= DeliveryRank(AdviceReportedStatus))
        {
            return ReferralTransition.None;
        }

        var outstanding = Advice is AdviceState.Pending or AdviceState.Sending or AdviceState.Sent;
        var next = status switch
        {
            "delivered" when outstanding => this with { Advice = AdviceState.Delivered },
            "undelivered" or "failed" when outstanding => this with { Advice = AdviceState.Failed, AdviceError = errorCode ?? status },
            _ => this,
        };
        return new(
            next with { AdviceMessageId = messageId, AdviceReportedStatus = status },
            [ReferralEvent.Of(at, ReferralEventKinds.SmsStatus, Actors.SmsProvider, (ReferralEventData.MessageId, messageId), (ReferralEventData.Status, status), (ReferralEventData.ErrorCode, errorCode))]);
    }

    /// <summary>
    /// Whether a delivery status is the message's fate (delivered, undelivered, failed, canceled; read, which comes only
    /// after delivered) rather than a step on the way (accepted, queued, sending, sent); an unknown status counts as a step.
    /// </summary>
    public static bool IsFinalDeliveryStatus(string status)
    {
        ArgumentNullException.ThrowIfNull(status);
        return DeliveryRank(status.ToLowerInvariant()) >= FinalRank;
    }

    private const int FinalRank = 3;

    /// <summary>How far along a delivery status is; the final ones share the top rank (none overturns another).</summary>
    private static int DeliveryRank(string? status) => status switch
    {
        null => -1,
        "accepted" or "scheduled" or "queued" => 0,
        "sending" => 1,
        "sent" => 2,
        "delivered" or "undelivered" or "failed" or "canceled" => FinalRank,
        "read" => FinalRank + 1,
        _ => 0,
    };

    private void Require(bool allowed, string move, string because)
    {
        if (!allowed)
        {
            throw new IllegalTransitionException($"Referral {Key}: cannot {move} it: {because}.");
        }
    }
}
