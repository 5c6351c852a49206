using NightSafe.Core.Intake.Parsing;

namespace NightSafe.Core.Intake;

/// <summary>
/// What NightSafe remembers of one officer's texts for <see cref="Lifetime"/>: a referral still missing its town or its
/// concern (<see cref="Pending"/>, never stored as a referral until complete) and the question asked about it, and the
/// officer's last referral, which "consent y", a phone number or "ADD" text adds to.
/// </summary>
public sealed record OfficerThread
{
    /// <summary>How long a question waits for its answer, and how long "consent y" still means the last referral.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(15);

    public PartialReferral? Pending { get; init; }

    /// <summary>
    /// The provider ids of the texts that made <see cref="Pending"/>, comma-separated (they hold its words: deleted at
    /// the provider with the referral they become); text, so that two threads alike are equal.
    /// </summary>
    public string? PendingTexts { get; init; }

    /// <summary><see cref="PendingTexts"/> and <paramref name="messageSid"/>, the text that continues the thread.</summary>
    public IReadOnlyList<string> PendingTextsAnd(string messageSid) =>
        [.. (PendingTexts ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries), messageSid];

    /// <summary>The question asked about <see cref="Pending"/>: <see cref="MissingParts.Town"/> or <see cref="MissingParts.Category"/>.</summary>
    public string? Asked { get; init; }

    /// <summary>The officer's last referral (night id and reference code), for amendments.</summary>
    public string? LastNight { get; init; }

    public string? LastReference { get; init; }

    public required DateTimeOffset ExpiresAt { get; init; }

    public bool IsLiveAt(DateTimeOffset now) => now < ExpiresAt;
}
