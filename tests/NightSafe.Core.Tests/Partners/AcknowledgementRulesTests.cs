using Microsoft.Extensions.Time.Testing;
using NightSafe.Core.Intake.Parsing;
using NightSafe.Core.Nights;
using NightSafe.Core.Partners;
using NightSafe.Core.References;
using NightSafe.Core.Referrals;
using NightSafe.Core.World;

namespace NightSafe.Core.Tests.Partners;

public sealed class AcknowledgementRulesTests
{
    private static readonly Acknowledgement Ack = TestWorld.Real.Acknowledgement;

    [Theory]
    [InlineData(Priority.Urgent, 5)]
    [InlineData(Priority.High, 10)]
    [InlineData(Priority.Normal, 20)]
    public void Each_priority_is_reminded_at_its_deadline_and_escalated_at_twice_it(Priority priority, int minutes)
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 18, 23, 30, 0, TimeSpan.Zero));
        var (referral, @case) = Case(priority, clock.GetUtcNow());

        clock.Advance(TimeSpan.FromMinutes(minutes) - TimeSpan.FromSeconds(1));
        Assert.Equal(new DeadlineDecision.NotYet(TimeSpan.FromSeconds(1)), AcknowledgementRules.Decide(referral, @case, DeadlineStage.Reminder, clock.GetUtcNow(), Ack));

        clock.Advance(TimeSpan.FromSeconds(1));
        var remind = Assert.IsType<DeadlineDecision.Remind>(AcknowledgementRules.Decide(referral, @case, DeadlineStage.Reminder, clock.GetUtcNow(), Ack));
        Assert.Equal(@case.DisclosedAt + TimeSpan.FromMinutes(2 * minutes), remind.EscalateAt);

        var reminded = @case with { RemindedAt = clock.GetUtcNow() };
        clock.Advance(TimeSpan.FromMinutes(minutes) - TimeSpan.FromSeconds(1));
        Assert.IsType<DeadlineDecision.NotYet>(AcknowledgementRules.Decide(referral, reminded, DeadlineStage.Escalation, clock.GetUtcNow(), Ack));
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.IsType<DeadlineDecision.Escalate>(AcknowledgementRules.Decide(referral, reminded, DeadlineStage.Escalation, clock.GetUtcNow(), Ack));
    }

    [Fact]
    public void A_case_accepted_one_second_before_its_deadline_is_left_alone()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 18, 23, 30, 0, TimeSpan.Zero));
        var (referral, @case) = Case(Priority.High, clock.GetUtcNow());
        var due = AcknowledgementRules.Due(@case, Priority.High, Ack, DeadlineStage.Reminder);
        var accepted = @case with { Status = CaseStatus.Accepted, AcceptedAt = due - TimeSpan.FromSeconds(1) };

        clock.SetUtcNow(due);

        Assert.IsType<DeadlineDecision.Moot>(AcknowledgementRules.Decide(referral, accepted, DeadlineStage.Reminder, clock.GetUtcNow(), Ack));
        Assert.IsType<DeadlineDecision.Moot>(AcknowledgementRules.Decide(referral, accepted, DeadlineStage.Escalation, clock.GetUtcNow() + TimeSpan.FromMinutes(10), Ack));
    }

    [Theory]
    [InlineData(CaseStatus.Accepted)]
    [InlineData(CaseStatus.Attended)]
    [InlineData(CaseStatus.Closed)]
    [InlineData(CaseStatus.Declined)]
    public void Any_answer_ends_the_deadlines(CaseStatus status)
    {
        var (referral, @case) = Case(Priority.Normal, DateTimeOffset.UnixEpoch);

        var late = DateTimeOffset.UnixEpoch + TimeSpan.FromHours(2);

        Assert.IsType<DeadlineDecision.Moot>(AcknowledgementRules.Decide(referral, @case with { Status = status }, DeadlineStage.Reminder, late, Ack));
        Assert.IsType<DeadlineDecision.Moot>(AcknowledgementRules.Decide(referral, @case with { Status = status }, DeadlineStage.Escalation, late, Ack));
    }

    [Fact]
    public void A_closed_referral_or_a_cancelled_case_has_no_deadline()
    {
        var (referral, @case) = Case(Priority.Urgent, DateTimeOffset.UnixEpoch);
        var late = DateTimeOffset.UnixEpoch + TimeSpan.FromHours(1);

        Assert.IsType<DeadlineDecision.Moot>(AcknowledgementRules.Decide(referral with { Status = ReferralStatus.Closed }, @case, DeadlineStage.Escalation, late, Ack));
        Assert.IsType<DeadlineDecision.Moot>(AcknowledgementRules.Decide(referral, @case with { CancelledAt = late }, DeadlineStage.Escalation, late, Ack));
    }

    [Fact]
    public void Duplicate_firings_find_the_step_done_and_do_nothing()
    {
        var (referral, @case) = Case(Priority.High, DateTimeOffset.UnixEpoch);
        var late = DateTimeOffset.UnixEpoch + TimeSpan.FromHours(1);
        var reminded = @case with { RemindedAt = late };
        var escalated = reminded with { EscalatedAt = late, EscalationReason = AcknowledgementRules.NotAcceptedReason };

        Assert.Equal(new DeadlineDecision.Moot("done already"), AcknowledgementRules.Decide(referral, reminded, DeadlineStage.Reminder, late, Ack));
        Assert.IsType<DeadlineDecision.Escalate>(AcknowledgementRules.Decide(referral, reminded, DeadlineStage.Escalation, late, Ack));
        Assert.Equal(new DeadlineDecision.Moot("done already"), AcknowledgementRules.Decide(referral, escalated, DeadlineStage.Escalation, late, Ack));
        // A reminder firing late, after the escalation, must not remind again.
        Assert.Equal(new DeadlineDecision.Moot("done already"), AcknowledgementRules.Decide(referral, escalated with { RemindedAt = null }, DeadlineStage.Reminder, late, Ack));
    }

    [Theory]
    // The spring change: 00:55 GMT + 10 min is 01:05 GMT, i.e. 02:05 BST; the clock jumps but 10 minutes pass.
    [InlineData("2027-03-28T00:55:00+00:00", "2027-03-28T02:05:00+01:00", "02:05")]
    // The autumn change: 01:55 BST + 10 min is 01:05 GMT, the second 01:05 of the night.
    [InlineData("2026-10-25T00:55:00+00:00", "2026-10-25T01:05:00+00:00", "01:05")]
    public void Deadlines_are_elapsed_minutes_on_clock_change_nights(string disclosed, string expectedDue, string expectedLocal)
    {
        var at = DateTimeOffset.Parse(disclosed, System.Globalization.CultureInfo.InvariantCulture);
        var clock = new FakeTimeProvider(at);
        var (referral, @case) = Case(Priority.High, at);

        var due = AcknowledgementRules.Due(@case, Priority.High, Ack, DeadlineStage.Reminder);
        clock.Advance(TimeSpan.FromMinutes(10));

        Assert.Equal(DateTimeOffset.Parse(expectedDue, System.Globalization.CultureInfo.InvariantCulture), due);
        Assert.Equal(TimeSpan.FromMinutes(10), due - at);
        Assert.Equal(expectedLocal, TestWorld.Real.ToLocal(due).ToString("HH:mm", System.Globalization.CultureInfo.InvariantCulture));
        Assert.IsType<DeadlineDecision.Remind>(AcknowledgementRules.Decide(referral, @case, DeadlineStage.Reminder, clock.GetUtcNow(), Ack));
    }

    [Fact]
    public void Declined_by_all_means_every_case_declined_and_none_at_the_control_room()
    {
        var (_, @case) = Case(Priority.Normal, DateTimeOffset.UnixEpoch);
        var declined = @case with { Status = CaseStatus.Declined };

        Assert.True(AcknowledgementRules.DeclinedByAll([declined, declined with { AgencyId = new AgencyId("community-safety-chelmsford") }], new AgencyId("control-room")));
        Assert.False(AcknowledgementRules.DeclinedByAll([declined, @case with { AgencyId = new AgencyId("community-safety-chelmsford") }], new AgencyId("control-room")));
        Assert.False(AcknowledgementRules.DeclinedByAll([declined, declined with { AgencyId = new AgencyId("control-room") }], new AgencyId("control-room")));
        Assert.False(AcknowledgementRules.DeclinedByAll([], new AgencyId("control-room")));
    }

    private static (Referral Referral, PartnerCase Case) Case(Priority priority, DateTimeOffset disclosedAt)
    {
        var night = NightId.For(disclosedAt, TestWorld.Real);
        var reference = ReferenceCode.Parse("7KQ2MX");
        var referral = new Referral
        {
            Night = night,
            Reference = reference,
            ReceivedAt = disclosedAt,
            Source = ReferralSource.Sms,
            TownId = new TownId("chelmsford"),
            Categories = [new CategoryId("alone")],
            Priority = priority,
            Consent = Consent.NotStated,
            Status = ReferralStatus.Routed,
        };
        var @case = new PartnerCase { Night = night, Reference = reference, AgencyId = new AgencyId("street-pastors-chelmsford"), DisclosedAt = disclosedAt, Fields = [], View = "{}" };
        return (referral, @case);
    }
}
