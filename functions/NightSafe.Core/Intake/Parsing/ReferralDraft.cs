namespace NightSafe.Core.Intake.Parsing;

/// <summary>
/// A referral as read from an officer's text. <see cref="CategoryIds"/> are in routing.json order;
/// <see cref="SubjectPhone"/> is E.164; <see cref="Location"/> and <see cref="Description"/> are the officer's own words
/// (never log them).
/// </summary>
public sealed record ReferralDraft(
    string TownId,
    IReadOnlyList<string> CategoryIds,
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
}

/// <summary>Whether the subject agreed to be contacted and to have their number shared.</summary>
public enum Consent
{
    NotStated,
    Given,
    Refused,
}
