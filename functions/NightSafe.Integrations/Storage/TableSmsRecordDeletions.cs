using Azure;
using Azure.Data.Tables;
using NightSafe.Core.Ports;

namespace NightSafe.Integrations.Storage;

/// <summary>
/// The SmsDeletions table: one row per provider message still to delete, PartitionKey <c>twilio</c>, RowKey the
/// message SID (ids only: the referral's key, when listed, the last failure, and for an inbound text whether its TwiML
/// replies are still to find; never a number or a body). Small: rows leave once deleted.
/// </summary>
public sealed class TableSmsRecordDeletions : ISmsRecordDeletions
{
    private const string Partition = "twilio";
    private const string Referral = "Referral";
    private const string QueuedAt = "QueuedAt";
    private const string Attempts = "Attempts";
    private const string LastError = "LastError";
    private const string LastAttemptAt = "LastAttemptAt";
    private const string FindReplies = "FindReplies";

    private readonly TableClient _table;
    private readonly StorageInitializer _storage;

    public TableSmsRecordDeletions(TableServiceClient tables, StorageInitializer storage)
    {
        ArgumentNullException.ThrowIfNull(tables);
        _table = tables.GetTableClient(StorageNames.SmsDeletionsTable);
        _storage = storage;
    }

    public async Task AddAsync(IReadOnlyList<PendingSmsRecordDeletion> deletions, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(deletions);
        var rows = deletions.Where(d => TableKeys.IsAllowed(d.MessageSid)).DistinctBy(d => d.MessageSid, StringComparer.Ordinal).ToList();
        if (rows.Count == 0)
        {
            return;
        }

        await _storage.EnsureAsync(cancellationToken);
        foreach (var chunk in rows.Chunk(TableReferralStore.MaxTransactionSize))
        {
            // Merge keeps an earlier listing's attempts and error when the same message is listed again.
            await _table.SubmitTransactionAsync(
                chunk.Select(d => new TableTransactionAction(TableTransactionActionType.UpsertMerge, Row(d))),
                cancellationToken);
        }
    }

    public async Task<IReadOnlyList<PendingSmsRecordDeletion>> PendingAsync(CancellationToken cancellationToken)
    {
        await _storage.EnsureAsync(cancellationToken);
        var pending = new List<PendingSmsRecordDeletion>();
        await foreach (var row in _table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {Partition}"), cancellationToken: cancellationToken))
        {
            pending.Add(new PendingSmsRecordDeletion(
                row.RowKey,
                row.GetString(Referral) ?? string.Empty,
                row.GetDateTimeOffset(QueuedAt) ?? DateTimeOffset.MinValue,
                row.GetInt32(Attempts) ?? 0,
                row.GetString(LastError),
                row.GetDateTimeOffset(LastAttemptAt),
                row.GetBoolean(FindReplies) ?? false));
        }

        return pending;
    }

    /// <summary>A new listing's row; an inbound text's says its replies are still to find (merged, so a later listing never clears it).</summary>
    private static TableEntity Row(PendingSmsRecordDeletion deletion)
    {
        var row = new TableEntity(Partition, deletion.MessageSid) { [Referral] = deletion.Referral, [QueuedAt] = deletion.QueuedAt };
        if (deletion.FindReplies)
        {
            row[FindReplies] = true;
        }

        return row;
    }

    public async Task CompleteAsync(PendingSmsRecordDeletion deletion, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(deletion);
        await _storage.EnsureAsync(cancellationToken);
        try
        {
            await _table.DeleteEntityAsync(Partition, deletion.MessageSid, ETag.All, cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            // Taken off by another run.
        }
    }

    public async Task RecordFailureAsync(PendingSmsRecordDeletion deletion, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(deletion);
        await _storage.EnsureAsync(cancellationToken);
        await _table.UpsertEntityAsync(
            new TableEntity(Partition, deletion.MessageSid)
            {
                [Referral] = deletion.Referral,
                [QueuedAt] = deletion.QueuedAt,
                [Attempts] = deletion.Attempts,
                [LastError] = deletion.LastError,
                [LastAttemptAt] = deletion.LastAttemptAt,
            },
            TableUpdateMode.Merge,
            cancellationToken);
    }
}
