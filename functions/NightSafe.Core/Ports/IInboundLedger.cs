using NightSafe.Core.Nights;
using NightSafe.Core.References;

namespace NightSafe.Core.Ports;

/// <summary>How far an inbound message (webhook, API call, queue message) has been handled.</summary>
public enum InboundState
{
    /// <summary>This caller now owns the message: nothing was done for it before (or a stale attempt was taken over).</summary>
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

/// <summary>A claim on one inbound message; <see cref="Version"/> guards the owner's later writes.</summary>
public sealed record InboundClaim(
    string Source,
    string Key,
    InboundState State,
    string Version,
    NightId? Night = null,
    ReferenceCode? Reference = null,
    string? Reply = null);

/// <summary>
/// Deduplicates inbound messages (Twilio retries a webhook that times out; queues redeliver), and remembers the
/// reply so a retry gets the same answer. Keys are a source ("twilio", "api", "queue") and that source's id.
/// </summary>
public interface IInboundLedger
{
    /// <summary>Claims the message; a claim older than <paramref name="staleAfter"/> that never finished is taken over.</summary>
    Task<InboundClaim> ClaimAsync(string source, string key, TimeSpan staleAfter, CancellationToken cancellationToken);

    /// <summary>Records that the claim's referral is stored, so a retry resumes instead of creating another.</summary>
    Task<InboundClaim> RecordStoredAsync(InboundClaim claim, NightId night, ReferenceCode reference, CancellationToken cancellationToken);

    /// <summary>Finishes the claim with the reply a retry must receive.</summary>
    Task CompleteAsync(InboundClaim claim, string reply, CancellationToken cancellationToken);

    /// <summary>Finishes the claim as refused, with the reason (no personal data).</summary>
    Task RejectAsync(InboundClaim claim, string reason, CancellationToken cancellationToken);

    /// <summary>Gives the claim up after a failure so that a retry can take it at once.</summary>
    Task ReleaseAsync(InboundClaim claim, CancellationToken cancellationToken);

    /// <summary>Reads a finished claim (Done or Rejected) without claiming it; null when unknown or unfinished.</summary>
    Task<InboundClaim?> FindAsync(string source, string key, CancellationToken cancellationToken);

    /// <summary>Deletes entries older than <paramref name="before"/> (retention).</summary>
    Task<int> PurgeAsync(DateTimeOffset before, CancellationToken cancellationToken);
}
