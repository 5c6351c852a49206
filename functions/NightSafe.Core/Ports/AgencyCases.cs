using NightSafe.Core.Nights;
using NightSafe.Core.References;
using NightSafe.Core.Referrals;
using NightSafe.Core.World;

namespace NightSafe.Core.Ports;

/// <summary>
/// A night's cases as an agency knows them: every read made for a partner (its case list, its desk, its texts and
/// reports) goes through here, so a case routing withheld (<see cref="PartnerCase.IsWithheld"/>: recorded, never
/// published) is never shown to, or answered by, the agency it was meant for.
/// </summary>
public static class AgencyCases
{
    /// <summary>The agency's cases of <paramref name="night"/>, withheld ones left out.</summary>
    public static async Task<IReadOnlyList<PartnerCase>> AgencysCasesAsync(this IReferralStore store, NightId night, AgencyId agencyId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        return [.. (await store.CasesForAgencyAsync(night, agencyId, cancellationToken)).Where(c => !c.IsWithheld)];
    }

    /// <summary>The agency's case of the referral, or null when there is none or routing withheld it.</summary>
    public static async Task<Stored<PartnerCase>?> AgencysCaseAsync(this IReferralStore store, NightId night, ReferenceCode reference, AgencyId agencyId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        return await store.FindCaseAsync(night, reference, agencyId, cancellationToken) is { Value.IsWithheld: false } found ? found : null;
    }

    /// <summary>The cases the agencies were sent (withheld ones left out), for the night's figures.</summary>
    public static IReadOnlyList<PartnerCase> Sent(IEnumerable<PartnerCase> cases) => [.. cases.Where(c => !c.IsWithheld)];
}
