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
}
