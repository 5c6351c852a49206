using NightSafe.Core.World;
namespace NightSafe.Core.Ports;

/// <summary>An officer allowed to text referrals, identified by the phone they text from.</summary>
public sealed record Officer(string Phone, string Name, string Collar, TownId TownId, bool Active = true, bool Supervisor = false);

/// <summary>One officer on the roster as the control room sees it: the phone masked, never in full.</summary>
/// <param name="Id">The row's key (a keyed hash of the phone), to change it without knowing the number.</param>
public sealed record RosterEntry(string Id, string MaskedPhone, string Name, string Collar, string TownId, bool Supervisor, bool Active);

/// <summary>A change to the roster and who made it: the roster's own audit trail (no phone number in it but masked).</summary>
public sealed record RosterChange(DateTimeOffset At, string Actor, string Action, string Collar, string TownId, string MaskedPhone, string? Detail = null);

/// <summary>The control room's view of the roster: list it, switch an officer off, and keep the trail of changes.</summary>
public interface IRosterDirectory
{
    Task<IReadOnlyList<RosterEntry>> ListAsync(CancellationToken cancellationToken);

    /// <summary>The entry of the officer who texts from <paramref name="phoneE164"/>, or null.</summary>
    Task<RosterEntry?> EntryForAsync(string phoneE164, CancellationToken cancellationToken);

    Task SetActiveAsync(string id, bool active, CancellationToken cancellationToken);

    Task RecordAsync(RosterChange change, CancellationToken cancellationToken);

    Task<IReadOnlyList<RosterChange>> ChangesAsync(int max, CancellationToken cancellationToken);
}

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

/// <summary>A partner duty phone as stored: the control room manages them; routing.json's <c>phone</c>/<c>phones</c> seed an agency with none.</summary>
/// <param name="Phone">The E.164 number (kept in full: case alerts are texted to it).</param>
public sealed record StoredDutyPhone(AgencyId AgencyId, string Phone, bool Active);

/// <summary>
/// Short ids for phone numbers, for staff to name a number back to the hub (in URLs, on screens) without sending it:
/// a keyed hash under the hub's secret phone-key pepper, so only the hub can tell which number an id stands for (a plain
/// hash of a UK mobile number is reversed by trying the whole range).
/// </summary>
public interface IPhoneIds
{
    /// <summary>The id of <paramref name="phoneE164"/>: 16 lower-case hex characters, the same for the same number.</summary>
    string IdFor(string phoneE164);
}

/// <summary>A change to the duty phones and who made it (the phone masked).</summary>
public sealed record DutyPhoneChange(DateTimeOffset At, string Actor, string Action, string AgencyId, string MaskedPhone, string? Detail = null);

/// <summary>The duty phones the control room manages, and the trail of changes to them.</summary>
public interface IDutyPhoneStore
{
    /// <summary>Every stored duty phone, active or removed.</summary>
    Task<IReadOnlyList<StoredDutyPhone>> ListAsync(CancellationToken cancellationToken);

    Task UpsertAsync(StoredDutyPhone phone, CancellationToken cancellationToken);

    Task RecordAsync(DutyPhoneChange change, CancellationToken cancellationToken);

    /// <summary>The latest changes, newest first.</summary>
    Task<IReadOnlyList<DutyPhoneChange>> ChangesAsync(int max, CancellationToken cancellationToken);
}
