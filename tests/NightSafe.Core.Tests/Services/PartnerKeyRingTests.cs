using NightSafe.Core.World;
using NightSafe.Core.Outcomes;

namespace NightSafe.Core.Tests.Services;

/// <summary>PartnerKeyRing: each agency's key.</summary>
public sealed class PartnerKeyRingTests
{
    [Fact]
    public void A_partner_key_verifies_only_for_its_own_agency()
    {
        var key = PartnerKeyRing.NewKey();
        var ring = new PartnerKeyRing([KeyValuePair.Create("street-pastors-chelmsford", PartnerKeyRing.Hash(key)), KeyValuePair.Create("broken", "@Microsoft.KeyVault(SecretName=x)")]);

        Assert.True(ring.Verify(new AgencyId("street-pastors-chelmsford"), key));
        Assert.False(ring.Verify(new AgencyId("street-pastors-colchester"), key));
        Assert.False(ring.Verify(new AgencyId("street-pastors-chelmsford"), key + "x"));
        Assert.False(ring.Verify(new AgencyId("street-pastors-chelmsford"), null));
        Assert.False(ring.Verify(new AgencyId("broken"), key));
        Assert.Equal(["street-pastors-chelmsford"], ring.Agencies);
    }
}
