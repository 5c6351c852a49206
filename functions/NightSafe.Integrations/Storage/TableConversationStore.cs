using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using NightSafe.Core.Intake;
using NightSafe.Core.Phones;
using NightSafe.Core.Ports;

namespace NightSafe.Integrations.Storage;

/// <summary>
/// The Conversations table: PartitionKey "officer", RowKey <see cref="PhoneKeys.For"/> of the officer's number
/// (never the number), the thread as JSON. A thread found expired is deleted: it may hold the officer's words. A thread
/// under its pre-pepper key moves when the officer texts again (<see cref="LegacyPhoneRows"/>).
/// </summary>
public sealed class TableConversationStore : IConversationStore
{
    public const string Partition = "officer";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly TableClient _table;
    private readonly StorageInitializer _storage;
    private readonly TimeProvider _time;
    private readonly PhoneKeys _keys;
    private readonly LegacyPhoneRows _legacy;

    public TableConversationStore(TableServiceClient tables, StorageInitializer storage, TimeProvider time, PhoneKeys keys, LegacyPhoneRows legacy)
    {
        ArgumentNullException.ThrowIfNull(tables);
        _table = tables.GetTableClient(StorageNames.ConversationsTable);
        _storage = storage;
        _time = time;
        _keys = keys;
        _legacy = legacy;
    }

    public async Task<OfficerThread?> FindAsync(string officerPhoneE164, CancellationToken cancellationToken)
    {
        if (!UkPhoneNumber.IsE164(officerPhoneE164))
        {
            return null;
        }

        await _storage.EnsureAsync(cancellationToken);
        var found = await _legacy.FindAsync(_table, Partition, _keys.For(officerPhoneE164), PhoneKeys.Legacy(officerPhoneE164), tableWide: false, cancellationToken);
        if (found?.GetString("Thread") is not { } json)
        {
            return null;
        }

        var thread = JsonSerializer.Deserialize<OfficerThread>(json, Json);
        if (thread is null || !thread.IsLiveAt(_time.GetUtcNow()))
        {
            await DeleteAsync(officerPhoneE164, cancellationToken);
            return null;
        }

        return thread;
    }

    public async Task SaveAsync(string officerPhoneE164, OfficerThread thread, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(thread);
        EnsureE164(officerPhoneE164);
        await _storage.EnsureAsync(cancellationToken);
        var entity = new TableEntity(Partition, _keys.For(officerPhoneE164))
        {
            ["Thread"] = JsonSerializer.Serialize(thread, Json),
            ["ExpiresAt"] = thread.ExpiresAt,
        };
        await _table.UpsertEntityAsync(entity, TableUpdateMode.Replace, cancellationToken);
        await _legacy.ForgetAsync(_table, Partition, PhoneKeys.Legacy(officerPhoneE164), cancellationToken);
    }

    public async Task DeleteAsync(string officerPhoneE164, CancellationToken cancellationToken)
    {
        EnsureE164(officerPhoneE164);
        await _storage.EnsureAsync(cancellationToken);
        try
        {
            await _table.DeleteEntityAsync(Partition, _keys.For(officerPhoneE164), ETag.All, cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            // Nothing remembered.
        }

        await _legacy.ForgetAsync(_table, Partition, PhoneKeys.Legacy(officerPhoneE164), cancellationToken);
    }

    public async Task<int> PurgeExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        await _storage.EnsureAsync(cancellationToken);
        return await _table.DeleteMatchingAsync(TableClient.CreateQueryFilter($"PartitionKey eq {Partition} and ExpiresAt lt {now}"), cancellationToken);
    }

    private static void EnsureE164(string phoneE164)
    {
        if (!UkPhoneNumber.IsE164(phoneE164))
        {
            throw new ArgumentException("The number must be in E.164 form.", nameof(phoneE164));
        }
    }
}
