using NightSafe.Core.World;
using NightSafe.Core.Intake;
using NightSafe.Core.Outcomes;
using NightSafe.Core.Ports;
using NightSafe.Core.Referrals;

namespace NightSafe.Core.Tests.Services;

/// <summary>RetentionPurge: erasure of old nights' personal data.</summary>
public sealed class RetentionPurgeTests
{
    [Fact]
    public async Task Retention_erases_personal_data_of_old_nights_only_and_logs_each_erasure()
    {
        var hub = new Hub();
        var old = await hub.ReferAndRouteAsync();
        await hub.Partners.ReportAsync(hub.Store.AllCases[0].AgencyId, old.Night, old.Reference, PartnerOutcome.Accepted, "spoke to her at the bar", CancellationToken.None);
        hub.Time.Advance(TimeSpan.FromDays(31));
        var recent = await hub.ReferAndRouteAsync("Chelmsford alone by the river, 07700 900999, consent y");

        Assert.Equal(0, await hub.Retention.RunAsync(CancellationToken.None));
        hub.Time.Advance(TimeSpan.FromDays(1));
        Assert.Equal(1, await hub.Retention.RunAsync(CancellationToken.None));

        var erased = hub.Store.Referrals.Single(r => r.Reference == old.Reference);
        Assert.Null(erased.Location);
        Assert.Null(erased.SubjectPhone);
        Assert.NotNull(erased.ErasedAt);
        Assert.Equal(old.Categories, erased.Categories);
        Assert.All(hub.Store.AllCases.Where(c => c.Reference == old.Reference), c => Assert.Equal("{}", c.View));
        Assert.DoesNotContain(hub.Store.Events(erased), e => e.Data.ContainsKey(ReferralEventData.Note));
        Assert.Contains(hub.Store.Events(erased), e => e.Kind == ReferralEventKinds.Erased && !e.Data.Values.Any(v => v.Contains("07700", StringComparison.Ordinal)));
        Assert.Equal("+447700900999", hub.Store.Referrals.Single(r => r.Reference == recent.Reference).SubjectPhone);
    }

    [Fact]
    public async Task Retention_deletes_the_sms_marks_of_old_nights_after_their_referrals_are_erased()
    {
        var hub = new Hub();
        var old = await hub.ReferAndRouteAsync();
        var oldMarks = hub.Markers.Marks.Where(m => Core.Sms.SmsKeys.ReferralOf(m.Key) == old.Key).ToList();
        Assert.NotEmpty(oldMarks);
        hub.Time.Advance(TimeSpan.FromDays(31));
        var recent = await hub.ReferAndRouteAsync("Chelmsford alone by the river, 07700 900999, consent y");
        hub.Time.Advance(TimeSpan.FromDays(1));

        Assert.Equal(1, await hub.Retention.RunAsync(CancellationToken.None));

        // The marks hold the recipients' keyed hashes and the provider's message ids: kept no longer than the referral.
        Assert.DoesNotContain(hub.Markers.Marks, m => Core.Sms.SmsKeys.ReferralOf(m.Key) == old.Key);
        Assert.Contains(hub.Markers.Marks, m => Core.Sms.SmsKeys.ReferralOf(m.Key) == recent.Key);
    }

    [Fact]
    public async Task An_unanswered_question_is_forgotten_once_expired_and_a_live_conversation_is_kept()
    {
        var hub = new Hub();
        await hub.Roster.UpsertAsync(new Officer("+447700900002", "PC Rowe", "PC 4108", new TownId("chelmsford")), CancellationToken.None);
        await hub.TextAsync("Chelmsford outside Yates by the taxi rank", "+447700900002");
        Assert.NotNull(hub.Conversations.Threads["+447700900002"].Pending);
        hub.Time.Advance(OfficerThread.Lifetime - TimeSpan.FromMinutes(1));
        await hub.TextAsync("Colchester male alone by the castle");

        Assert.Equal(0, await hub.Retention.ForgetExpiredConversationsAsync(CancellationToken.None));
        hub.Time.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(1, await hub.Retention.ForgetExpiredConversationsAsync(CancellationToken.None));

        Assert.False(hub.Conversations.Threads.ContainsKey("+447700900002"));
        Assert.True(hub.Conversations.Threads.ContainsKey(Hub.OfficerPhone));
    }
}
