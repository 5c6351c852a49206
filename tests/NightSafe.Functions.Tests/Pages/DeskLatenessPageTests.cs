using NightSafe.Core.Access;
using NightSafe.Core.Desk;
using NightSafe.Core.Nights;
using NightSafe.Core.References;
using NightSafe.Core.Referrals;
using NightSafe.Core.World;
using NightSafe.Functions.Pages;
using NightSafe.LocalStack;

namespace NightSafe.Functions.Tests.Pages;

/// <summary>The desk's list and case page say when an unanswered case is past a deadline, and say nothing when it is not.</summary>
public sealed class DeskLatenessPageTests
{
    private static readonly RoutingWorld World = RoutingWorld.Load(RepositoryLayout.RoutingJson());
    private static readonly DateTimeOffset Disclosed = new(2026, 12, 18, 23, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_reminded_or_escalated_case_carries_its_badge_and_its_words_and_an_on_time_case_neither()
    {
        var agency = World.AgencyNamed("safe-space-chelmsford")!;
        var unanswered = new PartnerCase { Night = NightId.For(Disclosed, World), Reference = ReferenceCode.New(), AgencyId = agency.Id, DisclosedAt = Disclosed, Fields = ["reference"], View = "{}" };
        var sent = Case(agency, unanswered);
        var reminded = Case(agency, unanswered with { RemindedAt = Disclosed.AddMinutes(20) });
        var escalated = Case(agency, unanswered with { Reference = ReferenceCode.New(), RemindedAt = Disclosed.AddMinutes(20), EscalatedAt = Disclosed.AddMinutes(40) });
        var viewer = new Viewer(ViewerRole.Agency, "Sam", agency.Id, null, Disclosed.AddHours(8), "session", FromPlatform: false);

        var list = PageHtml.CaseList(agency, [escalated, reminded, sent]);
        var cards = list.Split("<li ").Skip(1).ToArray();
        Assert.Equal(3, cards.Length);
        Assert.Contains("<span class=\"badge late-escalated\">escalated</span>", cards[0], StringComparison.Ordinal);
        Assert.Contains("<span class=\"badge late-reminded\">reminded</span>", cards[1], StringComparison.Ordinal);
        Assert.DoesNotContain("late-", cards[2], StringComparison.Ordinal);

        var page = PageHtml.DeskCasePage(agency, reminded, viewer, "token", done: null, problem: null);
        Assert.Contains("<p class=\"late late-reminded\">Past its first deadline (reminded at 23:20): accept or decline now, or it goes to the control room.</p>", page, StringComparison.Ordinal);
        Assert.Contains("value=\"accepted\"", page, StringComparison.Ordinal);
        Assert.Contains("<p class=\"late late-escalated\">Not answered in time: sent to the control room at 23:40. Accept it still if you can attend.</p>", PageHtml.DeskCasePage(agency, escalated, viewer, "token", null, null), StringComparison.Ordinal);
        Assert.DoesNotContain("class=\"late", PageHtml.DeskCasePage(agency, sent, viewer, "token", null, null), StringComparison.Ordinal);
    }

    private static DeskCase Case(Agency agency, PartnerCase @case)
    {
        var (lateness, since) = AgencyDesk.LatenessOf(@case, World);
        return new DeskCase(@case.Night, @case.Reference, agency.Id.Value, @case.Status, @case.DisclosedAt, "23:00", "Chelmsford", ["Alone"], "normal", [])
        {
            Lateness = lateness,
            LateSince = since,
        };
    }
}
