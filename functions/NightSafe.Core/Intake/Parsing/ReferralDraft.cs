using NightSafe.Core.World;
namespace NightSafe.Core.Intake.Parsing;

/// <summary>
/// A referral as read from an officer's text. <see cref="CategoryIds"/> are in routing.json order;
/// <see cref="SubjectPhone"/> is E.164; <see cref="Location"/> and <see cref="Description"/> are the officer's own words
/// (never log them).
/// </summary>
public sealed record ReferralDraft(
    TownId TownId,
    IReadOnlyList<CategoryId> CategoryIds,
    string? SubjectPhone,
    Consent Consent,
    string? Location,
    string? Description)
{
    /// <summary>
    /// True when the text held something shaped like a phone number that is not a usable one; it is kept out of the
    /// description and location (it may be personal data), so the reply can ask the officer to check it.
    /// </summary>
    public bool UnreadablePhone { get; init; }

    /// <summary>True when the text named no town and <see cref="TownId"/> is the officer's rostered town.</summary>
    public bool TownFromRoster { get; init; }

    /// <summary>What was read, for the reply and the audit: the words that gave each category, and the location's kind.</summary>
    public ReadingNotes Notes { get; init; } = ReadingNotes.None;
}

/// <summary>
/// Why the parser read what it read: for each category the officer's words that named it (never logged), the
/// concerns it saw negated ("not drunk"), and the kind of structured location found (what3words, postcode...).
/// </summary>
public sealed record ReadingNotes(
    IReadOnlyDictionary<string, string> CategoryWords,
    IReadOnlyList<string> NegatedCategories,
    LocationKind LocationKind)
{
    public static ReadingNotes None { get; } = new(new Dictionary<string, string>(), [], LocationKind.Words);
}

/// <summary>How a location was given: in words, or in a form a map can open.</summary>
public enum LocationKind
{
    Words,
    What3Words,
    Postcode,
    GridReference,
    LatLong,
}

/// <summary>
/// What an unfinished referral text did give (town or category missing): kept by the conversation so the officer's
/// next text can complete it. <see cref="TownId"/> is null when no town was named (and none taken from the roster).
/// </summary>
public sealed record PartialReferral(
    TownId? TownId,
    IReadOnlyList<CategoryId> CategoryIds,
    string? SubjectPhone,
    Consent Consent,
    string? Location,
    string? Description,
    bool UnreadablePhone);

/// <summary>Whether the subject agreed to be contacted and to have their number shared.</summary>
public enum Consent
{
    NotStated,
    Given,
    Refused,
}
