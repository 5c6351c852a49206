using System.Collections.Frozen;

namespace NightSafe.Core.World;

/// <summary>The names of the referral fields an agency may receive (routing.json <c>shares</c> lists).</summary>
public static class ReferralFields
{
    public const string Reference = "reference";
    public const string Night = "night";
    public const string ReceivedAt = "receivedAt";
    public const string Town = "town";
    public const string Categories = "categories";
    public const string Priority = "priority";
    public const string Location = "location";
    public const string Description = "description";
    public const string SubjectPhone = "subjectPhone";
    public const string Consent = "consent";
    public const string Officer = "officer";

    /// <summary>Every field name above, compared ordinally.</summary>
    public static IReadOnlySet<string> All { get; } = new[]
    {
        Reference, Night, ReceivedAt, Town, Categories, Priority, Location, Description, SubjectPhone, Consent, Officer,
    }.ToFrozenSet(StringComparer.Ordinal);
}
