using NightSafe.Core.Sms;
using NightSafe.Core.Summaries;

namespace NightSafe.Core.Tests.Services;

/// <summary>NightSummaries and SummarySchedule: the end-of-night summary.</summary>
public sealed class NightSummariesTests
{
    [Fact]
    public async Task The_summary_runs_once_a_night_texts_every_inspector_and_publishes_per_agency()
    {
        var hub = new Hub();
        var referral = await hub.ReferAndRouteAsync();
        await hub.ReferAndRouteAsync("Southend fight on the seafront");
        var agencies = hub.Store.AllCases.Select(c => c.AgencyId).Distinct().ToList();
        var smsBefore = hub.Sms.Sent.Count;

        Assert.Equal(SummaryRun.Delivered, await hub.Summaries.RunAsync(referral.Night, CancellationToken.None));
        Assert.Equal(SummaryRun.AlreadyDelivered, await hub.Summaries.RunAsync(referral.Night, CancellationToken.None));
        await hub.SendQueuedSmsAsync();

        var texts = hub.Sms.Sent.Skip(smsBefore).ToList();
        Assert.Equal(Hub.World.DutyInspectors.Select(i => i.Phone).Order(), texts.Select(t => t.To).Order());
        Assert.All(texts, t => Assert.True(SmsText.IsGsm7(t.Body) && SmsText.Segments(t.Body) <= 3, t.Body));
        Assert.Contains("2 referrals", texts[0].Body, StringComparison.Ordinal);
        Assert.Equal(agencies.Order(), hub.Publisher.Summaries.Select(s => s.AgencyId).Order());
        var stored = await hub.SummaryStore.FindAsync(referral.Night, CancellationToken.None);
        Assert.NotNull(stored!.Value.DeliveredAt);
        Assert.Equal(2, stored.Value.Referrals);
        Assert.Equal(1, stored.Value.ByTown["chelmsford"]);
    }

    [Theory]
    [InlineData("2026-12-19T06:00:00Z", "2026-12-18")] // GMT: 06:00 UTC is 06:00 local
    [InlineData("2026-12-19T05:00:00Z", null)]         // GMT: 05:00 local, not yet
    [InlineData("2026-07-04T05:00:00Z", "2026-07-03")] // BST: 05:00 UTC is 06:00 local
    [InlineData("2026-07-04T06:00:00Z", "2026-07-03")] // BST: 07:00 local, the second firing (absorbed by idempotency)
    [InlineData("2026-03-29T05:00:00Z", "2026-03-28")] // the spring-forward morning: 06:00 BST
    [InlineData("2026-10-25T06:00:00Z", "2026-10-24")] // the fall-back morning: 06:00 GMT
    [InlineData("2026-10-25T05:00:00Z", null)]         // ... and 05:00 UTC is 05:00 GMT there
    public void The_summary_is_due_at_six_in_london_whatever_the_utc_hour(string utc, string? night)
    {
        var due = SummarySchedule.Due(DateTimeOffset.Parse(utc, System.Globalization.CultureInfo.InvariantCulture), Hub.World);

        Assert.Equal(night, due?.ToString());
    }

    [Theory]
    [InlineData("9999-12-31")]
    [InlineData("0001-01-01")]
    [InlineData("2026-12-19")] // tomorrow night
    [InlineData("2026-11-16")] // 32 days back: past the 31-day retention window
    public async Task A_night_after_tonight_or_before_the_retention_window_is_not_summarised_and_texts_nobody(string night)
    {
        var hub = new Hub();
        await hub.ReferAndRouteAsync();
        var before = hub.SmsQueue.Enqueued;

        Assert.Equal(SummaryRun.NightOutOfRange, await hub.Summaries.RunAsync(Nights.NightId.Parse(night), CancellationToken.None));

        Assert.Equal(before, hub.SmsQueue.Enqueued);
        Assert.Null(await hub.SummaryStore.FindAsync(Nights.NightId.Parse(night), CancellationToken.None));
    }

    [Theory]
    [InlineData("2026-12-18")]
    [InlineData("2026-11-17")]
    public async Task Tonight_and_nights_inside_the_retention_window_are_summarised(string night)
    {
        var hub = new Hub();

        Assert.Equal(SummaryRun.Delivered, await hub.Summaries.RunAsync(Nights.NightId.Parse(night), CancellationToken.None));
    }
}
