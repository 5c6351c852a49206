using NightSafe.Core.World;
using Azure.Data.Tables;
using NightSafe.Core.Phones;
using NightSafe.Core.Ports;

namespace NightSafe.Integrations.Storage;

/// <summary>
/// The DutyPhones table: PartitionKey "duty", RowKey the agency id and <see cref="PhoneKeys.For"/> of the number (the
/// number itself is a property: case alerts are texted to it); PartitionKey "audit" holds the trail of changes. The
/// number being in the row, a row under its pre-pepper key is moved to its new key the first time the table is listed.
/// </summary>
public sealed class TableDutyPhones : IDutyPhoneStore
{
    public const string Partition = "duty";
    public const string AuditPartition = "audit";

    private readonly TableClient _table;
    private readonly StorageInitializer _storage;
    private readonly PhoneKeys _keys;

    public TableDutyPhones(TableServiceClient tables, StorageInitializer storage, PhoneKeys keys)
    {
        ArgumentNullException.ThrowIfNull(tables);
        _table = tables.GetTableClient(StorageNames.DutyPhonesTable);
        _storage = storage;
        _keys = keys;
    }

    public async Task<IReadOnlyList<StoredDutyPhone>> ListAsync(CancellationToken cancellationToken)
    {
        await _storage.EnsureAsync(cancellationToken);
        var phones = new List<StoredDutyPhone>();
        await foreach (var e in _table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {Partition}"), cancellationToken: cancellationToken))
        {
            if (e.GetString("Agency") is { Length: > 0 } agency && e.GetString("Phone") is { } phone && UkPhoneNumber.IsE164(phone))
            {
                if (e.RowKey != RowKey(agency, phone))
                {
                    // Keyed before the pepper: move it (one transaction), so its next upsert replaces it, not doubles it.
                    await LegacyPhoneRows.MoveAsync(_table, Partition, e.RowKey, RowKey(agency, phone), cancellationToken);
                }

                phones.Add(new StoredDutyPhone(AgencyId.From(agency), phone, e.GetBoolean("Active") ?? false));
            }
        }

        return [.. phones.OrderBy(p => p.AgencyId.Value, StringComparer.Ordinal)];
    }

    public async Task UpsertAsync(StoredDutyPhone phone, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(phone);
        if (!UkPhoneNumber.IsE164(phone.Phone))
        {
            throw new ArgumentException("A duty phone must be in E.164 form.", nameof(phone));
        }

        await _storage.EnsureAsync(cancellationToken);
        await _table.UpsertEntityAsync(
            new TableEntity(Partition, RowKey(phone.AgencyId.Value, phone.Phone))
            {
                ["Agency"] = phone.AgencyId.Value,
                ["Phone"] = phone.Phone,
                ["PhoneMasked"] = UkPhoneNumber.Mask(phone.Phone),
                ["Active"] = phone.Active,
            },
            TableUpdateMode.Replace,
            cancellationToken);
    }

    private string RowKey(string agencyId, string phone) => TableKeys.Safe(agencyId) + "|" + _keys.For(phone);

    public async Task RecordAsync(DutyPhoneChange change, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(change);
        await _storage.EnsureAsync(cancellationToken);
        // Newest first: the row key counts down from the end of time, with a random tail for changes in the same tick.
        await _table.AddEntityAsync(
            new TableEntity(AuditPartition, $"{DateTimeOffset.MaxValue.Ticks - change.At.UtcTicks:D19}-{Guid.NewGuid():N}")
            {
                ["At"] = change.At,
                ["Actor"] = change.Actor,
                ["Action"] = change.Action,
                ["Agency"] = change.AgencyId,
                ["PhoneMasked"] = change.MaskedPhone,
                ["Detail"] = change.Detail,
            },
            cancellationToken);
    }

    public async Task<IReadOnlyList<DutyPhoneChange>> ChangesAsync(int max, CancellationToken cancellationToken)
    {
        await _storage.EnsureAsync(cancellationToken);
        var changes = new List<DutyPhoneChange>();
        await foreach (var e in _table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {AuditPartition}"), maxPerPage: max, cancellationToken: cancellationToken))
        {
            changes.Add(new DutyPhoneChange(
                e.GetDateTimeOffset("At") ?? default,
                e.GetString("Actor") ?? string.Empty,
                e.GetString("Action") ?? string.Empty,
                e.GetString("Agency") ?? string.Empty,
                e.GetString("PhoneMasked") ?? string.Empty,
                e.GetString("Detail")));
            if (changes.Count >= max)
            {
                break;
            }
        }

        return changes;
    }
}
