using Azure;
using Azure.Data.Tables;

namespace NightSafe.Integrations.Storage;

/// <summary>Deletes the rows a filter finds, each at the version read, so a row written again meanwhile stays.</summary>
internal static class TablePurges
{
    /// <summary>How many rows were deleted; a row gone already (404) or changed since the query (412) is left.</summary>
    public static async Task<int> DeleteMatchingAsync(this TableClient table, string filter, CancellationToken cancellationToken)
    {
        var purged = 0;
        await foreach (var entity in table.QueryAsync<TableEntity>(filter, select: ["PartitionKey", "RowKey"], cancellationToken: cancellationToken))
        {
            try
            {
                await table.DeleteEntityAsync(entity, entity.ETag, cancellationToken);
                purged++;
            }
            catch (RequestFailedException e) when (e.Status is 404 or 412)
            {
                // Gone already, or written again since it was read (claimed again, saved anew): leave it.
            }
        }

        return purged;
    }
}
