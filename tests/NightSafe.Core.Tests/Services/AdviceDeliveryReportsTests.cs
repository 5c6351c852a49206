using NightSafe.Core.Advice;
using NightSafe.Core.Referrals;
using NightSafe.Core.Summaries;

namespace NightSafe.Core.Tests.Services;

/// <summary>AdviceDeliveryReports: delivery reports of advice SMS.</summary>
public sealed class AdviceDeliveryReportsTests
{
    [Fact]
    public async Task A_delivery_report_updates_the_advice_and_a_failure_counts_in_the_summary()
    {
        var hub = new Hub();
        var referral = await hub.ReferAndRouteAsync();
        var sid = hub.Store.Referrals.Single().AdviceMessageId!;

        Assert.True(await hub.Reports.RecordAsync(referral.Night, referral.Reference, new DeliveryReport(sid, "undelivered", "30003"), CancellationToken.None));
        Assert.False(await hub.Reports.RecordAsync(referral.Night, referral.Reference, new DeliveryReport("SMother", "delivered", null), CancellationToken.None));

        var stored = hub.Store.Referrals.Single();
        Assert.Equal(AdviceState.Failed, stored.Advice);
        Assert.Equal("30003", stored.AdviceError);
        var summary = NightSummaryCalculator.Calculate(referral.Night, hub.Store.Referrals, hub.Store.AllCases, Hub.World, hub.Time.GetUtcNow());
        Assert.Equal(1, summary.AdviceFailed);
    }

    [Fact]
    public async Task A_replayed_or_late_delivery_report_is_recorded_once_and_never_moves_the_advice_backwards()
    {
        var hub = new Hub();
        var referral = await hub.ReferAndRouteAsync();
        var sid = hub.Store.Referrals.Single().AdviceMessageId!;
        var eventsBefore = hub.Store.Events(referral).Count(e => e.Kind == ReferralEventKinds.SmsStatus);

        foreach (var (status, error) in new[] { ("sent", (string?)null), ("delivered", null), ("delivered", null), ("failed", "30008"), ("sent", null), ("delivered", null) })
        {
            await hub.Reports.RecordAsync(referral.Night, referral.Reference, new DeliveryReport(sid, status, error), CancellationToken.None);
        }

        var stored = hub.Store.Referrals.Single();
        Assert.Equal(AdviceState.Delivered, stored.Advice);
        Assert.Null(stored.AdviceError);
        var statuses = hub.Store.Events(referral).Where(e => e.Kind == ReferralEventKinds.SmsStatus).Skip(eventsBefore).Select(e => e.Data[ReferralEventData.Status]).ToList();
        Assert.Equal(["delivered"], statuses);
    }

    [Fact]
    public async Task An_interim_delivery_report_is_acknowledged_without_a_read_or_a_write()
    {
        var hub = new Hub();
        var referral = await hub.ReferAndRouteAsync();
        var stored = hub.Store.Referrals.Single();
        var eventsBefore = hub.Store.Events(referral).Count;
        var (reads, writes) = (hub.Store.Finds, hub.Store.Saves);

        foreach (var status in new[] { "accepted", "queued", "sending", "sent", "Sent" })
        {
            Assert.False(await hub.Reports.RecordAsync(referral.Night, referral.Reference, new DeliveryReport(stored.AdviceMessageId!, status, null), CancellationToken.None));
        }

        Assert.Equal((reads, writes), (hub.Store.Finds, hub.Store.Saves));
        Assert.Equal(eventsBefore, hub.Store.Events(referral).Count);
        Assert.True(await hub.Reports.RecordAsync(referral.Night, referral.Reference, new DeliveryReport(stored.AdviceMessageId!, "delivered", null), CancellationToken.None));
        Assert.Equal(AdviceState.Delivered, hub.Store.Referrals.Single().Advice);
    }
}
