using NightSafe.Core.Ports;

namespace NightSafe.Integrations.Tests.Storage;

/// <summary>The SmsDeletions table: provider records of erased referrals still to delete, kept with their failures.</summary>
[Collection(AzuriteGroup.Name)]
public sealed class SmsDeletionsTests(AzuriteFixture azurite) : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 19, 9, 30, 0, TimeSpan.Zero);

    private readonly StorageTestBed _bed = new(azurite);

    private ISmsRecordDeletions Deletions => _bed.Get<ISmsRecordDeletions>();

    [Fact]
    public async Task A_listed_deletion_keeps_its_recorded_failures_when_listed_again_and_leaves_once_complete()
    {
        var sid = "SM" + Guid.NewGuid().ToString("N");
        var deletion = new PendingSmsRecordDeletion(sid, "2026-12-18/7KQ2MX", T0);

        await Deletions.AddAsync([deletion], CancellationToken.None);
        await Deletions.RecordFailureAsync(deletion with { Attempts = 1, LastError = "http-409/20009", LastAttemptAt = T0 }, CancellationToken.None);
        await Deletions.AddAsync([deletion with { QueuedAt = T0.AddDays(1) }], CancellationToken.None);
        var pending = Assert.Single(await Deletions.PendingAsync(CancellationToken.None), p => p.MessageSid == sid);
        await Deletions.CompleteAsync(pending, CancellationToken.None);
        await Deletions.CompleteAsync(pending, CancellationToken.None);

        Assert.Equal((1, "http-409/20009", "2026-12-18/7KQ2MX"), (pending.Attempts, pending.LastError, pending.Referral));
        Assert.DoesNotContain(await Deletions.PendingAsync(CancellationToken.None), p => p.MessageSid == sid);
    }

    [Fact]
    public async Task An_inbound_texts_reply_search_is_kept_through_a_failure_and_a_later_listing_without_it()
    {
        var sid = "SM" + Guid.NewGuid().ToString("N");
        var inbound = new PendingSmsRecordDeletion(sid, "2026-12-18/7KQ2MX", T0, FindReplies: true);
        var reply = new PendingSmsRecordDeletion("SM" + Guid.NewGuid().ToString("N"), "2026-12-18/7KQ2MX", T0);

        await Deletions.AddAsync([inbound, reply], CancellationToken.None);
        await Deletions.RecordFailureAsync(inbound with { Attempts = 1, LastError = "unreachable", LastAttemptAt = T0 }, CancellationToken.None);
        await Deletions.AddAsync([inbound with { FindReplies = false }], CancellationToken.None);
        var pending = await Deletions.PendingAsync(CancellationToken.None);

        Assert.Equal((true, 1, "unreachable"), pending.Where(p => p.MessageSid == sid).Select(p => (p.FindReplies, p.Attempts, p.LastError)).Single());
        Assert.False(Assert.Single(pending, p => p.MessageSid == reply.MessageSid).FindReplies);
    }

    [Fact]
    public async Task The_message_ids_of_a_referrals_sms_are_found_by_its_key_and_no_other_referrals()
    {
        var markers = _bed.Get<ISmsMarkers>();
        var night = StorageTestBed.UniqueNight();
        var mine = $"{night}/7KQ2MX";
        var sent = new[] { ($"advice/{mine}", "+447700900123", "SM" + Guid.NewGuid().ToString("N")), ($"case-alert/{mine}/first-aid-essex/first", "+447700900131", "SM" + Guid.NewGuid().ToString("N")) };
        foreach (var (key, to, sid) in sent.Concat([($"advice/{night}/9ABCDE", "+447700900123", "SM" + Guid.NewGuid().ToString("N")), ($"summary/{night}", "+447700900140", "SM" + Guid.NewGuid().ToString("N"))]))
        {
            var mark = (await markers.BeginAsync(key, to, T0, CancellationToken.None)).Mark;
            await markers.RecordAsync(mark, to, SmsMarkState.Sent, sid, null, null, CancellationToken.None);
        }

        await markers.BeginAsync($"case-alert/{mine}/street-pastors-chelmsford/first", "+447700900132", T0, CancellationToken.None);

        var ids = await markers.MessageIdsOfAsync(mine, CancellationToken.None);

        Assert.Equal(sent.Select(s => s.Item3).Order(StringComparer.Ordinal), ids.Order(StringComparer.Ordinal));
    }

    public void Dispose() => _bed.Dispose();
}
