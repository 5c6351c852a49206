using Microsoft.Extensions.Logging;
using NightSafe.Core.Partners;
using NightSafe.Core.Phones;
using NightSafe.Core.Ports;
using NightSafe.Core.World;

namespace NightSafe.Core.Control;

/// <summary>A duty phone as the control room adds one: the agency's id and the phone in any UK format.</summary>
public sealed record DutyPhoneAddition(string? Agency, string? Phone);

/// <summary>A duty phone to take off duty, named by its agency and number (any UK format), as a request body carries it.</summary>
public sealed record DutyPhoneRemoval(string? Agency, string? Phone);

/// <summary>One duty phone as the control room sees it: never the full number.</summary>
/// <param name="Id">A short id of the number (keyed with the hub's pepper, so only the hub can compute it), to remove it without sending the number again.</param>
/// <param name="Source">"routing.json" while the agency still runs on its seed, else "control-room".</param>
public sealed record DutyPhoneEntry(string Id, string AgencyId, string MaskedPhone, bool Active, string Source);

/// <summary>What a duty-phone change did; <see cref="Invalid"/> names each bad field.</summary>
public abstract record DutyPhoneResult
{
    private DutyPhoneResult()
    {
    }

    public sealed record Done(IReadOnlyList<DutyPhoneEntry> Changed) : DutyPhoneResult;

    public sealed record Invalid(IReadOnlyDictionary<string, string[]> Errors) : DutyPhoneResult;

    public sealed record NotFound : DutyPhoneResult;
}

/// <summary>
/// The control room manages the phones that get each agency's case alerts and may answer its cases by SMS: list (masked),
/// add, remove. Every change is an audit event naming who made it. An agency starts on routing.json's phones; its first
/// change copies them into the store (recorded as "seeded"), and from then on the store alone says who is on duty.
/// </summary>
public sealed partial class DutyPhoneAdministration(DutyPhoneBook book, IDutyPhoneStore store, IOfficerRoster roster, RoutingWorld world, TimeProvider time, ILogger<DutyPhoneAdministration> logger)
{
    public const string FromRoutingJson = "routing.json";
    public const string FromControlRoom = "control-room";

    public async Task<IReadOnlyList<DutyPhoneEntry>> ListAsync(string? agencyId, CancellationToken cancellationToken) =>
        [.. (await book.AllAsync(cancellationToken))
            .Where(a => agencyId is null || string.Equals(a.Agency.Id.Value, agencyId, StringComparison.OrdinalIgnoreCase))
            .SelectMany(a => a.Phones.Select(p => Entry(p, a.Managed)))];

    public Task<IReadOnlyList<DutyPhoneChange>> ChangesAsync(int max, CancellationToken cancellationToken) => store.ChangesAsync(Math.Clamp(max, 1, 500), cancellationToken);

    public async Task<DutyPhoneResult> AddAsync(DutyPhoneAddition addition, string actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(addition);
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var agency = Find(addition.Agency);
        if (agency is null)
        {
            errors["agency"] = ["One of: " + string.Join(", ", world.Agencies.Select(a => a.Id)) + "."];
        }
        else if (!agency.Channels.Contains(AgencyChannels.Sms))
        {
            errors["agency"] = [$"{agency.Id} takes no cases by SMS (its channels in routing.json)."];
        }

        if (!UkPhoneNumber.TryNormalise(addition.Phone, out var phone))
        {
            errors["phone"] = ["A UK mobile number."];
        }
        else if (await book.AgencyForAsync(phone, cancellationToken) is { } holder && holder.Id != agency?.Id)
        {
            errors["phone"] = [$"Already a duty phone of {holder.Id}: remove it there first."];
        }
        else if (await roster.FindAsync(phone, cancellationToken) is { Active: true })
        {
            errors["phone"] = ["An officer on the roster texts from this number: one phone cannot be both."];
        }

        if (errors.Count > 0 || agency is null)
        {
            return new DutyPhoneResult.Invalid(errors);
        }

        await SeedAsync(agency, actor, cancellationToken);
        await store.UpsertAsync(new StoredDutyPhone(agency.Id, phone, Active: true), cancellationToken);
        await store.RecordAsync(new DutyPhoneChange(time.GetUtcNow(), actor, "added", agency.Id.Value, UkPhoneNumber.Mask(phone)), cancellationToken);
        book.Forget();
        LogChanged(agency.Id.Value, "added");
        return new DutyPhoneResult.Done([Entry(new StoredDutyPhone(agency.Id, phone, true), managed: true)]);
    }

    /// <summary>Takes a phone off duty by its id: it gets no more case alerts and its texts are no longer the agency's answers.</summary>
    public Task<DutyPhoneResult> RemoveAsync(string agencyId, string id, string actor, CancellationToken cancellationToken) =>
        RemoveWhereAsync(agencyId, p => string.Equals(book.IdFor(p.Phone), id?.Trim(), StringComparison.OrdinalIgnoreCase), actor, cancellationToken);

    /// <summary>
    /// Takes a phone off duty by its number (sent in a request body, never a URL): for callers that know the number and
    /// not its id, which only the hub can compute.
    /// </summary>
    public async Task<DutyPhoneResult> RemoveNumberAsync(DutyPhoneRemoval removal, string actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(removal);
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (Find(removal.Agency) is null)
        {
            errors["agency"] = ["One of: " + string.Join(", ", world.Agencies.Select(a => a.Id)) + "."];
        }

        if (!UkPhoneNumber.TryNormalise(removal.Phone, out var phone))
        {
            errors["phone"] = ["A UK mobile number."];
        }

        return errors.Count > 0
            ? new DutyPhoneResult.Invalid(errors)
            : await RemoveWhereAsync(removal.Agency!, p => p.Phone == phone, actor, cancellationToken);
    }

    private async Task<DutyPhoneResult> RemoveWhereAsync(string agencyId, Func<StoredDutyPhone, bool> which, string actor, CancellationToken cancellationToken)
    {
        var agency = Find(agencyId);
        IReadOnlyList<StoredDutyPhone> listed = agency is null ? [] : (await book.AllAsync(cancellationToken)).Single(a => a.Agency.Id == agency.Id).Phones;
        var phone = listed.FirstOrDefault(p => p.Active && which(p));
        if (agency is null || phone is null)
        {
            return new DutyPhoneResult.NotFound();
        }

        await SeedAsync(agency, actor, cancellationToken);
        await store.UpsertAsync(phone with { Active = false }, cancellationToken);
        var left = listed.Count(p => p.Active) - 1;
        await store.RecordAsync(new DutyPhoneChange(time.GetUtcNow(), actor, "removed", agency.Id.Value, UkPhoneNumber.Mask(phone.Phone), left == 0 ? "no duty phone left" : null), cancellationToken);
        book.Forget();
        LogChanged(agency.Id.Value, "removed");
        return new DutyPhoneResult.Done([Entry(phone with { Active = false }, managed: true)]);
    }

    // The agency's first change: its routing.json phones become stored ones, so the change does not drop them.
    private async Task SeedAsync(Agency agency, string actor, CancellationToken cancellationToken)
    {
        if ((await book.AllAsync(cancellationToken)).Single(a => a.Agency.Id == agency.Id).Managed)
        {
            return;
        }

        foreach (var phone in agency.DutyPhones)
        {
            await store.UpsertAsync(new StoredDutyPhone(agency.Id, phone, Active: true), cancellationToken);
            await store.RecordAsync(new DutyPhoneChange(time.GetUtcNow(), actor, "seeded", agency.Id.Value, UkPhoneNumber.Mask(phone), "from routing.json"), cancellationToken);
        }
    }

    private Agency? Find(string? id) =>
        string.IsNullOrWhiteSpace(id) ? null : world.Agencies.FirstOrDefault(a => string.Equals(a.Id.Value, id.Trim(), StringComparison.OrdinalIgnoreCase));

    private DutyPhoneEntry Entry(StoredDutyPhone phone, bool managed) =>
        new(book.IdFor(phone.Phone), phone.AgencyId.Value, UkPhoneNumber.Mask(phone.Phone), phone.Active, managed ? FromControlRoom : FromRoutingJson);

    [LoggerMessage(Level = LogLevel.Information, Message = "Duty phones of {Agency}: one {Action}")]
    private partial void LogChanged(string agency, string action);
}
