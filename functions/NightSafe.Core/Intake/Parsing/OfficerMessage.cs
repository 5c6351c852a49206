using NightSafe.Core.References;

namespace NightSafe.Core.Intake.Parsing;

/// <summary>What an officer's text asks for; see <see cref="OfficerTextParser"/>.</summary>
public abstract record OfficerMessage;

/// <summary>The officer asked how to use NightSafe ("HELP", "?", "help me").</summary>
public sealed record HelpRequest : OfficerMessage;

/// <summary>"STATUS 7KQ2MX": the officer asks where a referral is.</summary>
public sealed record StatusRequest(ReferenceCode Reference) : OfficerMessage;

/// <summary>"CLOSE 7KQ2MX taken home by friend": <see cref="Outcome"/> is the rest of the text, whitespace tidied.</summary>
public sealed record CloseRequest(ReferenceCode Reference, string Outcome) : OfficerMessage;

/// <summary>"ADD 7KQ2MX she is now with friends": more for a referral the officer made; <see cref="More"/> is tidied.</summary>
public sealed record AddRequest(ReferenceCode Reference, string More) : OfficerMessage;

/// <summary>A referral the officer described.</summary>
public sealed record ReferralRequest(ReferralDraft Draft) : OfficerMessage;

/// <summary>
/// The text could not be used. <see cref="Missing"/> names what was missing ("town", "category", "reference",
/// "outcome"); <see cref="Reply"/> says so with an example, in GSM-7 and at most 2 SMS segments.
/// </summary>
public sealed record NotUnderstood(IReadOnlyList<string> Missing, string Reply) : OfficerMessage
{
    /// <summary>What the text did give when it was a referral missing its town or its category; null otherwise.</summary>
    public PartialReferral? Partial { get; init; }
}

/// <summary>The names <see cref="NotUnderstood.Missing"/> uses.</summary>
public static class MissingParts
{
    public const string Town = "town";
    public const string Category = "category";
    public const string Reference = "reference";
    public const string Outcome = "outcome";
}
