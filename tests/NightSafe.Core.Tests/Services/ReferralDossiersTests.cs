using NightSafe.Core.Referrals;

namespace NightSafe.Core.Tests.Services;

/// <summary>ReferralDossiers: the control room's read of a referral.</summary>
public sealed class ReferralDossiersTests
{
    [Fact]
    public async Task A_control_room_read_returns_the_trail_and_is_itself_recorded()
    {
        var hub = new Hub();
        var referral = await hub.ReferAndRouteAsync();

        var dossier = await hub.Dossiers.ReadAsync(referral.Night, referral.Reference, "control-room:Insp Hale", CancellationToken.None);

        Assert.NotNull(dossier);
        Assert.Contains(dossier.Trail, e => e.Kind == ReferralEventKinds.Disclosed);
        Assert.Contains(hub.Store.Events(referral), e => e.Kind == ReferralEventKinds.Consulted && e.Actor == "control-room:Insp Hale");
        Assert.Null(await hub.Dossiers.ReadAsync(referral.Night.Next, referral.Reference, "control-room", CancellationToken.None));
    }
}
