using NightSafe.Core.Outcomes;
using NightSafe.Core.Referrals;
using NightSafe.Core.Tests.Services;

namespace NightSafe.Core.Tests.Rights;

public sealed class ErasureTests
{
    private static async Task<Referral> ErasedAsync(Hub hub)
    {
        await hub.TextAsync("Chelmsford spiked outside Bar 9, 07700 900123, consent y");
        await hub.RouteQueuedAsync();
        var referral = Assert.Single(hub.Store.Referrals);
        await hub.Store.EraseAsync(referral.Night, referral.Reference, hub.Time.GetUtcNow(), ReferralEvent.Of(hub.Time.GetUtcNow(), ReferralEventKinds.Erased, Actors.System), CancellationToken.None);
        return referral;
    }

    [Fact]
    public async Task A_partner_note_on_an_erased_referral_is_not_kept()
    {
        var hub = new Hub();
        var referral = await ErasedAsync(hub);
        var agency = hub.Store.AllCases[0].AgencyId;

        var result = await hub.Partners.ReportAsync(agency, referral.Night, referral.Reference, PartnerOutcome.Accepted, "she is called Jo, lives at 4 Elm Rd", CancellationToken.None);

        Assert.IsType<OutcomeResult.Recorded>(result);
        Assert.DoesNotContain(hub.Store.Events(referral), e => e.Data.ContainsKey(ReferralEventData.Note));
    }

    [Fact]
    public async Task An_officer_close_note_on_an_erased_referral_is_not_kept()
    {
        var hub = new Hub();
        var referral = await ErasedAsync(hub);

        await hub.TextAsync($"CLOSE {referral.Reference} taken home by her sister Jo");

        Assert.Contains(hub.Store.Events(referral), e => e.Kind == ReferralEventKinds.Closed);
        Assert.DoesNotContain(hub.Store.Events(referral), e => e.Data.ContainsKey(ReferralEventData.Note));
    }
}
