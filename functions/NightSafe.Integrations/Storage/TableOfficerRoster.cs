using NightSafe.Core.World;
using Azure.Data.Tables;
using NightSafe.Core.Phones;
using NightSafe.Core.Ports;

namespace NightSafe.Integrations.Storage;

/// <summary>
/// The Officers table: PartitionKey "roster", RowKey <see cref="PhoneKeys.For"/> of the officer's number (the number
/// itself is kept only masked, for the control room's list); PartitionKey "audit" holds the roster's change trail. A
/// row still under its pre-pepper key moves to the new key when the officer is next looked up (<see cref="LegacyPhoneRows"/>).
/// </summary>
public sealed class TableOfficerRoster : IStoredOfficerRoster
{
    public const string Partition = "roster";
    public const string AuditPartition = "audit";

    private readonly TableClient _table;
    private readonly StorageInitializer _storage;
    private readonly PhoneKeys _keys;
    private readonly LegacyPhoneRows _legacy;

    public TableOfficerRoster(TableServiceClient tables, StorageInitializer storage, PhoneKeys keys, LegacyPhoneRows legacy)
    {
        ArgumentNullException.ThrowIfNull(tables);
        _table = tables.GetTableClient(StorageNames.OfficersTable);
        _storage = storage;
        _keys = keys;
        _legacy = legacy;
    }

    public async Task<Officer?> FindAsync(string phoneE164, CancellationToken cancellationToken)
    {
        // Only a well-formed number can be a key: anything else is nobody, without asking the table.
        if (!UkPhoneNumber.IsE164(phoneE164))
        {
            return null;
        }

        await _storage.EnsureAsync(cancellationToken);
        if (await FindRowAsync(phoneE164, cancellationToken) is not { } entity)
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
        var entity = new TableEntity(Partition, _keys.For(officer.Phone))
        {
            ["Name"] = officer.Name,
            ["Collar"] = officer.Collar,
            ["TownId"] = officer.TownId.Value,
            ["Active"] = officer.Active,
            ["Supervisor"] = officer.Supervisor,
            ["PhoneMasked"] = UkPhoneNumber.Mask(officer.Phone),
        };
        await _table.UpsertEntityAsync(entity, TableUpdateMode.Replace, cancellationToken);
        await _legacy.ForgetAsync(_table, Partition, PhoneKeys.Legacy(officer.Phone), cancellationToken);
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
        return await FindRowAsync(phoneE164, cancellationToken) is { } entity ? Entry(entity) : null;
    }

    private Task<TableEntity?> FindRowAsync(string phoneE164, CancellationToken cancellationToken) =>
        _legacy.FindAsync(_table, Partition, _keys.For(phoneE164), PhoneKeys.Legacy(phoneE164), tableWide: false, cancellationToken);

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
