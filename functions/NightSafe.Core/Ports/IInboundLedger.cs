using NightSafe.Core.Intake;
using NightSafe.Core.Nights;
using NightSafe.Core.References;

namespace NightSafe.Core.Ports;

/// <summary>How far an inbound message (webhook, API call, queue message) has been handled.</summary>
public enum InboundState
{
    /// <summary>
    /// This caller now owns the message: new, or a failed or stale attempt taken over (<see cref="InboundClaim.TakenOver"/>),
    /// which may have stored the referral reserved in the claim already.
    /// </summary>
    Claimed,

    /// <summary>This caller owns it and a referral was already stored for it: resume (queue it for routing, reply).</summary>
    Stored,

    /// <summary>Finished earlier: answer with the stored reply and do nothing else.</summary>
    Done,

    /// <summary>Another attempt is handling it right now.</summary>
    Busy,

    /// <summary>Refused earlier as invalid.</summary>
    Rejected,
}

/// <summary>
/// A claim on one inbound message; <see cref="Version"/> guards the owner's later writes. <see cref="Night"/> and
/// <see cref="Reference"/> are the referral this message stores (reserved with the claim, so a retry finds it).
/// </summary>
public sealed record InboundClaim(
    string Source,
    string Key,
    InboundState State,
    string Version,
    NightId? Night = null,
    ReferenceCode? Reference = null,
    string? Reply = null)
{
    /// <summary>An earlier attempt owned this message and did not finish: what it reserved may already be stored.</summary>
    public bool TakenOver { get; init; }

    /// <summary>The hash of the content the message was first claimed with (<see cref="InboundReservation.Fingerprint"/>).</summary>
    public string? Fingerprint { get; init; }

    /// <summary>How a referral stored for this message names it (<see cref="Referrals.Referral.Inbound"/>).</summary>
    public string InboundKey => $"{Source}/{Key}";
}

/// <summary>The referral a message will store if it turns out to be one, written with the claim itself (no extra write).</summary>
public sealed record InboundReservation(NightId Night, ReferenceCode Reference)
{
    /// <summary>A hash of the message's content, kept with a new claim: the same key with other content is refused.</summary>
    public string? Fingerprint { get; init; }
}

/// <summary>
/// Deduplicates inbound messages (Twilio retries a webhook that times out; queues redeliver), and remembers the
/// reply so a retry gets the same answer. Keys are a source ("twilio", "api", "queue") and that source's id.
/// </summary>
public interface IInboundLedger
{
    /// <summary>Claims the message; a claim older than <paramref name="staleAfter"/> that never finished is taken over.</summary>
    Task<InboundClaim> ClaimAsync(string source, string key, TimeSpan staleAfter, CancellationToken cancellationToken) =>
        ClaimAsync(source, key, staleAfter, null, cancellationToken);

    /// <summary>
    /// Claims the message, recording <paramref name="reservation"/> with a new claim in the same write; a claim taken over
    /// keeps what the earlier attempt reserved (its referral may be stored already).
    /// </summary>
    Task<InboundClaim> ClaimAsync(string source, string key, TimeSpan staleAfter, InboundReservation? reservation, CancellationToken cancellationToken);

    /// <summary>Replaces the claim's reservation (its reference was taken) before the referral is stored under the new one.</summary>
    Task<InboundClaim> ReserveAsync(InboundClaim claim, InboundReservation reservation, CancellationToken cancellationToken);

    /// <summary>Records that the claim's referral is stored, so a retry resumes instead of creating another.</summary>
    Task<InboundClaim> RecordStoredAsync(InboundClaim claim, NightId night, ReferenceCode reference, CancellationToken cancellationToken);

    /// <summary>Finishes the claim with the reply a retry must receive.</summary>
    Task CompleteAsync(InboundClaim claim, string reply, CancellationToken cancellationToken);

    /// <summary>
    /// Finishes the claim with its reply and saves the texter's thread (as <see cref="IConversationStore.SaveAsync"/>
    /// would) in the same write: the store keeps an officer's thread beside the claims of the texts they send, so the
    /// two are one round trip. Both or neither.
    /// </summary>
    Task CompleteAsync(InboundClaim claim, string reply, string officerPhoneE164, OfficerThread thread, CancellationToken cancellationToken);

    /// <summary>Finishes the claim as refused, with the reason (no personal data).</summary>
    Task RejectAsync(InboundClaim claim, string reason, CancellationToken cancellationToken);

    /// <summary>Gives the claim up after a failure so that a retry can take it at once.</summary>
    Task ReleaseAsync(InboundClaim claim, CancellationToken cancellationToken);

    /// <summary>Reads a finished claim (Done or Rejected) without claiming it; null when unknown or unfinished.</summary>
    Task<InboundClaim?> FindAsync(string source, string key, CancellationToken cancellationToken);

    /// <summary>Deletes entries older than <paramref name="before"/> (retention).</summary>
    Task<int> PurgeAsync(DateTimeOffset before, CancellationToken cancellationToken);
}
