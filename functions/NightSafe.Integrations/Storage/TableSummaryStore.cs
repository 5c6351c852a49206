using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using NightSafe.Core.Nights;
using NightSafe.Core.Ports;
using NightSafe.Core.Summaries;

namespace NightSafe.Integrations.Storage;

/// <summary>
/// The Summaries table: a night's partition holds a "county" row with the whole summary as JSON, and one row of
/// figures per town ("town|{id}"), category ("category|{id}") and agency ("agency|{id}") for reporting tools.
/// </summary>
public sealed class TableSummaryStore : ISummaryStore
{
    public const string CountyRow = "county";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly TableClient _table;
    private readonly StorageInitializer _storage;

    public TableSummaryStore(TableServiceClient tables, StorageInitializer storage)
    {
        ArgumentNullException.ThrowIfNull(tables);
        _table = tables.GetTableClient(StorageNames.SummariesTable);
        _storage = storage;
    }

    public async Task<Stored<NightSummary>?> FindAsync(NightId night, CancellationToken cancellationToken)
    {
        await _storage.EnsureAsync(cancellationToken);
        var found = await _table.GetEntityIfExistsAsync<TableEntity>(night.ToString(), CountyRow, cancellationToken: cancellationToken);
        return found.HasValue && found.Value is { } entity ? new Stored<NightSummary>(Read(entity), entity.ETag.ToString()) : null;
    }

    public async Task<bool> TryAddAsync(NightSummary summary, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(summary);
        var rows = Rows(summary).ToList();
        if (rows.Count > TableReferralStore.MaxTransactionSize)
        {
            throw new InvalidOperationException(
                $"The summary of {summary.Night} needs {rows.Count} rows; one transaction holds at most {TableReferralStore.MaxTransactionSize}.");
        }

        await _storage.EnsureAsync(cancellationToken);
        try
        {
            await _table.SubmitTransactionAsync(rows.Select(row => new TableTransactionAction(TableTransactionActionType.Add, row)), cancellationToken);
            return true;
        }
        catch (RequestFailedException e) when (TableErrors.IsConflict(e))
        {
            return false;
        }
    }

    public async Task MarkDeliveredAsync(NightId night, string version, DateTimeOffset deliveredAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(version);
        await _storage.EnsureAsync(cancellationToken);
        var found = await _table.GetEntityIfExistsAsync<TableEntity>(night.ToString(), CountyRow, cancellationToken: cancellationToken);
        if (!found.HasValue || found.Value is not { } entity)
        {
            throw new InvalidOperationException($"There is no summary of {night} to mark as delivered.");
        }

        var delivered = Read(entity) with { DeliveredAt = deliveredAt };
        try
        {
            await _table.UpdateEntityAsync(CountyEntity(delivered), new ETag(version), TableUpdateMode.Replace, cancellationToken);
        }
        catch (RequestFailedException e) when (TableErrors.IsLostRace(e))
        {
            throw new ConcurrencyConflictException($"The summary of {night} changed since it was read.", e);
        }
    }

    private static NightSummary Read(TableEntity entity) =>
        JsonSerializer.Deserialize<NightSummary>(entity.GetString("Summary") ?? "null", Json)
        ?? throw new FormatException($"The summary row of {entity.PartitionKey} is empty.");

    private static TableEntity CountyEntity(NightSummary summary) => new(summary.Night.ToString(), CountyRow)
    {
        ["Summary"] = JsonSerializer.Serialize(summary, Json),
        ["GeneratedAt"] = summary.GeneratedAt,
        ["DeliveredAt"] = summary.DeliveredAt,
        ["Referrals"] = summary.Referrals,
        ["OpenReferrals"] = summary.OpenReferrals,
        ["RoutedToFallback"] = summary.RoutedToFallback,
        ["Unrouted"] = summary.Unrouted,
        ["AdviceSent"] = summary.AdviceSent,
        ["AdviceFailed"] = summary.AdviceFailed,
        ["MedianMinutesToAccept"] = summary.MedianMinutesToAccept,
    };

    private static IEnumerable<TableEntity> Rows(NightSummary summary)
    {
        var night = summary.Night.ToString();
        yield return CountyEntity(summary);
        foreach (var (town, count) in summary.ByTown)
        {
            yield return new TableEntity(night, "town|" + TableKeys.Safe(town)) { ["Town"] = town, ["Referrals"] = count };
        }

        foreach (var (category, count) in summary.ByCategory)
        {
            yield return new TableEntity(night, "category|" + TableKeys.Safe(category)) { ["Category"] = category, ["Referrals"] = count };
        }

        foreach (var agency in summary.Agencies)
        {
            yield return new TableEntity(night, "agency|" + TableKeys.Safe(agency.AgencyId))
            {
                ["Agency"] = agency.AgencyId,
                ["Cases"] = agency.Cases,
                ["Accepted"] = agency.Accepted,
                ["Attended"] = agency.Attended,
                ["Declined"] = agency.Declined,
                ["Closed"] = agency.Closed,
                ["Unanswered"] = agency.Unanswered,
                ["MedianMinutesToAccept"] = agency.MedianMinutesToAccept,
            };
        }
    }
}
