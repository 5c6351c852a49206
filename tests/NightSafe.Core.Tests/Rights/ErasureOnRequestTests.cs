using NightSafe.Core.Ports;
using NightSafe.Core.References;
using NightSafe.Core.Referrals;
using NightSafe.Core.Retention;
using NightSafe.Core.Tests.Services;

namespace NightSafe.Core.Tests.Rights;

/// <summary>Erasure on request (issue 10, item 14): one referral now, or every referral holding a phone number.</summary>
public sealed class ErasureOnRequestTests
{
    private const string Actor = "control-room:duty.manager@essex.example";

    [Fact]
    public async Task One_referral_is_erased_now_with_the_actor_in_its_trail_and_a_second_request_finds_it_erased()
    {
        var hub = new Hub();
        var referral = await hub.ReferAndRouteAsync();

        var first = await hub.Erasure.EraseAsync(referral.Night, referral.Reference, Actor, CancellationToken.None);
        var second = await hub.Erasure.EraseAsync(referral.Night, referral.Reference, Actor, CancellationToken.None);

        Assert.Equal(ErasureOutcome.Erased, first.Outcome);
        Assert.Equal(ErasureOutcome.AlreadyErased, second.Outcome);
        Assert.Equal(first.ErasedAt, second.ErasedAt);
        var erased = hub.Store.Referrals.Single();
        Assert.Null(erased.SubjectPhone);
        Assert.Null(erased.Location);
        Assert.Null(erased.Description);
        Assert.All(hub.Store.AllCases, c => Assert.Equal("{}", c.View));
        var erasure = Assert.Single(hub.Store.Events(erased), e => e.Kind == ReferralEventKinds.Erased);
        Assert.Equal(Actor, erasure.Actor);
        Assert.Equal(ReferralErasure.OnRequest, erasure.Data[ReferralEventData.Reason]);
        Assert.DoesNotContain(erasure.Data.Values, v => v.Contains("900123", StringComparison.Ordinal) || v.Contains("Bar 9", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Every_text_that_made_or_named_the_referral_is_deleted_at_the_provider_and_a_text_about_another_is_not()
    {
        var hub = new Hub();
        await hub.TextAsync("Chelmsford outside Bar 9, 07700 900123, consent y", messageSid: Sid(1));
        var asked = hub.Store.Referrals.Count;
        await hub.TextAsync("spiked", messageSid: Sid(2));
        await hub.RouteQueuedAsync();
        var referral = hub.Store.Referrals.Single();
        var partner = hub.Store.AllCases.Select(c => Hub.World.FindAgency(c.AgencyId)!).First(a => a.DutyPhones.Count > 0 && a.Channels.Contains(World.AgencyChannels.Sms)).DutyPhones[0];
        await hub.TextAsync($"STATUS {referral.Reference}", messageSid: Sid(3));
        await hub.TextAsync($"ADD {referral.Reference} now with a friend", messageSid: Sid(4));
        await hub.TextAsync($"ACC {referral.Reference}", partner, Sid(5));
        await hub.TextAsync($"ACC {referral.Reference}", partner, Sid(6));
        await hub.TextAsync($"CLOSE {referral.Reference} taken home", messageSid: Sid(7));
        await hub.TextAsync($"CLOSE {referral.Reference} taken home", messageSid: Sid(8));
        var other = await hub.ReferAndRouteAsync("Chelmsford alone by the river, 07700 900999, consent y");
        await hub.TextAsync($"STATUS {other.Reference}", messageSid: Sid(9));

        var erased = await hub.Erasure.EraseAsync(referral.Night, referral.Reference, Actor, CancellationToken.None);

        Assert.Equal(0, asked);
        Assert.Equal(ErasureOutcome.Erased, erased.Outcome);
        Assert.All(Enumerable.Range(1, 8).Select(Sid), sid => Assert.Contains(sid, hub.SmsRecords.Deleted));
        Assert.DoesNotContain(Sid(9), hub.SmsRecords.Deleted);
        Assert.Empty(hub.SmsRecords.Pending);
        // The repeated ACC and CLOSE changed nothing: each is in the trail for its id alone.
        Assert.Equal(2, hub.Store.Events(hub.Store.Referrals.Single(r => r.Reference == referral.Reference)).Count(e => e.Kind == ReferralEventKinds.SmsReceived));
    }

    private static string Sid(int n) => "SMx" + n.ToString("D8", System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task An_unknown_referral_is_not_found_and_nothing_is_written()
    {
        var hub = new Hub();
        var referral = await hub.ReferAndRouteAsync();

        var result = await hub.Erasure.EraseAsync(referral.Night, ReferenceCode.Parse("ZZZZZZ"), Actor, CancellationToken.None);

        Assert.Equal(ErasureOutcome.NotFound, result.Outcome);
        Assert.NotNull(hub.Store.Referrals.Single().SubjectPhone);
        Assert.Empty(hub.SmsRecords.Pending);
    }

    [Fact]
    public async Task Every_referral_holding_the_number_in_any_format_is_erased_and_others_are_kept()
    {
        var hub = new Hub();
        var first = await hub.ReferAndRouteAsync("Chelmsford spiked outside Bar 9, 07700 900123, consent y");
        hub.Time.Advance(TimeSpan.FromDays(3));
        var other = await hub.ReferAndRouteAsync("Chelmsford alone by the river, 07700 900999, consent y");
        var again = await hub.ReferAndRouteAsync("Colchester very drunk by the castle, +44 7700 900123, consent y");

        var result = Assert.IsType<PhoneErasureResult.Done>(await hub.Erasure.EraseHoldingPhoneAsync("0044 7700-900 123", Actor, CancellationToken.None));

        Assert.Equal([first.Key, again.Key], result.Referrals.Select(r => r.Key));
        Assert.All(result.Referrals, r => Assert.Equal(ErasureOutcome.Erased, r.Outcome));
        Assert.Equal("+44*******123", result.Phone.ToString());
        Assert.Null(hub.Store.Referrals.Single(r => r.Reference == first.Reference).SubjectPhone);
        Assert.Null(hub.Store.Referrals.Single(r => r.Reference == again.Reference).SubjectPhone);
        Assert.Equal("+447700900999", hub.Store.Referrals.Single(r => r.Reference == other.Reference).SubjectPhone);
        Assert.All(
            hub.Store.Referrals.Where(r => r.Reference != other.Reference),
            r => Assert.Equal(ReferralErasure.PhoneOnRequest, hub.Store.Events(r).Single(e => e.Kind == ReferralEventKinds.Erased).Data[ReferralEventData.Reason]));

        var twice = Assert.IsType<PhoneErasureResult.Done>(await hub.Erasure.EraseHoldingPhoneAsync("07700 900123", Actor, CancellationToken.None));
        Assert.Empty(twice.Referrals);
    }

    [Fact]
    public async Task A_number_that_is_not_a_phone_number_is_refused()
    {
        var hub = new Hub();

        Assert.IsType<PhoneErasureResult.Invalid>(await hub.Erasure.EraseHoldingPhoneAsync("Bar 9", Actor, CancellationToken.None));
        Assert.IsType<PhoneErasureResult.Invalid>(await hub.Erasure.EraseHoldingPhoneAsync(null, Actor, CancellationToken.None));
    }

    [Fact]
    public async Task The_provider_copies_of_the_officers_text_and_every_sms_of_the_referral_are_deleted()
    {
        var hub = new Hub();
        var referral = await hub.ReferAndRouteAsync();
        var stored = hub.Store.Referrals.Single();
        var advice = Assert.IsType<string>(stored.AdviceMessageId);
        var inbound = stored.Inbound!["twilio/".Length..];
        var alerts = hub.Markers.Marks.Where(m => m.MessageId is not null && m.Key.Contains(referral.Key, StringComparison.Ordinal)).Select(m => m.MessageId!).ToList();

        var result = await hub.Erasure.EraseAsync(referral.Night, referral.Reference, Actor, CancellationToken.None);

        Assert.Contains(advice, hub.SmsRecords.Deleted);
        Assert.Contains(inbound, hub.SmsRecords.Deleted);
        Assert.All(alerts, sid => Assert.Contains(sid, hub.SmsRecords.Deleted));
        Assert.Equal(hub.SmsRecords.Deleted.Count, result.ProviderMessages);
        Assert.Empty(hub.SmsRecords.Pending);
    }

    [Fact]
    public async Task A_failed_provider_deletion_never_blocks_the_erasure_and_is_retried_by_the_next_retention_run()
    {
        var hub = new Hub();
        var referral = await hub.ReferAndRouteAsync();
        hub.SmsRecords.Failing = "http-503";

        var result = await hub.Erasure.EraseAsync(referral.Night, referral.Reference, Actor, CancellationToken.None);

        Assert.Equal(ErasureOutcome.Erased, result.Outcome);
        Assert.Null(hub.Store.Referrals.Single().SubjectPhone);
        Assert.NotEmpty(hub.SmsRecords.Pending);
        Assert.All(hub.SmsRecords.Pending, p => Assert.Equal((1, "http-503", referral.Key), (p.Attempts, p.LastError, p.Referral)));

        hub.SmsRecords.Failing = null;
        await hub.Retention.RunAsync(CancellationToken.None);

        Assert.Empty(hub.SmsRecords.Pending);
        Assert.Contains(hub.Store.Referrals.Single().AdviceMessageId!, hub.SmsRecords.Deleted);
    }

    [Fact]
    public async Task A_fault_reading_the_deletion_list_after_the_erasure_does_not_undo_its_answer()
    {
        var hub = new Hub();
        var referral = await hub.ReferAndRouteAsync();
        hub.SmsRecords.ListUnreadable = true;

        var one = await hub.Erasure.EraseAsync(referral.Night, referral.Reference, Actor, CancellationToken.None);
        await hub.Retention.RunAsync(CancellationToken.None);

        Assert.Equal(ErasureOutcome.Erased, one.Outcome);
        Assert.NotEmpty(hub.SmsRecords.Pending);
        hub.SmsRecords.ListUnreadable = false;
        await hub.Retention.RunAsync(CancellationToken.None);
        Assert.Empty(hub.SmsRecords.Pending);
    }

    [Fact]
    public async Task Retention_deletes_the_provider_copies_of_the_referrals_it_erases()
    {
        var hub = new Hub();
        var referral = await hub.ReferAndRouteAsync();
        hub.Time.Advance(TimeSpan.FromDays(33));

        Assert.Equal(1, await hub.Retention.RunAsync(CancellationToken.None));

        Assert.Contains(hub.Store.Referrals.Single().AdviceMessageId!, hub.SmsRecords.Deleted);
        Assert.Equal(ReferralEventKinds.Erased, hub.Store.Events(referral).Last(e => e.Kind == ReferralEventKinds.Erased).Kind);
        Assert.Equal(Actors.System, hub.Store.Events(referral).Single(e => e.Kind == ReferralEventKinds.Erased).Actor);
    }

    [Fact]
    public async Task Retention_drains_dead_lettered_cases_and_accounts_for_each_without_its_data()
    {
        var hub = new Hub();
        var referral = await hub.ReferAndRouteAsync();
        var agency = hub.Store.AllCases[0].AgencyId;
        hub.DeadLetters.Waiting.Add(new DeadLetteredCase(agency, $"{referral.Key}/{agency}", "MaxDeliveryCountExceeded", hub.Time.GetUtcNow()));
        hub.DeadLetters.Waiting.Add(new DeadLetteredCase(agency, $"{referral.Key}/{agency}-2", "she said her name is Jo", hub.Time.GetUtcNow()));
        hub.DeadLetters.Waiting.Add(new DeadLetteredCase(agency, "not-a-case", null, hub.Time.GetUtcNow()));

        await hub.Retention.RunAsync(CancellationToken.None);

        Assert.Empty(hub.DeadLetters.Waiting);
        var drained = hub.Store.Events(referral).Where(e => e.Kind == ReferralEventKinds.DeadLetterDrained).ToList();
        Assert.Equal(2, drained.Count);
        Assert.All(drained, e => Assert.Equal(agency.Value, e.Data[ReferralEventData.Agency]));
        Assert.Equal(["MaxDeliveryCountExceeded", "dead-lettered by the partner"], drained.Select(e => e.Data[ReferralEventData.Reason]));
    }

    [Theory]
    [InlineData("advice/2026-12-18/7KQ2MX", "2026-12-18/7KQ2MX")]
    [InlineData("case-alert/2026-12-18/7KQ2MX/street-pastors-chelmsford/first", "2026-12-18/7KQ2MX")]
    [InlineData("alert/manual-routing/2026-12-18/7KQ2MX", "2026-12-18/7KQ2MX")]
    [InlineData("summary/2026-12-18", null)]
    [InlineData("inspector-alert/unreadable/abc", null)]
    [InlineData("", null)]
    public void An_sms_key_names_the_referral_it_belongs_to(string key, string? referral)
    {
        Assert.Equal(referral, Core.Sms.SmsKeys.ReferralOf(key));
    }
}
