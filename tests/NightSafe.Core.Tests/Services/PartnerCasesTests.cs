using NightSafe.Core.World;
using NightSafe.Core.Outcomes;
using NightSafe.Core.Referrals;

namespace NightSafe.Core.Tests.Services;

/// <summary>PartnerCases: outcome reports (forward only, own cases only) and the partner case list.</summary>
public sealed class PartnerCasesTests
{
    [Fact]
    public async Task An_agency_cannot_report_on_a_case_routed_to_another_and_the_attempt_is_logged()
    {
        var hub = new Hub();
        var referral = await hub.ReferAndRouteAsync();
        Assert.DoesNotContain(hub.Publisher.Cases, c => c.AgencyId == new AgencyId("street-pastors-colchester"));

        var result = await hub.Partners.ReportAsync(new AgencyId("street-pastors-colchester"), referral.Night, referral.Reference, PartnerOutcome.Accepted, null, CancellationToken.None);

        Assert.IsType<OutcomeResult.NotRoutedToAgency>(result);
        Assert.Contains(hub.Store.Events(referral), e => e.Kind == ReferralEventKinds.OutcomeRefused && e.Actor == "partner:street-pastors-colchester");
        Assert.All(hub.Store.AllCases, c => Assert.Equal(CaseStatus.Sent, c.Status));
    }

    [Fact]
    public async Task Outcomes_move_forward_and_the_referral_closes_when_every_agency_has_finished()
    {
        var hub = new Hub();
        var referral = await hub.ReferAndRouteAsync();
        var agencies = hub.Store.AllCases.Select(c => c.AgencyId).ToList();
        Assert.True(agencies.Count >= 2, "this referral should reach several agencies");

        hub.Time.Advance(TimeSpan.FromMinutes(4));
        var accepted = await hub.Partners.ReportAsync(agencies[0], referral.Night, referral.Reference, PartnerOutcome.Accepted, "on our way", CancellationToken.None);
        Assert.Equal(new OutcomeResult.Recorded(CaseStatus.Accepted, ReferralStatus.InProgress), accepted);
        Assert.Equal(new OutcomeResult.Recorded(CaseStatus.Accepted, ReferralStatus.InProgress), await hub.Partners.ReportAsync(agencies[0], referral.Night, referral.Reference, PartnerOutcome.Accepted, null, CancellationToken.None));

        await hub.Partners.ReportAsync(agencies[0], referral.Night, referral.Reference, PartnerOutcome.Closed, "home safe", CancellationToken.None);
        Assert.Equal(new OutcomeResult.NotAllowed(CaseStatus.Closed), await hub.Partners.ReportAsync(agencies[0], referral.Night, referral.Reference, PartnerOutcome.Accepted, null, CancellationToken.None));
        foreach (var agency in agencies.Skip(1))
        {
            await hub.Partners.ReportAsync(agency, referral.Night, referral.Reference, PartnerOutcome.Declined, null, CancellationToken.None);
        }

        var closed = hub.Store.Referrals.Single();
        Assert.Equal(ReferralStatus.Closed, closed.Status);
        Assert.Equal(4, (hub.Store.AllCases.Single(c => c.AgencyId == agencies[0]).AcceptedAt - hub.Store.AllCases.Single(c => c.AgencyId == agencies[0]).DisclosedAt)!.Value.TotalMinutes);
    }

    [Fact]
    public async Task A_partner_list_holds_only_its_own_cases_and_is_logged_as_a_consultation()
    {
        var hub = new Hub();
        var chelmsford = await hub.ReferAndRouteAsync();
        await hub.ReferAndRouteAsync("Colchester alone near the castle");

        var list = await hub.Partners.ListAsync(new AgencyId("street-pastors-chelmsford"), chelmsford.Night, CancellationToken.None);

        var only = Assert.Single(list);
        Assert.Equal(chelmsford.Reference.ToString(), only.Reference);
        Assert.Contains(hub.Store.Events(chelmsford), e => e.Kind == ReferralEventKinds.Consulted && e.Actor == "partner:street-pastors-chelmsford");
    }
}
