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

    /// <summary>
    /// A map link for a structured location (what3words, postcode, grid reference, lat/long): derived from
    /// <see cref="Location"/>, so an agency that may see the location also gets its link, and no other.
    /// </summary>
    public const string LocationLink = "locationLink";

    /// <summary>Every field name above, compared ordinally.</summary>
    public static IReadOnlySet<string> All { get; } = new[]
    {
        Reference, Night, ReceivedAt, Town, Categories, Priority, Location, LocationLink, Description, SubjectPhone, Consent, Officer,
    }.ToFrozenSet(StringComparer.Ordinal);
}
