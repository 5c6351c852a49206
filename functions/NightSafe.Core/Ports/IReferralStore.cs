using NightSafe.Core.World;
using NightSafe.Core.Nights;
using NightSafe.Core.References;
using NightSafe.Core.Referrals;

namespace NightSafe.Core.Ports;

/// <summary>A value read from a store with the version (ETag) an update must match.</summary>
public sealed record Stored<T>(T Value, string Version);

/// <summary>
/// A set of writes to one referral that commit together or not at all: the referral itself (optimistic
/// concurrency on <see cref="ReferralVersion"/>), new or changed partner cases, and new audit events.
/// </summary>
public sealed record ReferralChange(NightId Night, ReferenceCode Reference)
{
    /// <summary>The referral's new state, or null to leave it as it is.</summary>
    public Referral? Referral { get; init; }

    /// <summary>The version the referral was read at; required when <see cref="Referral"/> is set.</summary>
    public string? ReferralVersion { get; init; }

    /// <summary>Cases to write: a null version adds a new case (fails if it exists), otherwise replaces that version.</summary>
    public IReadOnlyList<(PartnerCase Case, string? Version)> Cases { get; init; } = [];

    public IReadOnlyList<ReferralEvent> Events { get; init; } = [];

    /// <summary>
    /// The writes a transition of the referral read as <paramref name="read"/> implies (null when it changes nothing):
    /// the referral at the version read, the case that moved at <paramref name="caseVersion"/>, and the events.
    /// </summary>
    public static ReferralChange? From(Stored<Referral> read, ReferralTransition transition, string? caseVersion = null)
    {
        ArgumentNullException.ThrowIfNull(read);
        ArgumentNullException.ThrowIfNull(transition);
        if (transition.IsNone)
        {
            return null;
        }

        if (transition.Case is not null && caseVersion is null)
        {
            throw new ArgumentNullException(nameof(caseVersion), "A moved case is written at the version it was read.");
        }

        return new ReferralChange(read.Value.Night, read.Value.Reference)
        {
            Referral = transition.Referral,
            ReferralVersion = transition.Referral is null ? null : read.Version,
            Cases = (transition.Case is { } moved ? [(moved, caseVersion)] : Array.Empty<(PartnerCase, string?)>())
                .Concat(transition.AddedCases.Select(added => (added, (string?)null)))
                .ToList(),
            Events = transition.Events,
        };
    }
}

/// <summary>Thrown when a write lost a race: something changed since it was read. Read again and retry.</summary>
public sealed class ConcurrencyConflictException : Exception
{
    public ConcurrencyConflictException()
    {
    }

    public ConcurrencyConflictException(string message)
        : base(message)
    {
    }

    public ConcurrencyConflictException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>
/// Referrals, their partner cases and their audit trail. One night is one partition, and a referral's rows live
/// together, so every <see cref="ReferralChange"/> is one atomic transaction.
/// </summary>
public interface IReferralStore
{
    /// <summary>Adds a new referral with its first events. False when the reference is already taken that night.</summary>
    Task<bool> TryCreateAsync(Referral referral, IReadOnlyList<ReferralEvent> events, CancellationToken cancellationToken);

    Task<Stored<Referral>?> FindAsync(NightId night, ReferenceCode reference, CancellationToken cancellationToken);

    /// <summary>
    /// Commits the change atomically; <see cref="ConcurrencyConflictException"/> when a version no longer matches.
    /// Returns the referral row's new version when the change wrote it (null when it did not), so the next write can
    /// be made at that version without reading the referral again.
    /// </summary>
    Task<string?> SaveAsync(ReferralChange change, CancellationToken cancellationToken);

    /// <summary>Appends audit events (consultations, refused attempts) without touching the referral.</summary>
    Task AppendAsync(NightId night, ReferenceCode reference, IReadOnlyList<ReferralEvent> events, CancellationToken cancellationToken);

    Task<IReadOnlyList<Stored<PartnerCase>>> CasesAsync(NightId night, ReferenceCode reference, CancellationToken cancellationToken);

    Task<Stored<PartnerCase>?> FindCaseAsync(NightId night, ReferenceCode reference, AgencyId agencyId, CancellationToken cancellationToken);

    /// <summary>Every case routed to <paramref name="agencyId"/> in that night.</summary>
    Task<IReadOnlyList<PartnerCase>> CasesForAgencyAsync(NightId night, AgencyId agencyId, CancellationToken cancellationToken);

    /// <summary>The audit trail in time order.</summary>
    Task<IReadOnlyList<ReferralEvent>> TrailAsync(NightId night, ReferenceCode reference, CancellationToken cancellationToken);

    /// <summary>Every referral of a night (for its summary).</summary>
    Task<IReadOnlyList<Referral>> NightAsync(NightId night, CancellationToken cancellationToken);

    /// <summary>
    /// The night's referrals the sweep looks after: still <see cref="ReferralStatus.Received"/> (waiting for routing) or
    /// with their advice <see cref="AdviceState.Sent"/> (waiting for a delivery report). Filtered where they are kept,
    /// so a sweep every two minutes does not read the whole night back each time.
    /// </summary>
    Task<IReadOnlyList<Referral>> AwaitingAsync(NightId night, CancellationToken cancellationToken);

    /// <summary>Every case of a night (for its summary).</summary>
    Task<IReadOnlyList<PartnerCase>> NightCasesAsync(NightId night, CancellationToken cancellationToken);

    /// <summary>The night's whole partition in one query: referrals, cases and events (the night board reads this per poll).</summary>
    Task<NightRows> NightRowsAsync(NightId night, CancellationToken cancellationToken);

    /// <summary>Referrals of nights before <paramref name="cutoff"/> whose personal data has not been erased yet.</summary>
    IAsyncEnumerable<Referral> UnerasedBeforeAsync(NightId cutoff, CancellationToken cancellationToken);

    /// <summary>
    /// Erases the referral's personal data everywhere it is stored (the referral's location, description and subject
    /// phone; each case's disclosed view; each event's note), marks it erased and appends <paramref name="erasure"/>,
    /// which must not carry the erased data.
    /// </summary>
    Task EraseAsync(NightId night, ReferenceCode reference, DateTimeOffset erasedAt, ReferralEvent erasure, CancellationToken cancellationToken);

    /// <summary>
    /// Gives an index row to every referral of nights <paramref name="first"/> to <paramref name="last"/> that holds a
    /// subject phone but was stored before the phone index existed (an older deploy wrote none), so that
    /// <see cref="HoldingPhoneAsync"/> finds it. A one-off: once every referral has its row the store records so, and
    /// later calls cost one read. Returns how many referrals were given a row. A store that answers
    /// <see cref="HoldingPhoneAsync"/> by reading the nights (this default) has nothing to do.
    /// </summary>
    Task<int> BackfillPhoneIndexAsync(NightId first, NightId last, CancellationToken cancellationToken) => Task.FromResult(0);

    /// <summary>
    /// The referrals of nights <paramref name="first"/> to <paramref name="last"/> (both included) whose subject phone is
    /// <paramref name="e164"/> now. A store should answer from an index rather than read every referral (the table
    /// store keeps an index row per phone hash, written with the referral); this default reads each night.
    /// </summary>
    async Task<IReadOnlyList<Referral>> HoldingPhoneAsync(string e164, NightId first, NightId last, CancellationToken cancellationToken)
    {
        var found = new List<Referral>();
        for (var night = first; night <= last; night = night.Next)
        {
            found.AddRange((await NightAsync(night, cancellationToken)).Where(r => r.SubjectPhone == e164));
        }

        return found;
    }
}
