using Azure.Data.Tables;
using NightSafe.Core.Nights;
using NightSafe.Core.Ports;
using NightSafe.Core.References;
using NightSafe.Integrations.Storage;

namespace NightSafe.Integrations.Tests.Storage;

/// <summary>
/// Where the at-most-once marks live: a referral's in its night's partition of SmsMarks, others in OutboundSms; and a
/// referral's mark left in OutboundSms by the version before SmsMarks, whatever its state, is still the mark after the
/// upgrade (written here as that version wrote it) and moves.
/// </summary>
[Collection(AzuriteGroup.Name)]
public sealed class SmsMarksLayoutTests(AzuriteFixture azurite) : IDisposable
{
    private static int s_numbers;

    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromMinutes(1));

    private CancellationToken Ct => _timeout.Token;

    [Fact]
    public async Task A_referrals_marks_share_its_nights_partition_and_a_summarys_stays_in_OutboundSms()
    {
        using var bed = new StorageTestBed(azurite);
        var night = StorageTestBed.UniqueNight();
        var reference = ReferenceCode.New();
        var (subject, duty) = (NewNumber(), NewNumber());
        var markers = bed.Get<ISmsMarkers>();
        var keys = bed.Get<PhoneKeys>();

        Assert.True((await markers.BeginAsync($"advice/{night}/{reference}", subject, bed.Clock.GetUtcNow(), Ct)).Created);
        Assert.True((await markers.BeginAsync($"case-alert/{night}/{reference}/pastors/new", duty, bed.Clock.GetUtcNow(), Ct)).Created);
        Assert.True((await markers.BeginAsync($"summary/{night}", duty, bed.Clock.GetUtcNow(), Ct)).Created);

        var marks = await RowsAsync(bed.Table(StorageNames.SmsMarksTable), night.ToString());
        Assert.Equal(2, marks.Count);
        Assert.All(marks, m => Assert.Equal($"{night}/{reference}", m.GetString("Referral")));
        Assert.Contains(marks, m => m.RowKey.EndsWith("|" + keys.For(subject), StringComparison.Ordinal));
        Assert.True(await ExistsAsync(bed.Table(StorageNames.OutboundSmsTable), TableKeys.Safe($"summary/{night}"), keys.For(duty)));
        Assert.False(await ExistsAsync(bed.Table(StorageNames.OutboundSmsTable), TableKeys.Safe($"advice/{night}/{reference}"), keys.For(subject)));

        // Marked once: a second attempt finds the mark, and its outcome is where the next one looks.
        var again = await markers.BeginAsync($"advice/{night}/{reference}", subject, bed.Clock.GetUtcNow(), Ct);
        Assert.False(again.Created);
        var sent = await markers.RecordAsync(again.Mark, subject, SmsMarkState.Sent, "SM" + Guid.NewGuid().ToString("N"), null, null, Ct);
        Assert.Equal(SmsMarkState.Sent, (await markers.BeginAsync($"advice/{night}/{reference}", subject, bed.Clock.GetUtcNow(), Ct)).Mark.State);
        Assert.Equal([sent.MessageId!], await markers.MessageIdsOfAsync($"{night}/{reference}", Ct));
    }

    [Fact]
    public async Task A_referrals_mark_left_in_OutboundSms_by_the_version_before_is_still_the_mark_after_the_upgrade_and_moves()
    {
        var night = StorageTestBed.UniqueNight();
        var reference = ReferenceCode.New();
        var (subject, duty) = (NewNumber(), NewNumber());
        var advice = $"advice/{night}/{reference}";
        var alert = $"case-alert/{night}/{reference}/pastors/new";
        var messageId = "SM" + Guid.NewGuid().ToString("N");
        using (var before = new StorageTestBed(azurite))
        {
            var keys = before.Get<PhoneKeys>();
            var table = before.Table(StorageNames.OutboundSmsTable);
            await table.CreateIfNotExistsAsync(Ct);
            var at = before.Clock.GetUtcNow();
            await table.AddEntityAsync(PreviousVersionMark(advice, keys.For(subject), night, reference, "Sent", at, messageId), Ct);
            await table.AddEntityAsync(PreviousVersionMark(alert, keys.For(duty), night, reference, "Sending", at, messageId: null), Ct);
        }

        using var after = new StorageTestBed(azurite);
        var markers = after.Get<ISmsMarkers>();
        var newKeys = after.Get<PhoneKeys>();

        var sentBefore = await markers.BeginAsync(advice, subject, after.Clock.GetUtcNow(), Ct);
        Assert.False(sentBefore.Created, "An advice sent before the upgrade was marked again: it could be texted twice.");
        Assert.Equal((SmsMarkState.Sent, messageId), (sentBefore.Mark.State, sentBefore.Mark.MessageId));
        var sendingBefore = await markers.BeginAsync(alert, duty, after.Clock.GetUtcNow(), Ct);
        Assert.False(sendingBefore.Created, "An alert being sent as the upgrade came was marked again: it could be texted twice.");
        Assert.Equal(SmsMarkState.Sending, sendingBefore.Mark.State);

        // Moved: OutboundSms no longer has them, SmsMarks has them, and what is recorded next sticks.
        Assert.False(await ExistsAsync(after.Table(StorageNames.OutboundSmsTable), TableKeys.Safe(advice), newKeys.For(subject)));
        Assert.False(await ExistsAsync(after.Table(StorageNames.OutboundSmsTable), TableKeys.Safe(alert), newKeys.For(duty)));
        Assert.Equal(2, (await RowsAsync(after.Table(StorageNames.SmsMarksTable), night.ToString())).Count);
        await markers.RecordAsync(sendingBefore.Mark, duty, SmsMarkState.Failed, null, "30003", "unreachable", Ct);
        Assert.Equal(SmsMarkState.Failed, (await markers.BeginAsync(alert, duty, after.Clock.GetUtcNow(), Ct)).Mark.State);
        Assert.Equal([messageId], await markers.MessageIdsOfAsync($"{night}/{reference}", Ct));
    }

    [Fact]
    public async Task Retention_purges_marks_in_both_tables()
    {
        using var bed = new StorageTestBed(azurite);
        var night = StorageTestBed.UniqueNight();
        var (subject, inspector) = (NewNumber(), NewNumber());
        var markers = bed.Get<ISmsMarkers>();
        var advice = $"advice/{night}/{ReferenceCode.New()}";
        var summary = $"summary/{night}";
        await markers.BeginAsync(advice, subject, bed.Clock.GetUtcNow(), Ct);
        await markers.BeginAsync(summary, inspector, bed.Clock.GetUtcNow(), Ct);

        bed.Clock.Advance(TimeSpan.FromDays(40));
        Assert.True(await markers.PurgeAsync(bed.Clock.GetUtcNow().AddDays(-31), Ct) >= 2);

        Assert.True((await markers.BeginAsync(advice, subject, bed.Clock.GetUtcNow(), Ct)).Created);
        Assert.True((await markers.BeginAsync(summary, inspector, bed.Clock.GetUtcNow(), Ct)).Created);
    }

    /// <summary>A mark as the version before SmsMarks wrote it: PartitionKey the message key, RowKey the recipient's key.</summary>
    private static TableEntity PreviousVersionMark(string key, string phoneKey, NightId night, ReferenceCode reference, string state, DateTimeOffset at, string? messageId)
    {
        var entity = new TableEntity(TableKeys.Safe(key), phoneKey)
        {
            ["Key"] = key,
            ["State"] = state,
            ["FirstAttemptAt"] = at,
            ["AttemptedAt"] = at,
            ["CreatedAt"] = at,
            ["Referral"] = $"{night}/{reference}",
        };
        if (messageId is not null)
        {
            entity["MessageId"] = messageId;
        }

        return entity;
    }

    private async Task<List<TableEntity>> RowsAsync(TableClient table, string partition)
    {
        var rows = new List<TableEntity>();
        await foreach (var row in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {partition}"), cancellationToken: Ct))
        {
            rows.Add(row);
        }

        return rows;
    }

    private async Task<bool> ExistsAsync(TableClient table, string partition, string rowKey) =>
        (await table.GetEntityIfExistsAsync<TableEntity>(partition, rowKey, select: ["RowKey"], cancellationToken: Ct)).HasValue;

    /// <summary>A fresh number in Ofcom's drama range, apart from the other store tests' numbers.</summary>
    private static string NewNumber() => $"+4477009{60000 + Interlocked.Increment(ref s_numbers):D5}";

    public void Dispose() => _timeout.Dispose();
}
