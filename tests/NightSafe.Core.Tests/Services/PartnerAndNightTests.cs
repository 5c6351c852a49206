using NightSafe.Core.Advice;
using NightSafe.Core.Outcomes;
using NightSafe.Core.Referrals;
using NightSafe.Core.Sms;
using NightSafe.Core.Summaries;

namespace NightSafe.Core.Tests.Services;

public sealed class PartnerAndNightTests
{
    private static async Task<Referral> RoutedReferralAsync(Hub hub, string text = "Chelmsford spiked outside Bar 9, 07700 900123, consent y")
    {
        await hub.TextAsync(text);
        await hub.RouteQueuedAsync();
        return hub.Store.Referrals.OrderBy(r => r.ReceivedAt).Last();
    }

    [Fact]
    public async Task An_agency_cannot_report_on_a_case_routed_to_another_and_the_attempt_is_logged()
    {
        var hub = new Hub();
        var referral = await RoutedReferralAsync(hub);
        Assert.DoesNotContain(hub.Publisher.Cases, c => c.AgencyId == "street-pastors-colchester");

        var result = await hub.Partners.ReportAsync("street-pastors-colchester", referral.Night, referral.Reference, PartnerOutcome.Accepted, null, CancellationToken.None);

        Assert.IsType<OutcomeResult.NotRoutedToAgency>(result);
        Assert.Contains(hub.Store.Events(referral), e => e.Kind == ReferralEventKinds.OutcomeRefused && e.Actor == "partner:street-pastors-colchester");
        Assert.All(hub.Store.AllCases, c => Assert.Equal(CaseStatus.Sent, c.Status));
    }

    [Fact]
    public async Task Outcomes_move_forward_and_the_referral_closes_when_every_agency_has_finished()
    {
        var hub = new Hub();
        var referral = await RoutedReferralAsync(hub);
        var agencies = hub.Store.AllCases.Select(c => c.AgencyId).ToList();
        Assert.True(agencies.Count >= 2, "this referral should reach several agencies");

        hub.Time.Advance(TimeSpan.FromMinutes(4));
        var accepted = await hub.Partners.ReportAsync(agencies[0], referral.Night, referral.Reference, PartnerOutcome.Accepted, "on our way", CancellationToken.None);
        Assert.Equal(new OutcomeResult.Recorded(CaseStatus.Accepted, ReferralStatus.InProgress), accepted);
        Assert.Equal(new OutcomeResult.Recorded(CaseStatus.Accepted, ReferralStatus.InProgress), await hub.Partners.ReportAsync(agencies[0], referral.Night, referral.Reference, PartnerOutcome.Accepted, null, CancellationToken.None));

        await hub.Partners.ReportAsync(agencies[0], referral.Night, referral.Reference, PartnerOutcome.Closed, "home safe", CancellationToken.None);
        Assert.Equal(new OutcomeResult.NotAllowed(CaseStatus.Closed), await hub.Partners.ReportAsync(agencies[0], referral.Night, referral.Reference, PartnerOutcome.Accepted, null, CancellationToken.None));
        foreach (var agency in agencies.Skip(1))
        {
            await hub.Partners.ReportAsync(agency, referral.Night, referral.Reference, PartnerOutcome.Declined, null, CancellationToken.None);
        }

        var closed = hub.Store.Referrals.Single();
        Assert.Equal(ReferralStatus.Closed, closed.Status);
        Assert.Equal(4, (hub.Store.AllCases.Single(c => c.AgencyId == agencies[0]).AcceptedAt - hub.Store.AllCases.Single(c => c.AgencyId == agencies[0]).DisclosedAt)!.Value.TotalMinutes);
    }

    [Fact]
    public async Task A_partner_list_holds_only_its_own_cases_and_is_logged_as_a_consultation()
    {
        var hub = new Hub();
        var chelmsford = await RoutedReferralAsync(hub);
        await RoutedReferralAsync(hub, "Colchester alone near the castle");

        var list = await hub.Partners.ListAsync("street-pastors-chelmsford", chelmsford.Night, CancellationToken.None);

        var only = Assert.Single(list);
        Assert.Equal(chelmsford.Reference.ToString(), only.Reference);
        Assert.Contains(hub.Store.Events(chelmsford), e => e.Kind == ReferralEventKinds.Consulted && e.Actor == "partner:street-pastors-chelmsford");
    }

    [Fact]
    public async Task A_delivery_report_updates_the_advice_and_a_failure_counts_in_the_summary()
    {
        var hub = new Hub();
        var referral = await RoutedReferralAsync(hub);
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
        var referral = await RoutedReferralAsync(hub);
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
        Assert.Equal(["sent", "delivered"], statuses);
    }

    [Fact]
    public async Task The_summary_runs_once_a_night_texts_every_inspector_and_publishes_per_agency()
    {
        var hub = new Hub();
        var referral = await RoutedReferralAsync(hub);
        await RoutedReferralAsync(hub, "Southend fight on the seafront");
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
    [InlineData("9999-12-31")]
    [InlineData("0001-01-01")]
    [InlineData("2026-12-19")] // tomorrow night
    [InlineData("2026-11-16")] // 32 days back: past the 31-day retention window
    public async Task A_night_after_tonight_or_before_the_retention_window_is_not_summarised_and_texts_nobody(string night)
    {
        var hub = new Hub();
        await RoutedReferralAsync(hub);
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

    [Fact]
    public async Task Retention_erases_personal_data_of_old_nights_only_and_logs_each_erasure()
    {
        var hub = new Hub();
        var old = await RoutedReferralAsync(hub);
        await hub.Partners.ReportAsync(hub.Store.AllCases[0].AgencyId, old.Night, old.Reference, PartnerOutcome.Accepted, "spoke to her at the bar", CancellationToken.None);
        hub.Time.Advance(TimeSpan.FromDays(31));
        var recent = await RoutedReferralAsync(hub, "Chelmsford alone by the river, 07700 900999, consent y");

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
    public async Task A_control_room_read_returns_the_trail_and_is_itself_recorded()
    {
        var hub = new Hub();
        var referral = await RoutedReferralAsync(hub);

        var dossier = await hub.Dossiers.ReadAsync(referral.Night, referral.Reference, "control-room:Insp Hale", CancellationToken.None);

        Assert.NotNull(dossier);
        Assert.Contains(dossier.Trail, e => e.Kind == ReferralEventKinds.Disclosed);
        Assert.Contains(hub.Store.Events(referral), e => e.Kind == ReferralEventKinds.Consulted && e.Actor == "control-room:Insp Hale");
        Assert.Null(await hub.Dossiers.ReadAsync(referral.Night.Next, referral.Reference, "control-room", CancellationToken.None));
    }

    [Fact]
    public void A_partner_key_verifies_only_for_its_own_agency()
    {
        var key = PartnerKeyRing.NewKey();
        var ring = new PartnerKeyRing([KeyValuePair.Create("street-pastors-chelmsford", PartnerKeyRing.Hash(key)), KeyValuePair.Create("broken", "@Microsoft.KeyVault(SecretName=x)")]);

        Assert.True(ring.Verify("street-pastors-chelmsford", key));
        Assert.False(ring.Verify("street-pastors-colchester", key));
        Assert.False(ring.Verify("street-pastors-chelmsford", key + "x"));
        Assert.False(ring.Verify("street-pastors-chelmsford", null));
        Assert.False(ring.Verify("broken", key));
        Assert.Equal(["street-pastors-chelmsford"], ring.Agencies);
    }
}
