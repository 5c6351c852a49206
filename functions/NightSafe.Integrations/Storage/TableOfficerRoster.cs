using Azure.Data.Tables;
using NightSafe.Core.Phones;
using NightSafe.Core.Ports;

namespace NightSafe.Integrations.Storage;

/// <summary>The Officers table: PartitionKey "roster", RowKey <see cref="TableKeys.ForPhone"/> of the officer's number.</summary>
public sealed class TableOfficerRoster : IOfficerRoster
{
    public const string Partition = "roster";

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
            entity.GetString("TownId") ?? string.Empty,
            entity.GetBoolean("Active") ?? false);
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
            ["TownId"] = officer.TownId,
            ["Active"] = officer.Active,
        };
        await _table.UpsertEntityAsync(entity, TableUpdateMode.Replace, cancellationToken);
    }
}
