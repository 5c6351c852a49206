using NightSafe.Core.World;
using Azure.Data.Tables;
using NightSafe.Core.Phones;
using NightSafe.Core.Ports;

namespace NightSafe.Integrations.Storage;

/// <summary>
/// The Officers table: PartitionKey "roster", RowKey <see cref="TableKeys.ForPhone"/> of the officer's number (the number
/// itself is kept only masked, for the control room's list); PartitionKey "audit" holds the roster's change trail.
/// </summary>
public sealed class TableOfficerRoster : IOfficerRoster, IRosterDirectory
{
    public const string Partition = "roster";
    public const string AuditPartition = "audit";

    private readonly TableClient _table;
    private readonly StorageInitializer _storage;

    public TableOfficerRoster(TableServiceClient tables, StorageInitializer storage)
    {
        ArgumentNullException.ThrowIfNull(tables);
        _table = tables.GetTableClient(StorageNames.OfficersTable);
        _storage = storage;
    }

    public async Task<Officer?> FindAsync(string phoneE164, CancellationToken cancellationToken)
    {
        // Only a well-formed number can be a key: anything else is nobody, without asking the table.
        if (!UkPhoneNumber.IsE164(phoneE164))
        {
            return null;
        }

        await _storage.EnsureAsync(cancellationToken);
        var found = await _table.GetEntityIfExistsAsync<TableEntity>(Partition, TableKeys.ForPhone(phoneE164), cancellationToken: cancellationToken);
        if (!found.HasValue || found.Value is not { } entity)
        {
            return null;
        }

        return new Officer(
            phoneE164,
            entity.GetString("Name") ?? string.Empty,
            entity.GetString("Collar") ?? string.Empty,
            entity.GetString("TownId") is { Length: > 0 } town ? TownId.From(town) : default,
            entity.GetBoolean("Active") ?? false,
            entity.GetBoolean("Supervisor") ?? false);
    }

    public async Task UpsertAsync(Officer officer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(officer);
        if (!UkPhoneNumber.IsE164(officer.Phone))
        {
            throw new ArgumentException("An officer's phone must be in E.164 form.", nameof(officer));
        }

        await _storage.EnsureAsync(cancellationToken);
        var entity = new TableEntity(Partition, TableKeys.ForPhone(officer.Phone))
        {
            ["Name"] = officer.Name,
            ["Collar"] = officer.Collar,
            ["TownId"] = officer.TownId.Value,
            ["Active"] = officer.Active,
            ["Supervisor"] = officer.Supervisor,
            ["PhoneMasked"] = UkPhoneNumber.Mask(officer.Phone),
        };
        await _table.UpsertEntityAsync(entity, TableUpdateMode.Replace, cancellationToken);
    }

    public async Task<IReadOnlyList<RosterEntry>> ListAsync(CancellationToken cancellationToken)
    {
        await _storage.EnsureAsync(cancellationToken);
        var entries = new List<RosterEntry>();
        await foreach (var entity in _table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {Partition}"), cancellationToken: cancellationToken))
        {
            entries.Add(Entry(entity));
        }

        return [.. entries.OrderBy(e => e.TownId, StringComparer.Ordinal).ThenBy(e => e.Collar, StringComparer.Ordinal)];
    }

    public async Task<RosterEntry?> EntryForAsync(string phoneE164, CancellationToken cancellationToken)
    {
        if (!UkPhoneNumber.IsE164(phoneE164))
        {
            return null;
        }

        await _storage.EnsureAsync(cancellationToken);
        var found = await _table.GetEntityIfExistsAsync<TableEntity>(Partition, TableKeys.ForPhone(phoneE164), cancellationToken: cancellationToken);
        return found.HasValue && found.Value is { } entity ? Entry(entity) : null;
    }

    public async Task SetActiveAsync(string id, bool active, CancellationToken cancellationToken)
    {
        await _storage.EnsureAsync(cancellationToken);
        await _table.UpdateEntityAsync(new TableEntity(Partition, id) { ["Active"] = active }, Azure.ETag.All, TableUpdateMode.Merge, cancellationToken);
    }

    public async Task RecordAsync(RosterChange change, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(change);
        await _storage.EnsureAsync(cancellationToken);
        // Newest first: the row key counts down from the end of time, with a random tail for changes in the same tick.
        var rowKey = $"{DateTimeOffset.MaxValue.Ticks - change.At.UtcTicks:D19}-{Guid.NewGuid():N}";
        await _table.AddEntityAsync(
            new TableEntity(AuditPartition, rowKey)
            {
                ["At"] = change.At,
                ["Actor"] = change.Actor,
                ["Action"] = change.Action,
                ["Collar"] = change.Collar,
                ["TownId"] = change.TownId,
                ["PhoneMasked"] = change.MaskedPhone,
                ["Detail"] = change.Detail,
            },
            cancellationToken);
    }

    public async Task<IReadOnlyList<RosterChange>> ChangesAsync(int max, CancellationToken cancellationToken)
    {
        await _storage.EnsureAsync(cancellationToken);
        var changes = new List<RosterChange>();
        await foreach (var e in _table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {AuditPartition}"), maxPerPage: max, cancellationToken: cancellationToken))
        {
            changes.Add(new RosterChange(
                e.GetDateTimeOffset("At") ?? default,
                e.GetString("Actor") ?? string.Empty,
                e.GetString("Action") ?? string.Empty,
                e.GetString("Collar") ?? string.Empty,
                e.GetString("TownId") ?? string.Empty,
                e.GetString("PhoneMasked") ?? string.Empty,
                e.GetString("Detail")));
            if (changes.Count >= max)
            {
                break;
            }
        }

        return changes;
    }

    private static RosterEntry Entry(TableEntity entity) => new(
        entity.RowKey,
        entity.GetString("PhoneMasked") ?? "***",
        entity.GetString("Name") ?? string.Empty,
        entity.GetString("Collar") ?? string.Empty,
        entity.GetString("TownId") ?? string.Empty,
        entity.GetBoolean("Supervisor") ?? false,
        entity.GetBoolean("Active") ?? false);
}
