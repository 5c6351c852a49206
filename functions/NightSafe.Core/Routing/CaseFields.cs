using NightSafe.Core.Intake.Parsing;
using NightSafe.Core.World;

namespace NightSafe.Core.Routing;

/// <summary>Data minimisation: the referral fields an agency may receive.</summary>
public static class CaseFields
{
    /// <summary>
    /// The agency's <c>shares</c>, plus its <c>sharesWithConsent</c> only when consent was given; the location's map
    /// link goes with the location (<see cref="ReferralFields.LocationLink"/>).
    /// </summary>
    public static IReadOnlyList<string> For(Agency agency, Consent consent)
    {
        ArgumentNullException.ThrowIfNull(agency);
        var fields = (consent == Consent.Given ? agency.Shares.Concat(agency.SharesWithConsent) : agency.Shares).Distinct(StringComparer.Ordinal).ToList();
        if (fields.Contains(ReferralFields.Location))
        {
            fields.Insert(fields.IndexOf(ReferralFields.Location) + 1, ReferralFields.LocationLink);
        }

        return fields;
    }
}
