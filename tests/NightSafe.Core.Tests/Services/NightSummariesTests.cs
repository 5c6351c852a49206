using NightSafe.Core.Advice;
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
        var agencies = hub.Store.AllCases.Select(c => c.AgencyId.Value).Distinct().ToList();
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
    [InlineData("2026-12-19T08:00:00Z", "2026-12-18")] // GMT: 08:00 UTC is 08:00 local, the night's end
    [InlineData("2026-12-19T07:45:00Z", null)]         // GMT: 07:45 local, the night is not over
    [InlineData("2026-12-19T06:00:00Z", null)]         // 06:00 local: two hours of the night still to come
    [InlineData("2026-12-19T09:45:00Z", "2026-12-18")] // a late firing inside the window (absorbed by idempotency)
    [InlineData("2026-12-19T10:00:00Z", null)]         // past the window: the day's night is not summarised
    [InlineData("2026-07-04T07:00:00Z", "2026-07-03")] // BST: 07:00 UTC is 08:00 local
    [InlineData("2026-07-04T06:45:00Z", null)]         // BST: 07:45 local
    [InlineData("2026-03-29T07:00:00Z", "2026-03-28")] // the spring-forward morning: 08:00 BST
    [InlineData("2026-10-25T08:00:00Z", "2026-10-24")] // the fall-back morning: 08:00 GMT
    [InlineData("2026-10-25T07:00:00Z", null)]         // ... and 07:00 UTC is 07:00 GMT there
    public void The_summary_is_due_at_the_nights_end_in_london_whatever_the_utc_hour(string utc, string? night)
    {
        var now = DateTimeOffset.Parse(utc, System.Globalization.CultureInfo.InvariantCulture);

        var due = SummarySchedule.Due(now, Hub.World);

        Assert.Equal(night, due?.ToString());
        // The timer fires on every quarter hour (UTC), so the night's end in either offset is one of its firings.
        Assert.Equal("0 */15 * * * *", SummarySchedule.Cron);
    }

    [Fact]
    public async Task A_referral_at_half_past_seven_is_counted_by_the_summary_the_timer_runs()
    {
        // Saturday 19 December 2026, 05:30 GMT: the small hours of Friday's night.
        var hub = new Hub(new DateTimeOffset(2026, 12, 19, 5, 30, 0, TimeSpan.Zero));
        var early = await hub.ReferAndRouteAsync();
        hub.Time.SetUtcNow(new DateTimeOffset(2026, 12, 19, 7, 30, 0, TimeSpan.Zero));
        var late = await hub.ReferAndRouteAsync("Harlow drunk and alone at the bus station");
        Assert.Equal(early.Night, late.Night);

        // 06:00, when the summary used to run, came before the last referral: the night had two hours to go.
        Assert.Null(SummarySchedule.Due(new DateTimeOffset(2026, 12, 19, 6, 0, 0, TimeSpan.Zero), Hub.World));

        // The timer fires every quarter hour into the morning; the summary runs when it is due.
        NightSummary? stored = null;
        for (var firing = new DateTimeOffset(2026, 12, 19, 7, 45, 0, TimeSpan.Zero); firing <= new DateTimeOffset(2026, 12, 19, 10, 0, 0, TimeSpan.Zero); firing += TimeSpan.FromMinutes(15))
        {
            hub.Time.SetUtcNow(firing);
            if (SummarySchedule.Due(firing, Hub.World) is { } night)
            {
                await hub.Summaries.RunAsync(night, CancellationToken.None);
                stored ??= (await hub.SummaryStore.FindAsync(night, CancellationToken.None))?.Value;
            }
        }

        Assert.NotNull(stored);
        Assert.Equal(late.Night, stored.Night);
        Assert.Equal(2, stored.Referrals);
        Assert.Equal(1, stored.ByTown["harlow"]);
    }

    [Fact]
    public async Task Advice_failures_reported_after_a_summary_go_into_the_next_nights_summary_as_late_figures()
    {
        var hub = new Hub();
        var referral = await hub.ReferAndRouteAsync();
        var sid = hub.Store.Referrals.Single().AdviceMessageId!;
        hub.Time.SetUtcNow(new DateTimeOffset(2026, 12, 19, 8, 0, 0, TimeSpan.Zero));
        Assert.Equal(SummaryRun.Delivered, await hub.Summaries.RunAsync(referral.Night, CancellationToken.None));
        Assert.Equal(0, (await hub.SummaryStore.FindAsync(referral.Night, CancellationToken.None))!.Value.AdviceFailed);

        // Twilio reports the advice undelivered after the summary went out.
        hub.Time.SetUtcNow(new DateTimeOffset(2026, 12, 19, 8, 40, 0, TimeSpan.Zero));
        Assert.True(await hub.Reports.RecordAsync(referral.Night, referral.Reference, new DeliveryReport(sid, "undelivered", "30003"), CancellationToken.None));

        // The next night: one referral of its own, and the late failure of the night before.
        hub.Time.SetUtcNow(new DateTimeOffset(2026, 12, 19, 22, 0, 0, TimeSpan.Zero));
        var next = await hub.ReferAndRouteAsync("Southend fight on the seafront");
        hub.Time.SetUtcNow(new DateTimeOffset(2026, 12, 20, 8, 0, 0, TimeSpan.Zero));
        Assert.Equal(SummaryRun.Delivered, await hub.Summaries.RunAsync(next.Night, CancellationToken.None));

        var stored = (await hub.SummaryStore.FindAsync(next.Night, CancellationToken.None))!.Value;
        Assert.Equal(new LateFigures(referral.Night, 1), stored.Late);
        Assert.Equal(1, stored.Referrals);
        Assert.Contains($"Late for {referral.Night}: advice failed 1", stored.Text, StringComparison.Ordinal);
        // The earlier night's own stored summary is as it went out.
        Assert.Equal(0, (await hub.SummaryStore.FindAsync(referral.Night, CancellationToken.None))!.Value.AdviceFailed);
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
