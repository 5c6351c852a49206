using System.Text.Json;
using NightSafe.Core.Ports;
using NightSafe.Core.Referrals;
using NightSafe.Core.Routing;

namespace NightSafe.Core.Tests.Services;

public sealed class ReferralRouterTests
{
    [Fact]
    public async Task Each_assigned_agency_gets_one_case_with_only_the_fields_it_may_see()
    {
        var hub = new Hub();
        await hub.TextAsync("Chelmsford spiked outside Bar 9, female 20s, 07700 900123, consent y");

        await hub.RouteQueuedAsync();

        var referral = Assert.Single(hub.Store.Referrals);
        var expected = new RoutingPolicy(Hub.World).Decide(referral.TownId, referral.Categories, referral.ReceivedAt).Assignments.Select(a => a.AgencyId).ToList();
        Assert.NotEmpty(expected);
        Assert.Equal(expected.Order(), hub.Publisher.Cases.Select(c => c.AgencyId).Order());
        foreach (var sent in hub.Publisher.Cases)
        {
            var agency = Hub.World.FindAgency(sent.AgencyId)!;
            var allowed = CaseFields.For(agency, referral.Consent).Concat(CaseMessage.EnvelopeKeys).ToHashSet();
            using var body = JsonDocument.Parse(sent.Body);
            Assert.All(body.RootElement.EnumerateObject(), p => Assert.Contains(p.Name, allowed));
            Assert.Equal(PartnerCase.MessageIdFor(referral.Night, referral.Reference, agency.Id), sent.MessageId);
        }

        Assert.Equal(ReferralStatus.Routed, referral.Status);
        Assert.Equal(expected.Count, hub.Store.Events(referral).Count(e => e.Kind == ReferralEventKinds.Disclosed));
    }

    [Fact]
    public async Task Street_pastors_get_the_phone_only_with_consent_and_the_perpetrator_programme_never()
    {
        var hub = new Hub();
        await hub.TextAsync("Chelmsford drunk and alone outside the station 07700 900123 no consent");
        await hub.TextAsync("Chelmsford perpetrator asking for help with his behaviour, domestic, 07700 900124 consent given");
        await hub.RouteQueuedAsync();

        var pastors = hub.Publisher.Cases.Where(c => c.AgencyId == "street-pastors-chelmsford").ToList();
        Assert.NotEmpty(pastors);
        Assert.All(pastors, c => Assert.DoesNotContain("subjectPhone", c.Body, StringComparison.Ordinal));
        var programme = Assert.Single(hub.Publisher.Cases, c => c.AgencyId == "perpetrator-change-essex");
        Assert.DoesNotContain("07700", programme.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("+4477", programme.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Routing_again_publishes_nothing_new_and_sends_no_second_advice_sms()
    {
        var hub = new Hub();
        await hub.TextAsync("Colchester very drunk near the castle, 07700 900222, consent");
        var item = Assert.Single(hub.RoutingQueue.Items);
        await hub.RouteQueuedAsync();
        var published = hub.Publisher.Cases.Count;

        var again = await hub.Router.RouteAsync(Nights.NightId.Parse(item.Night), References.ReferenceCode.Parse(item.Reference), CancellationToken.None);

        Assert.Equal(RoutingOutcome.AlreadyRouted, again);
        Assert.Equal(published, hub.Publisher.Cases.Count);
        var sms = Assert.Single(hub.Sms.Sent);
        Assert.Equal("+447700900222", sms.To);
        Assert.Equal(Hub.World.FindCategory("intoxicated")!.Advice, sms.Body);
        Assert.Equal(AdviceState.Sent, Assert.Single(hub.Store.Referrals).Advice);
    }

    [Fact]
    public async Task A_concurrent_change_while_routing_is_retried_without_duplicate_cases()
    {
        var hub = new Hub();
        await hub.TextAsync("Harlow fight outside the bus station, 07700 900333");
        var referral = Assert.Single(hub.Store.Referrals);
        hub.Store.BeforeNextSave = () => hub.Store.Touch(referral.Night, referral.Reference);

        await hub.RouteQueuedAsync();

        var cases = await hub.Store.CasesAsync(referral.Night, referral.Reference, CancellationToken.None);
        Assert.Equal(cases.Count, cases.Select(c => c.Value.AgencyId).Distinct().Count());
        Assert.Equal(ReferralStatus.Routed, Assert.Single(hub.Store.Referrals).Status);
        // Whatever was retried, each agency's message went out under its one id (duplicate detection absorbs repeats).
        Assert.Equal(cases.Count, hub.Publisher.Cases.Select(c => c.MessageId).Distinct().Count());
    }

    [Fact]
    public async Task A_referral_no_agency_on_duty_covers_goes_to_the_control_room_flagged()
    {
        // Tuesday 15:00: no street pastors, no safe spaces, no councils on duty.
        var hub = new Hub(new DateTimeOffset(2026, 12, 15, 15, 0, 0, TimeSpan.Zero));
        await hub.TextAsync("Braintree lost her friends, alone by the market");

        await hub.RouteQueuedAsync();

        var sent = Assert.Single(hub.Publisher.Cases);
        Assert.Equal(Hub.World.FallbackAgencyId, sent.AgencyId);
        var referral = Assert.Single(hub.Store.Referrals);
        Assert.True(referral.Flagged);
        Assert.Contains(hub.Store.Events(referral), e => e.Kind == ReferralEventKinds.Fallback);
    }

    [Fact]
    public async Task No_advice_sms_without_consent_or_to_an_opted_out_number()
    {
        var hub = new Hub();
        await hub.OptOuts.OptOutAsync("+447700900444", "STOP", CancellationToken.None);
        await hub.TextAsync("Grays alone outside Wetherspoons 07700 900123 no consent");
        await hub.TextAsync("Grays alone outside the station 07700 900444 consent y");

        await hub.RouteQueuedAsync();

        Assert.Empty(hub.Sms.Sent);
        Assert.Contains(hub.Store.Referrals, r => r.Advice == AdviceState.OptedOut);
        Assert.Contains(hub.Store.Referrals, r => r.Advice == AdviceState.NotApplicable);
    }

    [Fact]
    public async Task A_permanent_sms_refusal_is_recorded_and_not_retried_and_21610_opts_the_number_out()
    {
        var hub = new Hub();
        hub.Sms.Script = sms => new SmsSendResult.Refused("21610", "unsubscribed", RecipientOptedOut: true);
        await hub.TextAsync("Basildon intoxicated near the Towngate, 07700 900555, consent y");
        var item = Assert.Single(hub.RoutingQueue.Items);

        await hub.RouteQueuedAsync();
        await hub.Router.RouteAsync(Nights.NightId.Parse(item.Night), References.ReferenceCode.Parse(item.Reference), CancellationToken.None);

        Assert.Single(hub.Sms.Sent);
        var referral = Assert.Single(hub.Store.Referrals);
        Assert.Equal(AdviceState.Failed, referral.Advice);
        Assert.Equal("21610", referral.AdviceError);
        Assert.Contains("+447700900555", hub.OptOuts.Numbers);
    }

    [Fact]
    public async Task A_provider_outage_leaves_the_advice_pending_for_the_queue_retry_which_sends_it_once()
    {
        var hub = new Hub();
        var down = true;
        hub.Sms.Script = _ => down ? throw new SmsUnavailableException("503") : null;
        await hub.TextAsync("Southend drunk on the seafront 07700 900666 consent y");
        var item = Assert.Single(hub.RoutingQueue.Items);
        var night = Nights.NightId.Parse(item.Night);
        var reference = References.ReferenceCode.Parse(item.Reference);

        await Assert.ThrowsAsync<SmsUnavailableException>(() => hub.Router.RouteAsync(night, reference, CancellationToken.None));
        Assert.Equal(AdviceState.Pending, Assert.Single(hub.Store.Referrals).Advice);

        down = false;
        await hub.Router.RouteAsync(night, reference, CancellationToken.None);
        await hub.Router.RouteAsync(night, reference, CancellationToken.None);

        Assert.Equal(2, hub.Sms.Sent.Count); // the failed attempt and the one that went through
        Assert.Equal(AdviceState.Sent, Assert.Single(hub.Store.Referrals).Advice);
    }

    [Fact]
    public async Task An_advice_send_that_crashed_midway_is_never_repeated()
    {
        var hub = new Hub();
        hub.Sms.Script = _ => throw new InvalidOperationException("process died mid-send");
        await hub.TextAsync("Chelmsford alone by the river 07700 900777 consent y");
        var item = Assert.Single(hub.RoutingQueue.Items);
        var night = Nights.NightId.Parse(item.Night);
        var reference = References.ReferenceCode.Parse(item.Reference);
        await Assert.ThrowsAsync<InvalidOperationException>(() => hub.Router.RouteAsync(night, reference, CancellationToken.None));

        hub.Sms.Script = _ => null;
        await hub.Router.RouteAsync(night, reference, CancellationToken.None);

        Assert.Single(hub.Sms.Sent);
        Assert.Equal(AdviceState.Sending, Assert.Single(hub.Store.Referrals).Advice);
    }

    [Fact]
    public async Task Manual_routing_flags_the_referral_and_alerts_every_duty_inspector()
    {
        var hub = new Hub();
        await hub.TextAsync("Colchester spiked drink at the Hippodrome");
        var item = Assert.Single(hub.RoutingQueue.Items);

        await hub.Manual.HandleAsync(item, "msg-1", CancellationToken.None);

        var referral = Assert.Single(hub.Store.Referrals);
        Assert.Equal(ReferralStatus.NeedsManualRouting, referral.Status);
        Assert.True(referral.Flagged);
        Assert.Equal(Hub.World.DutyInspectors.Select(i => i.Phone).Order(), hub.Sms.Sent.Select(s => s.To).Order());
        Assert.All(hub.Sms.Sent, s => Assert.Contains(referral.Reference.ToString(), s.Body, StringComparison.Ordinal));
        Assert.All(hub.Sms.Sent, s => Assert.True(Sms.SmsText.IsGsm7(s.Body) && Sms.SmsText.Segments(s.Body) <= 2));
    }

    [Fact]
    public async Task An_unreadable_poison_message_still_alerts_the_inspectors()
    {
        var hub = new Hub();

        await hub.Manual.HandleAsync(null, "msg-9", CancellationToken.None);

        Assert.Equal(Hub.World.DutyInspectors.Count, hub.Sms.Sent.Count);
        Assert.All(hub.Sms.Sent, s => Assert.Contains("msg-9", s.Body, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Cases_are_on_record_before_any_partner_can_receive_them()
    {
        var hub = new Hub();
        var recordedWhenPublished = new List<bool>();
        var publisher = new ObservingPublisher(hub.Publisher, cases => recordedWhenPublished.AddRange(cases.Select(c =>
            hub.Store.AllCases.Any(r => PartnerCase.MessageIdFor(r.Night, r.Reference, r.AgencyId) == c.MessageId))));
        var router = new ReferralRouter(hub.Store, publisher, hub.Advice, new RoutingPolicy(Hub.World), Hub.World, hub.Time, Microsoft.Extensions.Logging.Abstractions.NullLogger<ReferralRouter>.Instance);
        await hub.TextAsync("Southend spiked outside the pier, 07700 900123 consent y");
        var item = Assert.Single(hub.RoutingQueue.Items);

        await router.RouteAsync(Nights.NightId.Parse(item.Night), References.ReferenceCode.Parse(item.Reference), CancellationToken.None);

        Assert.NotEmpty(recordedWhenPublished);
        Assert.All(recordedWhenPublished, Assert.True);
        Assert.Equal(ReferralStatus.Routed, Assert.Single(hub.Store.Referrals).Status);
    }

    [Fact]
    public async Task A_referral_closed_before_routing_discloses_nothing_and_its_advice_is_not_left_pending()
    {
        var hub = new Hub();
        await hub.TextAsync("Chelmsford alone by the river 07700 900777 consent y");
        var referral = Assert.Single(hub.Store.Referrals);
        await hub.TextAsync($"CLOSE {referral.Reference} false alarm, with friends");

        await hub.RouteQueuedAsync();

        Assert.Empty(hub.Publisher.Cases);
        Assert.Empty(hub.Sms.Sent);
        Assert.Equal(AdviceState.NotApplicable, Assert.Single(hub.Store.Referrals).Advice);
    }

    private sealed class ObservingPublisher(IPartnerMessagePublisher inner, Action<IReadOnlyList<OutgoingCase>> observe) : IPartnerMessagePublisher
    {
        public Task PublishCasesAsync(IReadOnlyList<OutgoingCase> cases, CancellationToken cancellationToken)
        {
            observe(cases);
            return inner.PublishCasesAsync(cases, cancellationToken);
        }

        public Task PublishSummariesAsync(IReadOnlyList<OutgoingSummary> summaries, CancellationToken cancellationToken) => inner.PublishSummariesAsync(summaries, cancellationToken);
    }
}
