using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using NightSafe.Core.Intake;
using NightSafe.Core.Phones;
using NightSafe.Core.Ports;

namespace NightSafe.Integrations.Storage;

/// <summary>
/// Each officer's thread, kept in the InboundMessages table beside the claims of the texts they send (PartitionKey
/// <see cref="OfficerConversation.Source"/>, RowKey <c>T|</c> and <see cref="PhoneKeys.For"/> of the officer's number,
/// never the number; the thread as JSON), so the answer of a text and the thread it leaves are one transaction
/// (<see cref="TableInboundLedger"/>). A thread found expired is deleted: it may hold the officer's words.
/// </summary>
/// <remarks>
/// Threads were kept in a Conversations table of their own until the round trip was saved; they live 15 minutes, so a
/// deploy forgets at most the threads of the last quarter of an hour (a question then is asked again), and the old table
/// holds nothing live after that. The retention run still purges it.
/// </remarks>
public sealed class TableConversationStore : IConversationStore
{
    /// <summary>The RowKey prefix of a thread row: no claim's key has it (claims are provider ids, or hashed).</summary>
    public const string RowPrefix = "T|";

    private const string ThreadColumn = "Thread";
    private const string ExpiresAt = "ExpiresAt";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly TableClient _table;
    private readonly TableClient _retired;
    private readonly StorageInitializer _storage;
    private readonly TimeProvider _time;
    private readonly PhoneKeys _keys;

    public TableConversationStore(TableServiceClient tables, StorageInitializer storage, TimeProvider time, PhoneKeys keys)
    {
        ArgumentNullException.ThrowIfNull(tables);
        _table = tables.GetTableClient(StorageNames.InboundMessagesTable);
        _retired = tables.GetTableClient(StorageNames.ConversationsTable);
        _storage = storage;
        _time = time;
        _keys = keys;
    }

    /// <summary>The partition threads share with the claims of officers' texts.</summary>
    public static string Partition { get; } = TableKeys.Safe(OfficerConversation.Source);

    /// <summary>The thread's row, for a write of its own or inside the claim's transaction.</summary>
    public static TableEntity Row(PhoneKeys keys, string officerPhoneE164, OfficerThread thread)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(thread);
        EnsureE164(officerPhoneE164);
        return new TableEntity(Partition, RowKey(keys, officerPhoneE164))
        {
            [ThreadColumn] = JsonSerializer.Serialize(thread, Json),
            [ExpiresAt] = thread.ExpiresAt,
        };
    }

    public async Task<OfficerThread?> FindAsync(string officerPhoneE164, CancellationToken cancellationToken)
    {
        if (!UkPhoneNumber.IsE164(officerPhoneE164))
        {
            return null;
        }

        await _storage.EnsureAsync(cancellationToken);
        var found = await _table.GetEntityIfExistsAsync<TableEntity>(Partition, RowKey(_keys, officerPhoneE164), cancellationToken: cancellationToken);
        if (!found.HasValue || found.Value?.GetString(ThreadColumn) is not { } json)
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
        var row = Row(_keys, officerPhoneE164, thread);
        await _storage.EnsureAsync(cancellationToken);
        await _table.UpsertEntityAsync(row, TableUpdateMode.Replace, cancellationToken);
    }

    public async Task DeleteAsync(string officerPhoneE164, CancellationToken cancellationToken)
    {
        EnsureE164(officerPhoneE164);
        await _storage.EnsureAsync(cancellationToken);
        try
        {
            await _table.DeleteEntityAsync(Partition, RowKey(_keys, officerPhoneE164), ETag.All, cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            // Nothing remembered.
        }
    }

    public async Task<int> PurgeExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        await _storage.EnsureAsync(cancellationToken);
        var purged = await _table.DeleteMatchingAsync(
            TableClient.CreateQueryFilter($"PartitionKey eq {Partition} and RowKey ge {RowPrefix} and RowKey lt {PrefixEnd} and ExpiresAt lt {now}"),
            cancellationToken);

        // Whatever the retired table still holds expired long ago.
        return purged + await _retired.DeleteMatchingAsync(TableClient.CreateQueryFilter($"ExpiresAt lt {now}"), cancellationToken);
    }

    private static string PrefixEnd => RowPrefix[..^1] + (char)(RowPrefix[^1] + 1);

    private static string RowKey(PhoneKeys keys, string officerPhoneE164) => RowPrefix + keys.For(officerPhoneE164);

    private static void EnsureE164(string phoneE164)
    {
        if (!UkPhoneNumber.IsE164(phoneE164))
        {
            throw new ArgumentException("The number must be in E.164 form.", nameof(phoneE164));
        }
    }
}
