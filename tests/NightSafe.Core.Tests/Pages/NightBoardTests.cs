using NightSafe.Core.World;
using NightSafe.Core.Board;
using NightSafe.Core.Nights;
using NightSafe.Core.Ports;
using NightSafe.Core.References;
using NightSafe.Core.Referrals;

namespace NightSafe.Core.Tests.Pages;

public sealed class NightBoardTests
{
    private static readonly NightId Night = NightId.Parse("2026-12-18");
    private readonly NightBoard _board = new(TestWorld.Real);

    [Fact]
    public void Referrals_are_newest_first_with_their_agencies_waits_escalations_and_failed_sms()
    {
        var early = Referral("AAAAAA", TestWorld.Local(2026, 12, 18, 22, 0), "spiking");
        var late = Referral("BBBBBB", TestWorld.Local(2026, 12, 18, 23, 10), "alone") with { Status = ReferralStatus.NeedsManualRouting, Advice = AdviceState.Failed };
        var accepted = Case(early, "street-pastors-chelmsford", early.ReceivedAt.AddMinutes(1)) with { Status = CaseStatus.Accepted, AcceptedAt = early.ReceivedAt.AddMinutes(4) };
        var waiting = Case(early, "community-safety-chelmsford", early.ReceivedAt.AddMinutes(1));
        var events = new[]
        {
            new NightEvent(early.Reference, ReferralEvent.Of(early.ReceivedAt.AddMinutes(20), "escalated", Actors.System)),
            new NightEvent(early.Reference, ReferralEvent.Of(early.ReceivedAt.AddMinutes(2), ReferralEventKinds.SmsStatus, Actors.System, (ReferralEventData.Status, "undelivered"), (ReferralEventData.MessageId, "SM1"))),
            new NightEvent(early.Reference, ReferralEvent.Of(early.ReceivedAt.AddMinutes(3), "partner-alert-failed", Actors.System, (ReferralEventData.MessageId, "SM1"))),
            new NightEvent(early.Reference, ReferralEvent.Of(early.ReceivedAt.AddMinutes(3), ReferralEventKinds.Consulted, Actors.ControlRoom)),
        };
        var now = TestWorld.Local(2026, 12, 18, 23, 30);

        var view = _board.Build(Night, new NightRows([early, late], [accepted, waiting], events), now);

        Assert.Equal(["BBBBBB", "AAAAAA"], view.Referrals.Select(r => r.Reference));
        var first = view.Referrals[1];
        Assert.Equal(240, first.WaitedSeconds);
        Assert.False(first.StillWaiting);
        Assert.Equal(1, first.Escalations);
        Assert.Equal(1, first.FailedSms);
        Assert.Equal(["accepted", "sent"], first.Agencies.Select(a => a.Status));
        var second = view.Referrals[0];
        Assert.True(second.NeedsManualRouting);
        Assert.True(second.StillWaiting);
        Assert.Equal(20 * 60, second.WaitedSeconds);
        Assert.Equal(1, second.FailedSms);

        Assert.Equal(2, view.Glance.Referrals);
        Assert.Equal(1, view.Glance.NeedsManualRouting);
        Assert.Equal(2, view.Glance.OpenCases);
        Assert.Equal(14, view.Glance.PerHour.Count);
        Assert.Equal(("22", 1), (view.Glance.PerHour[4].Id, view.Glance.PerHour[4].Count));
        Assert.Equal(("23", 1), (view.Glance.PerHour[5].Id, view.Glance.PerHour[5].Count));
        Assert.Equal(180, view.Glance.Agencies.Single(a => a.Id == "street-pastors-chelmsford").MedianSecondsToAccept);
        Assert.Null(view.Glance.Agencies.Single(a => a.Id == "community-safety-chelmsford").MedianSecondsToAccept);
        Assert.Equal([("chelmsford", 2)], view.Glance.ByTown.Select(t => (t.Id, t.Count)));
    }

    [Fact]
    public void The_board_carries_no_personal_data()
    {
        var referral = Referral("CCCCCC", TestWorld.Local(2026, 12, 18, 22, 0), "spiking") with { Location = "Bar 9", Description = "red coat", SubjectPhone = "+447700900123" };
        var view = _board.Build(Night, new NightRows([referral], [], []), TestWorld.Local(2026, 12, 18, 22, 5));
        var json = System.Text.Json.JsonSerializer.Serialize(view);
        Assert.DoesNotContain("Bar 9", json, StringComparison.Ordinal);
        Assert.DoesNotContain("red coat", json, StringComparison.Ordinal);
        Assert.DoesNotContain("900123", json, StringComparison.Ordinal);
    }

    [Fact]
    public void A_referral_closed_without_acceptance_waited_until_it_closed()
    {
        var at = TestWorld.Local(2026, 12, 18, 22, 0);
        var referral = Referral("DDDDDD", at, "alone") with { Status = ReferralStatus.Closed, ClosedAt = at.AddMinutes(7) };
        var row = _board.Build(Night, new NightRows([referral], [], []), at.AddHours(2)).Referrals.Single();
        Assert.Equal(7 * 60, row.WaitedSeconds);
        Assert.False(row.StillWaiting);
        Assert.False(row.Open);
    }

    private static Referral Referral(string reference, DateTimeOffset at, params string[] categories) => new()
    {
        Night = Night,
        Reference = ReferenceCode.Parse(reference),
        ReceivedAt = at,
        Source = ReferralSource.Sms,
        TownId = new TownId("chelmsford"),
        Categories = categories.As<CategoryId>(),
        Priority = TestWorld.Real.PriorityOf(categories.As<CategoryId>()),
        Status = ReferralStatus.Routed,
    };

    private static PartnerCase Case(Referral referral, string agency, DateTimeOffset at) => new()
    {
        Night = referral.Night,
        Reference = referral.Reference,
        AgencyId = AgencyId.From(agency),
        DisclosedAt = at,
        Fields = ["reference"],
        View = "{}",
    };
}
