using Azure;
using Azure.Data.Tables;
using NightSafe.Core.Phones;
using NightSafe.Core.Ports;

namespace NightSafe.Integrations.Storage;

/// <summary>
/// The OptOuts table: PartitionKey "sms", RowKey <see cref="TableKeys.ForPhone"/> of the number; a row means "never send
/// advice". The number itself is not stored: membership is all this table needs.
/// </summary>
public sealed class TableOptOutRegistry : IOptOutRegistry
{
    public const string Partition = "sms";

    private readonly TableClient _table;
    private readonly StorageInitializer _storage;
    private readonly TimeProvider _time;

    public TableOptOutRegistry(TableServiceClient tables, StorageInitializer storage, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(tables);
        _table = tables.GetTableClient(StorageNames.OptOutsTable);
        _storage = storage;
        _time = time;
    }

    public async Task<bool> IsOptedOutAsync(string phoneE164, CancellationToken cancellationToken)
    {
        if (!UkPhoneNumber.IsE164(phoneE164))
        {
            return false;
        }

        await _storage.EnsureAsync(cancellationToken);
        var found = await _table.GetEntityIfExistsAsync<TableEntity>(Partition, TableKeys.ForPhone(phoneE164), select: ["RowKey"], cancellationToken: cancellationToken);
        return found.HasValue;
    }

    public async Task OptOutAsync(string phoneE164, string reason, CancellationToken cancellationToken)
    {
        EnsureE164(phoneE164);
        ArgumentNullException.ThrowIfNull(reason);
        await _storage.EnsureAsync(cancellationToken);
        var entity = new TableEntity(Partition, TableKeys.ForPhone(phoneE164))
        {
            ["Reason"] = reason,
            ["OptedOutAt"] = _time.GetUtcNow(),
        };
        await _table.UpsertEntityAsync(entity, TableUpdateMode.Replace, cancellationToken);
    }

    public async Task OptInAsync(string phoneE164, CancellationToken cancellationToken)
    {
        EnsureE164(phoneE164);
        await _storage.EnsureAsync(cancellationToken);
        try
        {
            await _table.DeleteEntityAsync(Partition, TableKeys.ForPhone(phoneE164), ETag.All, cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            // Was not opted out.
        }
    }

    private static void EnsureE164(string phoneE164)
    {
        if (!UkPhoneNumber.IsE164(phoneE164))
        {
            throw new ArgumentException("The number must be in E.164 form.", nameof(phoneE164));
        }
    }
}
