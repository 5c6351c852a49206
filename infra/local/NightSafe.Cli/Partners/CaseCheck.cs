using NightSafe.Core.Intake.Parsing;
using NightSafe.Core.Routing;
using NightSafe.Core.World;

namespace NightSafe.Cli.Partners;

/// <summary>Data minimisation as a partner can check it: which keys of a case it should never have seen.</summary>
public static class CaseCheck
{
    /// <summary>The keys of <paramref name="keys"/> outside the agency's allowed fields for that consent and the envelope.</summary>
    public static IReadOnlyList<string> Disallowed(Agency agency, Consent consent, IEnumerable<string> keys)
    {
        ArgumentNullException.ThrowIfNull(agency);
        ArgumentNullException.ThrowIfNull(keys);
        var allowed = CaseFields.For(agency, consent).ToHashSet(StringComparer.Ordinal);
        return [.. keys.Where(k => !allowed.Contains(k) && !CaseMessage.EnvelopeKeys.Contains(k))];
    }

    /// <summary>The consent as the control room's JSON spells it (Given, Refused, NotStated).</summary>
    public static Consent ParseConsent(string? text) =>
        Enum.TryParse<Consent>(text, ignoreCase: true, out var consent) ? consent : Consent.NotStated;
}
