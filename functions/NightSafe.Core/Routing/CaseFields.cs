using NightSafe.Core.Intake.Parsing;
using NightSafe.Core.World;

namespace NightSafe.Core.Routing;

/// <summary>Data minimisation: the referral fields an agency may receive.</summary>
public static class CaseFields
{
    /// <summary>The agency's <c>shares</c>, plus its <c>sharesWithConsent</c> only when consent was given.</summary>
    public static IReadOnlyList<string> For(Agency agency, Consent consent)
    {
        ArgumentNullException.ThrowIfNull(agency);
        var fields = consent == Consent.Given ? agency.Shares.Concat(agency.SharesWithConsent) : agency.Shares;
        return fields.Distinct(StringComparer.Ordinal).ToList();
    }
}
