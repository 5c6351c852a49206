using NightSafe.Core.Intake;

namespace NightSafe.Core.Ports;

/// <summary>
/// Each officer phone's conversation (<see cref="OfficerThread"/>), kept for <see cref="OfficerThread.Lifetime"/>.
/// Keyed by the phone; adapters must never put the number itself in a storage key.
/// </summary>
public interface IConversationStore
{
    /// <summary>The phone's conversation; null when there is none (an expired one may be returned: check its expiry).</summary>
    Task<OfficerThread?> FindAsync(string officerPhoneE164, CancellationToken cancellationToken);

    Task SaveAsync(string officerPhoneE164, OfficerThread thread, CancellationToken cancellationToken);

    /// <summary>Forgets the phone's conversation (nothing to remember: it held the officer's words).</summary>
    Task DeleteAsync(string officerPhoneE164, CancellationToken cancellationToken);

    /// <summary>
    /// Forgets every conversation that expired before <paramref name="now"/> and was never read again (a question the
    /// officer did not answer still holds their words); returns how many. A conversation saved again meanwhile stays.
    /// </summary>
    Task<int> PurgeExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken);
}
