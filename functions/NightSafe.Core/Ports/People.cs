namespace NightSafe.Core.Ports;

/// <summary>An officer allowed to text referrals, identified by the phone they text from.</summary>
public sealed record Officer(string Phone, string Name, string Collar, string TownId, bool Active = true);

/// <summary>Who may text referrals (Officers table, seeded from routing.json for local use).</summary>
public interface IOfficerRoster
{
    Task<Officer?> FindAsync(string phoneE164, CancellationToken cancellationToken);

    Task UpsertAsync(Officer officer, CancellationToken cancellationToken);
}

/// <summary>Numbers that replied STOP (or that Twilio reports as unsubscribed): never sent advice.</summary>
public interface IOptOutRegistry
{
    Task<bool> IsOptedOutAsync(string phoneE164, CancellationToken cancellationToken);

    Task OptOutAsync(string phoneE164, string reason, CancellationToken cancellationToken);

    Task OptInAsync(string phoneE164, CancellationToken cancellationToken);
}
