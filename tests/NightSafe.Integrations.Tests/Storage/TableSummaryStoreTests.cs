using Azure.Data.Tables;
using NightSafe.Core.Nights;
using NightSafe.Core.Ports;
using NightSafe.Core.Summaries;
using NightSafe.Integrations.Storage;

namespace NightSafe.Integrations.Tests.Storage;

[Collection(AzuriteGroup.Name)]
public sealed class TableSummaryStoreTests(AzuriteFixture azurite) : IDisposable
{
    private readonly StorageTestBed _bed = new(azurite);
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromMinutes(1));

    private CancellationToken Ct => _timeout.Token;

    private ISummaryStore Store => _bed.Get<ISummaryStore>();

    [Fact]
    public async Task A_night_summary_is_added_once_and_reads_back()
    {
        var summary = Summary(StorageTestBed.UniqueNight());

        Assert.True(await Store.TryAddAsync(summary, Ct));
        Assert.False(await Store.TryAddAsync(summary with { Referrals = 99, Text = "second run" }, Ct));

        var stored = (await Store.FindAsync(summary.Night, Ct))!.Value;
        Assert.Equal(12, stored.Referrals);
        Assert.Equal(summary.Text, stored.Text);
        Assert.Equal(summary.ByTown, stored.ByTown);
        Assert.Equal(summary.ByCategory, stored.ByCategory);
        Assert.Equal(summary.Agencies, stored.Agencies);
        Assert.Equal(summary.GeneratedAt, stored.GeneratedAt);
        Assert.Equal(summary.MedianMinutesToAccept, stored.MedianMinutesToAccept);
        Assert.Null(stored.DeliveredAt);
        Assert.Null(await Store.FindAsync(summary.Night.Next, Ct));
    }

    [Fact]
    public async Task Town_category_and_agency_rows_hold_their_figures()
    {
        var summary = Summary(StorageTestBed.UniqueNight());
        await Store.TryAddAsync(summary, Ct);
        var table = _bed.Table(StorageNames.SummariesTable);

        var rows = new Dictionary<string, TableEntity>(StringComparer.Ordinal);
        await foreach (var row in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {summary.Night.ToString()}"), cancellationToken: Ct))
        {
            rows[row.RowKey] = row;
        }

        Assert.Equal(["agency|da-survivors-essex", "agency|street-pastors-chelmsford", "category|alone", "category|spiking", "county", "town|chelmsford", "town|harlow"], rows.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(9, rows["town|chelmsford"].GetInt32("Referrals"));
        Assert.Equal(7, rows["category|spiking"].GetInt32("Referrals"));
        var pastors = rows["agency|street-pastors-chelmsford"];
        Assert.Equal(("street-pastors-chelmsford", 8, 6, 5, 1, 4, 1, 3.5), (pastors.GetString("Agency"), pastors.GetInt32("Cases"), pastors.GetInt32("Accepted"), pastors.GetInt32("Attended"), pastors.GetInt32("Declined"), pastors.GetInt32("Closed"), pastors.GetInt32("Unanswered"), pastors.GetDouble("MedianMinutesToAccept")));
        Assert.Null(rows["agency|da-survivors-essex"].GetDouble("MedianMinutesToAccept"));
        Assert.Equal(12, rows["county"].GetInt32("Referrals"));
    }

    [Fact]
    public async Task Delivery_is_recorded_on_the_version_read_and_a_stale_version_conflicts()
    {
        var summary = Summary(StorageTestBed.UniqueNight());
        await Store.TryAddAsync(summary, Ct);
        var read = (await Store.FindAsync(summary.Night, Ct))!;
        var deliveredAt = summary.GeneratedAt.AddMinutes(1);

        await Store.MarkDeliveredAsync(summary.Night, read.Version, deliveredAt, Ct);

        Assert.Equal(deliveredAt, (await Store.FindAsync(summary.Night, Ct))!.Value.DeliveredAt);
        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => Store.MarkDeliveredAsync(summary.Night, read.Version, deliveredAt.AddMinutes(5), Ct));
        Assert.Equal(deliveredAt, (await Store.FindAsync(summary.Night, Ct))!.Value.DeliveredAt);
    }

    private static NightSummary Summary(NightId night) => new()
    {
        Night = night,
        GeneratedAt = new DateTimeOffset(2026, 12, 19, 6, 0, 3, TimeSpan.Zero),
        Referrals = 12,
        ByTown = new Dictionary<string, int> { ["chelmsford"] = 9, ["harlow"] = 3 },
        ByCategory = new Dictionary<string, int> { ["spiking"] = 7, ["alone"] = 5 },
        Agencies =
        [
            new AgencyFigures("street-pastors-chelmsford", 8, 6, 5, 1, 4, 1, 3.5),
            new AgencyFigures("da-survivors-essex", 2, 0, 0, 0, 0, 2, null),
        ],
        OpenReferrals = 2,
        RoutedToFallback = 1,
        Unrouted = 0,
        AdviceSent = 6,
        AdviceFailed = 1,
        MedianMinutesToAccept = 3.5,
        Text = "NightSafe Essex 18 Dec: 12 referrals (Chelmsford 9, Harlow 3). 2 open. 1 advice SMS failed.",
    };

    public void Dispose()
    {
        _timeout.Dispose();
        _bed.Dispose();
    }
}
