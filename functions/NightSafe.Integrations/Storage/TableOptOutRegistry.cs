using Azure;
using Azure.Data.Tables;
using NightSafe.Core.Phones;
using NightSafe.Core.Ports;

namespace NightSafe.Integrations.Storage;

/// <summary>
/// The OptOuts table: PartitionKey "sms", RowKey <see cref="PhoneKeys.For"/> of the number; a row means "never send
/// advice". The number itself is not stored: membership is all this table needs. A row under its pre-pepper key moves
/// when the number is next asked about (<see cref="LegacyPhoneRows"/>): an opt-out is never lost to the migration.
/// </summary>
public sealed class TableOptOutRegistry : IOptOutRegistry
{
    public const string Partition = "sms";

    private readonly TableClient _table;
    private readonly StorageInitializer _storage;
    private readonly TimeProvider _time;
    private readonly PhoneKeys _keys;
    private readonly LegacyPhoneRows _legacy;

    public TableOptOutRegistry(TableServiceClient tables, StorageInitializer storage, TimeProvider time, PhoneKeys keys, LegacyPhoneRows legacy)
    {
        ArgumentNullException.ThrowIfNull(tables);
        _table = tables.GetTableClient(StorageNames.OptOutsTable);
        _storage = storage;
        _time = time;
        _keys = keys;
        _legacy = legacy;
    }

    public async Task<bool> IsOptedOutAsync(string phoneE164, CancellationToken cancellationToken)
    {
        if (!UkPhoneNumber.IsE164(phoneE164))
        {
            return false;
        }

        await _storage.EnsureAsync(cancellationToken);
        return await _legacy.FindAsync(_table, Partition, _keys.For(phoneE164), PhoneKeys.Legacy(phoneE164), tableWide: false, cancellationToken) is not null;
    }

    public async Task OptOutAsync(string phoneE164, string reason, CancellationToken cancellationToken)
    {
        EnsureE164(phoneE164);
        ArgumentNullException.ThrowIfNull(reason);
        await _storage.EnsureAsync(cancellationToken);
        var entity = new TableEntity(Partition, _keys.For(phoneE164))
        {
            ["Reason"] = reason,
            ["OptedOutAt"] = _time.GetUtcNow(),
        };
        await _table.UpsertEntityAsync(entity, TableUpdateMode.Replace, cancellationToken);
        await _legacy.ForgetAsync(_table, Partition, PhoneKeys.Legacy(phoneE164), cancellationToken);
    }

    public async Task OptInAsync(string phoneE164, CancellationToken cancellationToken)
    {
        EnsureE164(phoneE164);
        await _storage.EnsureAsync(cancellationToken);
        try
        {
            await _table.DeleteEntityAsync(Partition, _keys.For(phoneE164), ETag.All, cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            // Was not opted out (under the new key).
        }

        await _legacy.ForgetAsync(_table, Partition, PhoneKeys.Legacy(phoneE164), cancellationToken);
    }

    private static void EnsureE164(string phoneE164)
    {
        if (!UkPhoneNumber.IsE164(phoneE164))
        {
            throw new ArgumentException("The number must be in E.164 form.", nameof(phoneE164));
        }
    }
}
