using System.Collections.Concurrent;
using Azure;
using Azure.Data.Tables;

namespace NightSafe.Integrations.Storage;

/// <summary>
/// The migration from plain SHA-256 phone keys ("phone-…") to keyed-hash ones ("phk-…", <see cref="PhoneKeys"/>):
/// rows are moved when they are next used. A plain hash cannot be turned into the new key without the number, and
/// most of these tables (the roster, opt-outs, conversations, SMS markers) deliberately do not hold the number, so no
/// one-off job could rewrite them; the number is known exactly when a row is looked up by it. A lookup that misses
/// under the new key therefore reads the old key and, when found, moves the row in one transaction (added under the
/// new key, the old one deleted with its ETag), so every later lookup is one read as before.
/// <para>
/// The fallback read is paid only while a table may still hold old keys: whether it does is asked once (a query for
/// any row key starting "phone-") and remembered. "None" is final, since nothing writes old keys any more; "some" is
/// asked again after <see cref="Recheck"/>, so the fallback stops once the old rows have moved or expired. A fresh
/// deployment never pays it. Old rows nobody looks up again (an officer who never texts) stay until the control room
/// stands them down (they stay listed, masked) or they expire (conversations, markers); docs/phone-keys.md says how to see what is left.
/// </para>
/// </summary>
public sealed class LegacyPhoneRows(TimeProvider time)
{
    /// <summary>How long "old keys remain" is trusted before the table is asked again.</summary>
    public static readonly TimeSpan Recheck = TimeSpan.FromMinutes(10);

    private readonly ConcurrentDictionary<string, (Task<bool> Check, DateTimeOffset At)> _checks = new(StringComparer.Ordinal);

    /// <summary>Whether <paramref name="table"/> (its <paramref name="partition"/>, or all of it when null) may hold old keys.</summary>
    public async Task<bool> MayExistAsync(TableClient table, string? partition, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(table);
        var name = table.Name + "/" + partition;
        var now = time.GetUtcNow();
        var entry = _checks.AddOrUpdate(
            name,
            _ => (AnyAsync(table, partition), now),
            (_, old) => old.Check.IsFaulted || old.Check.IsCanceled || (old.Check is { IsCompletedSuccessfully: true, Result: true } && now - old.At >= Recheck)
                ? (AnyAsync(table, partition), now)
                : old);
        return await entry.Check.WaitAsync(cancellationToken);
    }

    /// <summary>
    /// The row under <paramref name="rowKey"/>; when there is none and the partition may hold old keys, the row under
    /// <paramref name="legacyRowKey"/>, moved to <paramref name="rowKey"/> first. Null when neither exists.
    /// </summary>
    public async Task<TableEntity?> FindAsync(TableClient table, string partition, string rowKey, string legacyRowKey, bool tableWide, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(table);
        var found = await table.GetEntityIfExistsAsync<TableEntity>(partition, rowKey, cancellationToken: cancellationToken);
        if (found.HasValue && found.Value is { } current)
        {
            return current;
        }

        if (!await MayExistAsync(table, tableWide ? null : partition, cancellationToken) || !await MoveAsync(table, partition, legacyRowKey, rowKey, cancellationToken))
        {
            return null;
        }

        var moved = await table.GetEntityIfExistsAsync<TableEntity>(partition, rowKey, cancellationToken: cancellationToken);
        return moved.HasValue ? moved.Value : null;
    }

    /// <summary>
    /// Moves the row under <paramref name="legacyRowKey"/>, when there is one, to <paramref name="rowKey"/>; true when a
    /// row is now under the new key because of it. When a row already exists under the new key it wins and the old
    /// one is deleted.
    /// </summary>
    public static async Task<bool> MoveAsync(TableClient table, string partition, string legacyRowKey, string rowKey, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(table);
        var legacy = await table.GetEntityIfExistsAsync<TableEntity>(partition, legacyRowKey, cancellationToken: cancellationToken);
        if (!legacy.HasValue || legacy.Value is not { } old)
        {
            return false;
        }

        var copy = CopyOf(old, partition, rowKey);

        try
        {
            await table.SubmitTransactionAsync(
                [new TableTransactionAction(TableTransactionActionType.Add, copy), new TableTransactionAction(TableTransactionActionType.Delete, old, old.ETag)],
                cancellationToken);
            return true;
        }
        catch (TableTransactionFailedException e) when (e.Status is 404 or 409 or 412)
        {
            // Another instance moved it first (the delete lost), or the new key was written meanwhile (the add lost):
            // either way the new key is the truth; an old row still there is a stale copy.
            await DeleteAsync(table, partition, legacyRowKey, cancellationToken);
            return (await table.GetEntityIfExistsAsync<TableEntity>(partition, rowKey, select: ["RowKey"], cancellationToken: cancellationToken)).HasValue;
        }
    }

    /// <summary>A row's properties under new keys (the service's own, the timestamp and the ETag, left out): a moved row.</summary>
    public static TableEntity CopyOf(TableEntity row, string partition, string rowKey)
    {
        ArgumentNullException.ThrowIfNull(row);
        var copy = new TableEntity(partition, rowKey);
        foreach (var (key, value) in row)
        {
            if (key is not ("PartitionKey" or "RowKey" or "Timestamp" or "odata.etag"))
            {
                copy[key] = value;
            }
        }

        return copy;
    }

    /// <summary>Deletes the row under the old key when the partition may hold old keys (a write or delete under the new key).</summary>
    public async Task ForgetAsync(TableClient table, string partition, string legacyRowKey, CancellationToken cancellationToken)
    {
        if (await MayExistAsync(table, partition, cancellationToken))
        {
            await DeleteAsync(table, partition, legacyRowKey, cancellationToken);
        }
    }

    private static async Task DeleteAsync(TableClient table, string partition, string rowKey, CancellationToken cancellationToken)
    {
        try
        {
            await table.DeleteEntityAsync(partition, rowKey, ETag.All, cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            // Already gone.
        }
    }

    // Not tied to one caller's token: the answer is shared by everyone asking.
    private static async Task<bool> AnyAsync(TableClient table, string? partition)
    {
        var prefix = PhoneKeys.LegacyPrefix;
        var end = TableKeys.AfterPrefix(prefix);
        var filter = partition is null
            ? TableClient.CreateQueryFilter($"RowKey ge {prefix} and RowKey lt {end}")
            : TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey ge {prefix} and RowKey lt {end}");
        try
        {
            // A scan may answer pages with no rows and a continuation: follow them until a row or the end.
            await foreach (var page in table.QueryAsync<TableEntity>(filter, maxPerPage: 1, select: ["RowKey"]).AsPages())
            {
                if (page.Values.Count > 0)
                {
                    return true;
                }
            }

            return false;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            // No table yet: nothing old in it.
            return false;
        }
    }
}
