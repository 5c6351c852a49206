using NightSafe.Core.Intake.Parsing;
using NightSafe.Core.Nights;
using NightSafe.Core.Ports;
using NightSafe.Core.References;
using NightSafe.Core.Referrals;
using NightSafe.Core.Routing;
using NightSafe.Core.World;

namespace NightSafe.Core.Tests.Domain.Referrals;

/// <summary>Each state change of a referral: the state it leads to, the events it implies, and the moves it refuses.</summary>
public sealed class ReferralTransitionTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 18, 23, 40, 0, TimeSpan.Zero);

    private static readonly NightId Night = NightId.Parse("2026-12-18");

    private static readonly ReferenceCode Reference = ReferenceCode.Parse("K7Q2MA");

    private static Referral NewReferral(ReferralStatus status = ReferralStatus.Received, AdviceState advice = AdviceState.Pending, string? phone = "+447700900123") => new()
    {
        Night = Night,
        Reference = Reference,
        ReceivedAt = At.AddMinutes(-10),
        Source = ReferralSource.Sms,
        TownId = new TownId("chelmsford"),
        Categories = [new CategoryId("spiking")],
        Priority = Priority.High,
        SubjectPhone = phone,
        Consent = Consent.Given,
        Status = status,
        Advice = advice,
    };

    private static PartnerCase NewCase(string agency, CaseStatus status = CaseStatus.Sent) => new()
    {
        Night = Night,
        Reference = Reference,
        AgencyId = AgencyId.From(agency),
        DisclosedAt = At.AddMinutes(-5),
        Fields = ["town"],
        View = "{}",
        Status = status,
    };

    [Theory]
    [InlineData(ReferralStatus.Received)]
    [InlineData(ReferralStatus.Routed)]
    [InlineData(ReferralStatus.InProgress)]
    [InlineData(ReferralStatus.NeedsManualRouting)]
    public void An_open_referral_closes_with_the_officers_outcome_as_the_note(ReferralStatus status)
    {
        var closed = NewReferral(status).Close(At, "officer:PC 4107", "taken home by friends");

        Assert.Equal(ReferralStatus.Closed, closed.Referral!.Status);
        Assert.Equal(At, closed.Referral.ClosedAt);
        var e = Assert.Single(closed.Events);
        Assert.Equal((ReferralEventKinds.Closed, "officer:PC 4107", "taken home by friends"), (e.Kind, e.Actor, e.Data[ReferralEventData.Note]));
    }

    [Fact]
    public void A_closed_referral_refuses_to_close_again()
    {
        var referral = NewReferral(ReferralStatus.Closed);

        Assert.False(referral.CanClose);
        Assert.Throws<IllegalTransitionException>(() => referral.Close(At, "officer:PC 4107", null));
    }

    [Fact]
    public void Marking_a_received_referral_routed_records_the_agencies_and_when()
    {
        var decision = new RoutingDecision([new AgencyAssignment(new AgencyId("street-pastors-chelmsford"), [new CategoryId("spiking")])], false, []);

        var routed = NewReferral().MarkRouted(decision, At);

        Assert.Equal((ReferralStatus.Routed, (DateTimeOffset?)At, false), (routed.Referral!.Status, routed.Referral.RoutedAt, routed.Referral.Flagged));
        var e = Assert.Single(routed.Events);
        Assert.Equal((ReferralEventKinds.Routed, "street-pastors-chelmsford"), (e.Kind, e.Data[ReferralEventData.Agency]));
    }

    [Fact]
    public void Marking_routed_with_the_fallback_flags_it_once_and_keeps_a_status_partners_moved_on()
    {
        var decision = new RoutingDecision([new AgencyAssignment(new AgencyId("control-room"), [new CategoryId("spiking")])], true, [new CategoryId("spiking")]);
        var first = At.AddMinutes(-1);
        var referral = NewReferral(ReferralStatus.InProgress) with { RoutedAt = first };

        var routed = referral.MarkRouted(decision, At);

        Assert.Equal((ReferralStatus.InProgress, (DateTimeOffset?)first, true), (routed.Referral!.Status, routed.Referral.RoutedAt, routed.Referral.Flagged));
        Assert.Equal([ReferralEventKinds.Fallback, ReferralEventKinds.Routed], routed.Events.Select(e => e.Kind));
        Assert.Equal([ReferralEventKinds.Routed], routed.Referral.MarkRouted(decision, At).Events.Select(e => e.Kind));
    }

    [Fact]
    public void Flagging_for_manual_routing_flags_once_and_then_changes_nothing()
    {
        var flagged = NewReferral().FlagForManualRouting(At);

        Assert.Equal((ReferralStatus.NeedsManualRouting, true), (flagged.Referral!.Status, flagged.Referral.Flagged));
        Assert.Equal(ReferralEventKinds.ManualRouting, Assert.Single(flagged.Events).Kind);
        Assert.True(flagged.Referral.FlagForManualRouting(At).IsNone);
    }

    [Fact]
    public void Flagging_a_routed_or_closed_referral_for_manual_routing_changes_nothing()
    {
        var decision = new RoutingDecision([new AgencyAssignment(new AgencyId("street-pastors-chelmsford"), [new CategoryId("spiking")])], false, []);
        var routed = NewReferral().MarkRouted(decision, At).Referral!;
        var closed = NewReferral().Close(At, "officer:PC 4107", "with friends").Referral!;
        var closedAfterRouting = routed.Close(At, "officer:PC 4107", "with friends").Referral!;

        Assert.All([routed, closed, closedAfterRouting], r => Assert.True(r.FlagForManualRouting(At).IsNone));
    }

    [Fact]
    public void A_first_answer_puts_the_referral_in_progress_and_takes_the_case_on()
    {
        var @case = NewCase("street-pastors-chelmsford");

        var accepted = NewReferral(ReferralStatus.Routed).RecordOutcome(@case, [NewCase("council-chelmsford")], CaseStatus.Accepted, "  on our way ", At);

        Assert.Equal(ReferralStatus.InProgress, accepted.Referral!.Status);
        Assert.Equal((CaseStatus.Accepted, (DateTimeOffset?)At, (DateTimeOffset?)At), (accepted.Case!.Status, accepted.Case.AcceptedAt, accepted.Case.UpdatedAt));
        var e = Assert.Single(accepted.Events);
        Assert.Equal(
            (ReferralEventKinds.Outcome, "partner:street-pastors-chelmsford", "accepted", "on our way"),
            (e.Kind, e.Actor, e.Data[ReferralEventData.Status], e.Data[ReferralEventData.Note]));
    }

    [Fact]
    public void The_last_case_to_finish_closes_the_referral()
    {
        var closing = NewReferral(ReferralStatus.InProgress)
            .RecordOutcome(NewCase("street-pastors-chelmsford", CaseStatus.Attended), [NewCase("council-chelmsford", CaseStatus.Declined)], CaseStatus.Closed, null, At);

        Assert.Equal((ReferralStatus.Closed, (DateTimeOffset?)At), (closing.Referral!.Status, closing.Referral.ClosedAt));
        Assert.Equal([ReferralEventKinds.Outcome, ReferralEventKinds.Closed], closing.Events.Select(e => e.Kind));
    }

    [Fact]
    public void A_declined_case_keeps_no_acceptance_time_and_an_answer_on_a_closed_referral_leaves_it_closed()
    {
        var declined = NewReferral(ReferralStatus.Closed).RecordOutcome(NewCase("council-chelmsford"), [], CaseStatus.Declined, null, At);

        Assert.Equal(ReferralStatus.Closed, declined.Referral!.Status);
        Assert.Null(declined.Case!.AcceptedAt);
        Assert.Equal([ReferralEventKinds.Outcome], declined.Events.Select(e => e.Kind));
    }

    [Theory]
    [InlineData(CaseStatus.Sent, CaseStatus.Accepted, true)]
    [InlineData(CaseStatus.Sent, CaseStatus.Declined, true)]
    [InlineData(CaseStatus.Sent, CaseStatus.Attended, true)]
    [InlineData(CaseStatus.Sent, CaseStatus.Closed, true)]
    [InlineData(CaseStatus.Accepted, CaseStatus.Attended, true)]
    [InlineData(CaseStatus.Accepted, CaseStatus.Declined, true)]
    [InlineData(CaseStatus.Accepted, CaseStatus.Closed, true)]
    [InlineData(CaseStatus.Attended, CaseStatus.Closed, true)]
    [InlineData(CaseStatus.Attended, CaseStatus.Declined, false)]
    [InlineData(CaseStatus.Attended, CaseStatus.Accepted, false)]
    [InlineData(CaseStatus.Declined, CaseStatus.Accepted, false)]
    [InlineData(CaseStatus.Closed, CaseStatus.Accepted, false)]
    [InlineData(CaseStatus.Closed, CaseStatus.Attended, false)]
    [InlineData(CaseStatus.Accepted, CaseStatus.Sent, false)]
    public void A_case_moves_forward_only(CaseStatus from, CaseStatus to, bool allowed)
    {
        var @case = NewCase("street-pastors-chelmsford", from);
        var referral = NewReferral(ReferralStatus.InProgress);

        Assert.Equal(allowed, @case.CanMoveTo(to));
        if (allowed)
        {
            Assert.Equal(to, referral.RecordOutcome(@case, [], to, null, At).Case!.Status);
        }
        else
        {
            Assert.Throws<IllegalTransitionException>(() => referral.RecordOutcome(@case, [], to, null, At));
        }
    }

    [Fact]
    public void An_outcome_of_another_referrals_case_is_refused()
    {
        var other = NewCase("street-pastors-chelmsford") with { Reference = ReferenceCode.Parse("B3XZT9") };

        Assert.Throws<IllegalTransitionException>(() => NewReferral(ReferralStatus.Routed).RecordOutcome(other, [], CaseStatus.Accepted, null, At));
    }

    [Fact]
    public void Claiming_pending_advice_marks_it_sending_or_opted_out()
    {
        var sending = NewReferral().ClaimAdvice(numberOptedOut: false, At);
        var optedOut = NewReferral().ClaimAdvice(numberOptedOut: true, At);

        Assert.Equal((AdviceState.Sending, ReferralEventKinds.AdviceSending), (sending.Referral!.Advice, Assert.Single(sending.Events).Kind));
        Assert.Equal((AdviceState.OptedOut, "number opted out"), (optedOut.Referral!.Advice, Assert.Single(optedOut.Events).Data[ReferralEventData.Reason]));
    }

    [Theory]
    [InlineData(AdviceState.NotApplicable, "+447700900123")]
    [InlineData(AdviceState.Sending, "+447700900123")]
    [InlineData(AdviceState.Sent, "+447700900123")]
    [InlineData(AdviceState.Pending, null)]
    public void Advice_that_is_not_pending_or_has_no_number_cannot_be_claimed(AdviceState advice, string? phone)
    {
        var referral = NewReferral(advice: advice, phone: phone);

        Assert.False(referral.CanClaimAdvice);
        Assert.Throws<IllegalTransitionException>(() => referral.ClaimAdvice(numberOptedOut: false, At));
    }

    [Fact]
    public void Pending_advice_is_set_aside_with_its_reason_and_nothing_else_can_be()
    {
        var aside = NewReferral(ReferralStatus.Closed).SetAdviceAside("closed before routing", At);

        Assert.Equal(AdviceState.NotApplicable, aside.Referral!.Advice);
        Assert.Equal((ReferralEventKinds.AdviceSkipped, "closed before routing"), (Assert.Single(aside.Events).Kind, aside.Events[0].Data[ReferralEventData.Reason]));
        Assert.Throws<IllegalTransitionException>(() => aside.Referral.SetAdviceAside("again", At));
    }

    [Fact]
    public void An_unavailable_provider_puts_sending_advice_back_to_pending_and_changes_nothing_else()
    {
        var released = NewReferral(advice: AdviceState.Sending).ReleaseAdvice();

        Assert.Equal(AdviceState.Pending, released.Referral!.Advice);
        Assert.Empty(released.Events);
        Assert.True(NewReferral(advice: AdviceState.Sent).ReleaseAdvice().IsNone);
    }

    [Fact]
    public void An_accepted_advice_sms_is_sent_unless_a_report_moved_it_on()
    {
        var sent = NewReferral(advice: AdviceState.Sending).AdviceAccepted("SM1", At);
        var delivered = NewReferral(advice: AdviceState.Delivered).AdviceAccepted("SM1", At);

        Assert.Equal((AdviceState.Sent, "SM1"), (sent.Referral!.Advice, sent.Referral.AdviceMessageId));
        Assert.Equal((ReferralEventKinds.AdviceSent, "SM1"), (Assert.Single(sent.Events).Kind, sent.Events[0].Data[ReferralEventData.MessageId]));
        Assert.Equal(AdviceState.Delivered, delivered.Referral!.Advice);
    }

    [Fact]
    public void A_refused_advice_sms_fails_with_the_providers_code()
    {
        var failed = NewReferral(advice: AdviceState.Sending).AdviceRefused("21211", "invalid number", At);

        Assert.Equal((AdviceState.Failed, "21211"), (failed.Referral!.Advice, failed.Referral.AdviceError));
        Assert.Equal(ReferralEventKinds.AdviceFailed, Assert.Single(failed.Events).Kind);
    }

    [Theory]
    [InlineData(AdviceState.Sent, "delivered", AdviceState.Delivered)]
    [InlineData(AdviceState.Sending, "delivered", AdviceState.Delivered)]
    [InlineData(AdviceState.Sent, "undelivered", AdviceState.Failed)]
    [InlineData(AdviceState.Pending, "delivered", AdviceState.Delivered)] // the report overtook the sender's record
    public void A_delivery_report_moves_the_advice(AdviceState from, string status, AdviceState to)
    {
        var reported = (NewReferral(advice: from) with { AdviceMessageId = "SM1" }).RecordDeliveryReport("SM1", status, null, At);

        Assert.Equal(to, reported.Referral!.Advice);
        Assert.Equal((ReferralEventKinds.SmsStatus, status), (Assert.Single(reported.Events).Kind, reported.Events[0].Data[ReferralEventData.Status]));
    }

    [Theory]
    [InlineData(AdviceState.Sent, "sent")]
    [InlineData(AdviceState.Failed, "delivered")]
    public void A_delivery_report_that_moves_the_advice_nowhere_is_recorded_once(AdviceState from, string status)
    {
        var reported = (NewReferral(advice: from) with { AdviceMessageId = "SM1" }).RecordDeliveryReport("SM1", status, null, At);

        Assert.Equal(from, reported.Referral!.Advice);
        Assert.Equal(ReferralEventKinds.SmsStatus, Assert.Single(reported.Events).Kind);
        Assert.True(reported.Referral.RecordDeliveryReport("SM1", status, null, At).IsNone);
    }

    [Theory]
    [InlineData("delivered", "failed")]
    [InlineData("delivered", "undelivered")]
    [InlineData("failed", "delivered")]
    [InlineData("delivered", "sent")]
    [InlineData("sent", "queued")]
    public void A_late_delivery_report_never_moves_the_advice_back(string first, string late)
    {
        var reported = (NewReferral(advice: AdviceState.Sent) with { AdviceMessageId = "SM1" }).RecordDeliveryReport("SM1", first, null, At).Referral!;

        Assert.True(reported.RecordDeliveryReport("SM1", late, "30008", At).IsNone);
    }

    [Fact]
    public void A_delivery_report_of_another_message_is_refused()
    {
        var referral = NewReferral(advice: AdviceState.Sent) with { AdviceMessageId = "SM1" };

        Assert.False(referral.IsAdviceMessage("SM2"));
        Assert.Throws<IllegalTransitionException>(() => referral.RecordDeliveryReport("SM2", "delivered", null, At));
    }

    [Fact]
    public void A_transition_becomes_one_change_at_the_versions_read()
    {
        var read = new Stored<Referral>(NewReferral(ReferralStatus.Routed), "v7");
        var outcome = read.Value.RecordOutcome(NewCase("street-pastors-chelmsford"), [], CaseStatus.Accepted, null, At);

        var change = ReferralChange.From(read, outcome, caseVersion: "c3")!;

        Assert.Equal(("v7", "c3"), (change.ReferralVersion, Assert.Single(change.Cases).Version));
        Assert.Same(outcome.Events, change.Events);
        Assert.Null(ReferralChange.From(read, ReferralTransition.None));
        Assert.Throws<ArgumentNullException>(() => ReferralChange.From(read, outcome));
    }
}
