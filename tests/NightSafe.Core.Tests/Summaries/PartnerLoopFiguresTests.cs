using NightSafe.Core.Intake.Parsing;
using NightSafe.Core.Nights;
using NightSafe.Core.Partners;
using NightSafe.Core.References;
using NightSafe.Core.Referrals;
using NightSafe.Core.Sms;
using NightSafe.Core.Summaries;
using NightSafe.Core.World;

namespace NightSafe.Core.Tests.Summaries;

public sealed class PartnerLoopFiguresTests
{
    private static readonly NightId Night = NightId.Parse("2026-12-18");
    private static readonly DateTimeOffset Routed = new(2026, 12, 18, 23, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Answers_within_a_minute_are_said_in_seconds_not_as_0_min()
    {
        var cases = Enumerable.Range(1, 5)
            .Select(i => Case("street-pastors-chelmsford", i) with { Status = CaseStatus.Accepted, AcceptedAt = Routed + TimeSpan.FromSeconds(10 * i) })
            .ToList();
        var referrals = cases.Select(c => c.Reference).Distinct().Select(Referral).ToList();

        var summary = NightSummaryCalculator.Calculate(Night, referrals, cases, TestWorld.Real, Routed + TimeSpan.FromHours(7));

        Assert.Contains("median 30 s to accept (p90 50 s)", summary.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void The_summary_gives_time_to_accept_per_agency_escalations_and_why_never_answered_and_cancellations()
    {
        // Pastors accept ten cases after 1..10 minutes; the council leaves one unanswered (escalated), declines one
        // (every agency declined: escalated), and is told one was closed before it answered.
        var cases = Enumerable.Range(1, 10)
            .Select(i => Case("street-pastors-chelmsford", i) with { Status = CaseStatus.Accepted, AcceptedAt = Routed + TimeSpan.FromMinutes(i) })
            .Append(Case("community-safety-chelmsford", 11) with { EscalatedAt = Routed + TimeSpan.FromMinutes(20), EscalationReason = AcknowledgementRules.NotAcceptedReason })
            .Append(Case("community-safety-chelmsford", 12) with { Status = CaseStatus.Declined, EscalatedAt = Routed, EscalationReason = AcknowledgementRules.DeclinedByAllReason })
            .Append(Case("community-safety-chelmsford", 13) with { CancelledAt = Routed + TimeSpan.FromMinutes(3) })
            .ToList();
        var referrals = cases.Select(c => c.Reference).Distinct().Select(Referral).ToList();

        var summary = NightSummaryCalculator.Calculate(Night, referrals, cases, TestWorld.Real, Routed + TimeSpan.FromHours(7));

        var pastors = summary.Agencies.Single(a => a.AgencyId == "street-pastors-chelmsford");
        Assert.Equal((5.5, 9.0), (pastors.MedianMinutesToAccept, pastors.P90MinutesToAccept));
        var council = summary.Agencies.Single(a => a.AgencyId == "community-safety-chelmsford");
        Assert.Equal((2, 1, (double?)null), (council.Escalated, council.Cancelled, council.P90MinutesToAccept));
        Assert.Equal((1, 1, 1, 1), (summary.EscalatedNotAccepted, summary.EscalatedDeclinedByAll, summary.NeverAnswered, summary.CancellationsSent));
        Assert.Contains("median 6 min to accept (p90 9 min)", summary.Text, StringComparison.Ordinal);
        Assert.Contains("Escalated 2 (not accepted 1, all declined 1), never answered 1, cancellations 1.", summary.Text, StringComparison.Ordinal);
        Assert.InRange(SmsText.Segments(summary.Text), 1, NightSummaryCalculator.MaxSegments);
    }

    private static PartnerCase Case(string agency, int n) => new()
    {
        Night = Night,
        Reference = Code(n),
        AgencyId = AgencyId.From(agency),
        DisclosedAt = Routed,
        Fields = [],
        View = "{}",
    };

    private static ReferenceCode Code(int n) => ReferenceCode.Parse($"AB{n:0000}");

    private static Referral Referral(ReferenceCode reference) => new()
    {
        Night = Night,
        Reference = reference,
        ReceivedAt = Routed,
        Source = ReferralSource.Sms,
        TownId = new TownId("chelmsford"),
        Categories = [new CategoryId("alone")],
        Priority = Priority.Normal,
        Consent = Consent.NotStated,
    };
}
