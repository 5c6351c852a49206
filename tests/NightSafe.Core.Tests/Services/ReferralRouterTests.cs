using NightSafe.Core.World;
using System.Text.Json;
using NightSafe.Core.Outcomes;
using NightSafe.Core.Ports;
using NightSafe.Core.Referrals;
using NightSafe.Core.Routing;
using NightSafe.Core.Sms;

namespace NightSafe.Core.Tests.Services;

public sealed class ReferralRouterTests
{
    /// <summary>Phones the partner loop texts (duty phones, inspectors): what is left is the advice to the person.</summary>
    private static readonly HashSet<string> PartnerLoopPhones =
        [.. Hub.World.Agencies.SelectMany(a => a.DutyPhones), .. Hub.World.DutyInspectors.Select(i => i.Phone)];

    /// <summary>The texts that reached the provider, less the partner loop's case alerts and inspector alerts.</summary>
    /// <summary>A provider script for the person's advice only: the partner loop's texts to duty phones go through.</summary>
    private static Func<OutgoingSms, SmsSendResult?> ToTheSubjectOnly(Func<OutgoingSms, SmsSendResult?> script) =>
        sms => PartnerLoopPhones.Contains(sms.To) ? null : script(sms);

    private static List<OutgoingSms> AdviceTexts(Hub hub) => hub.Sms.Sent.Where(s => !PartnerLoopPhones.Contains(s.To)).ToList();

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

        var pastors = hub.Publisher.Cases.Where(c => c.AgencyId == new AgencyId("street-pastors-chelmsford")).ToList();
        Assert.NotEmpty(pastors);
        Assert.All(pastors, c => Assert.DoesNotContain("subjectPhone", c.Body, StringComparison.Ordinal));
        var programme = Assert.Single(hub.Publisher.Cases, c => c.AgencyId == new AgencyId("perpetrator-change-essex"));
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
        var sms = Assert.Single(AdviceTexts(hub));
        Assert.Equal("+447700900222", sms.To);
        Assert.Equal(Hub.World.FindCategory(new CategoryId("intoxicated"))!.Advice, sms.Body);
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
    public async Task A_first_routing_looks_for_no_recorded_cases_and_marks_when_it_recorded_them()
    {
        var hub = new Hub();
        await hub.TextAsync("Chelmsford spiked outside Bar 9 07700 900777 consent y");
        var referral = Assert.Single(hub.Store.Referrals);
        Assert.Null(referral.CasesRecordedAt);
        var lookups = hub.Store.CaseLookups;

        await hub.RouteQueuedAsync();

        Assert.Equal(lookups, hub.Store.CaseLookups);
        var routed = Assert.Single(hub.Store.Referrals);
        Assert.Equal(hub.Time.GetUtcNow(), routed.CasesRecordedAt);
        Assert.Equal(ReferralStatus.Routed, routed.Status);
    }

    [Fact]
    public async Task Cases_recorded_before_the_referral_said_so_are_found_and_published_once()
    {
        var hub = new Hub();
        await hub.TextAsync("Chelmsford spiked outside Bar 9 07700 900777 consent y");
        var referral = Assert.Single(hub.Store.Referrals);
        // The first attempt recorded the cases and died before publishing; the row is as one written before the
        // referral kept CasesRecordedAt (nothing says cases exist).
        var dying = new ObservingPublisher(hub.Publisher, _ => throw new InvalidOperationException("the process died"));
        var router = new ReferralRouter(hub.Store, dying, hub.SmsQueue, hub.Advice, hub.AtOnce, hub.Loop, new RoutingPolicy(Hub.World), Hub.World, hub.Time, Microsoft.Extensions.Logging.Abstractions.NullLogger<ReferralRouter>.Instance);
        await Assert.ThrowsAsync<InvalidOperationException>(() => router.RouteAsync(referral.Night, referral.Reference, CancellationToken.None));
        var recorded = (await hub.Store.FindAsync(referral.Night, referral.Reference, CancellationToken.None))!;
        Assert.NotNull(recorded.Value.CasesRecordedAt);
        await hub.Store.SaveAsync(new ReferralChange(referral.Night, referral.Reference) { Referral = recorded.Value with { CasesRecordedAt = null }, ReferralVersion = recorded.Version }, CancellationToken.None);
        var cases = await hub.Store.CasesAsync(referral.Night, referral.Reference, CancellationToken.None);
        Assert.NotEmpty(cases);

        await hub.RouteQueuedAsync();

        Assert.Equal(ReferralStatus.Routed, Assert.Single(hub.Store.Referrals).Status);
        Assert.Equal(cases.Count, (await hub.Store.CasesAsync(referral.Night, referral.Reference, CancellationToken.None)).Count);
        Assert.Equal(cases.Select(c => c.Value.AgencyId).Order(), hub.Publisher.Cases.Select(c => c.AgencyId).Distinct().Order());
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

        Assert.Empty(AdviceTexts(hub));
        Assert.Contains(hub.Store.Referrals, r => r.Advice == AdviceState.OptedOut);
        Assert.Contains(hub.Store.Referrals, r => r.Advice == AdviceState.NotApplicable);
    }

    [Fact]
    public async Task A_permanent_sms_refusal_is_recorded_and_not_retried_and_21610_opts_the_number_out()
    {
        var hub = new Hub();
        hub.Sms.Script = ToTheSubjectOnly(sms => new SmsSendResult.Refused("21610", "unsubscribed", RecipientOptedOut: true));
        await hub.TextAsync("Basildon intoxicated near the Towngate, 07700 900555, consent y");
        var item = Assert.Single(hub.RoutingQueue.Items);

        await hub.RouteQueuedAsync();
        await hub.Router.RouteAsync(Nights.NightId.Parse(item.Night), References.ReferenceCode.Parse(item.Reference), CancellationToken.None);

        Assert.Single(AdviceTexts(hub));
        var referral = Assert.Single(hub.Store.Referrals);
        Assert.Equal(AdviceState.Failed, referral.Advice);
        Assert.Equal("21610", referral.AdviceError);
        Assert.Contains("+447700900555", hub.OptOuts.Numbers);
    }

    [Fact]
    public async Task A_provider_outage_never_fails_routing_and_the_queued_advice_is_sent_once_when_it_is_back()
    {
        var hub = new Hub();
        var attempts = 0;
        hub.Sms.Script = ToTheSubjectOnly(_ => ++attempts <= 2 ? throw new SmsUnavailableException("connection refused") : null);
        await hub.TextAsync("Southend drunk on the seafront 07700 900666 consent y");
        var item = Assert.Single(hub.RoutingQueue.Items);
        var night = Nights.NightId.Parse(item.Night);
        var reference = References.ReferenceCode.Parse(item.Reference);

        Assert.Equal(RoutingOutcome.Routed, await hub.Router.RouteAsync(night, reference, CancellationToken.None));
        Assert.Equal(ReferralStatus.Routed, Assert.Single(hub.Store.Referrals).Status);
        Assert.NotEmpty(hub.Publisher.Cases);
        Assert.Equal(AdviceState.Pending, Assert.Single(hub.Store.Referrals).Advice);
        await hub.SendQueuedSmsAsync();
        hub.SmsQueue.Items.Enqueue(AdviceSmsItem(hub)); // a duplicate item changes nothing
        await hub.SendQueuedSmsAsync();

        Assert.Single(hub.Sms.Provider, p => !PartnerLoopPhones.Contains(p.Sms.To));
        Assert.Equal(3, AdviceTexts(hub).Count);
        Assert.Equal(AdviceState.Sent, Assert.Single(hub.Store.Referrals).Advice);
        var referral = Assert.Single(hub.Store.Referrals);
        Assert.Equal(ReferralStatus.Routed, referral.Status);
        Assert.False(referral.Flagged);
    }

    [Fact]
    public async Task An_advice_that_fails_every_retry_is_recorded_as_failed_and_counted_without_touching_routing()
    {
        var hub = new Hub();
        hub.Sms.Script = ToTheSubjectOnly(_ => throw new SmsUnavailableException("connection refused"));
        await hub.TextAsync("Southend drunk on the seafront 07700 900666 consent y");

        await hub.RouteQueuedAsync();

        Assert.Single(hub.SmsPoisoned, i => i.Kind == AdviceSmsItem(hub).Kind);
        var referral = Assert.Single(hub.Store.Referrals);
        Assert.Equal(ReferralStatus.Routed, referral.Status);
        Assert.False(referral.Flagged);
        Assert.Equal(AdviceState.Failed, referral.Advice);
        Assert.Equal(1, NightSafe.Core.Summaries.NightSummaryCalculator.Calculate(referral.Night, hub.Store.Referrals, hub.Store.AllCases, Hub.World, hub.Time.GetUtcNow()).AdviceFailed);
        Assert.Equal(SmsMarkState.Failed, Assert.Single(hub.Markers.Marks, m => m.Key.StartsWith("advice/", StringComparison.Ordinal)).State);
    }

    [Fact]
    public async Task An_advice_the_provider_took_before_an_unclear_answer_is_reconciled_not_sent_again()
    {
        var hub = new Hub();
        // Twilio creates the message, then the answer is lost (a 500 or a timeout).
        hub.Sms.Script = ToTheSubjectOnly(sms => throw new SmsSendUncertainException("500 after create " + hub.Sms.Reach(sms)));
        await hub.TextAsync("Chelmsford alone by the river 07700 900777 consent y");

        await hub.RouteQueuedAsync();

        var sent = Assert.Single(hub.Sms.Provider, p => !PartnerLoopPhones.Contains(p.Sms.To));
        Assert.Single(AdviceTexts(hub));
        Assert.Equal(1, hub.Sms.Reconciles);
        var referral = Assert.Single(hub.Store.Referrals);
        Assert.Equal(AdviceState.Sent, referral.Advice);
        Assert.Equal(sent.Sid, referral.AdviceMessageId);
    }

    [Fact]
    public async Task An_unclear_answer_for_a_message_the_provider_does_not_have_is_sent_again_once()
    {
        var hub = new Hub();
        var attempts = 0;
        hub.Sms.Script = ToTheSubjectOnly(_ => ++attempts == 1 ? throw new SmsSendUncertainException("timeout before Twilio got it") : null);
        await hub.TextAsync("Chelmsford alone by the river 07700 900777 consent y");

        await hub.RouteQueuedAsync();

        Assert.Single(hub.Sms.Provider, p => !PartnerLoopPhones.Contains(p.Sms.To));
        Assert.Equal(2, AdviceTexts(hub).Count);
        Assert.Equal(AdviceState.Sent, Assert.Single(hub.Store.Referrals).Advice);
    }

    [Fact]
    public async Task Routing_sends_the_advice_itself_once_the_cases_are_out_and_queues_none()
    {
        var hub = new Hub();
        await hub.TextAsync("Chelmsford alone by the river 07700 900777 consent y");
        var referral = Assert.Single(hub.Store.Referrals);

        Assert.Equal(RoutingOutcome.Routed, await hub.Router.RouteAsync(referral.Night, referral.Reference, CancellationToken.None));

        Assert.DoesNotContain(hub.SmsQueue.Items, i => i.Kind == AdviceSmsItem(hub).Kind);
        var sent = Assert.Single(hub.Sms.Provider, p => !PartnerLoopPhones.Contains(p.Sms.To));
        Assert.Equal("+447700900777", sent.Sms.To);
        var routed = Assert.Single(hub.Store.Referrals);
        Assert.Equal(ReferralStatus.Routed, routed.Status);
        Assert.Equal(AdviceState.Sent, routed.Advice);
        Assert.Equal(sent.Sid, routed.AdviceMessageId);
    }

    [Fact]
    public async Task After_a_slow_advice_send_routing_queues_advice_without_calling_the_provider_until_the_pause_ends()
    {
        var hub = new Hub();
        var attempts = 0;
        // The first send hangs past the slow mark, then fails.
        hub.Sms.Script = ToTheSubjectOnly(_ =>
        {
            if (++attempts > 1)
            {
                return null;
            }

            hub.Time.Advance(SmsProviderPace.Slow + TimeSpan.FromSeconds(1));
            throw new SmsUnavailableException("timed out");
        });
        await TwoReferralsRoutedAsync(hub);

        // The first failed at the provider and was queued; the second did not try the provider at all.
        Assert.Equal(1, attempts);
        Assert.Equal(2, hub.SmsQueue.Items.Count(i => i.Kind == Sms.SmsKinds.Advice));
        await hub.SendQueuedSmsAsync();
        Assert.Equal(2, hub.Sms.Provider.Count(p => !PartnerLoopPhones.Contains(p.Sms.To)));
        Assert.All(hub.Store.Referrals, r => Assert.Equal(AdviceState.Sent, r.Advice));

        // Once the pause is over, routing sends at once again.
        hub.Time.Advance(SmsProviderPace.Pause);
        var third = await hub.ReferAndRouteAsync("Chelmsford alone in the park 07700 900779 consent y");
        Assert.Equal(AdviceState.Sent, third.Advice);
        Assert.Equal(4, attempts);
    }

    [Fact]
    public async Task A_slow_storage_account_does_not_stop_routing_sending_at_once_only_a_slow_provider_does()
    {
        var hub = new Hub();
        // Each mark takes longer than a slow provider call would; the provider itself answers at once.
        hub.Markers.Beginning = () => hub.Time.Advance(SmsProviderPace.Slow + TimeSpan.FromMilliseconds(500));
        await TwoReferralsRoutedAsync(hub);

        // Both referrals' advice and alerts went at once: queueing them would only have added the queue's requests.
        Assert.Empty(hub.SmsQueue.Items);
        Assert.All(hub.Store.Referrals, r => Assert.Equal(AdviceState.Sent, r.Advice));
        Assert.Equal(2, hub.Sms.Provider.Count(p => !PartnerLoopPhones.Contains(p.Sms.To)));
    }

    [Fact]
    public async Task A_provider_that_never_answers_holds_routing_for_the_budget_only_and_its_advice_is_reconciled_not_sent_twice()
    {
        var hub = new Hub();
        hub.Sms.Hangs = sms => !PartnerLoopPhones.Contains(sms.To) && hub.Sms.Sent.Count(s => !PartnerLoopPhones.Contains(s.To)) == 1;
        await hub.TextAsync("Chelmsford alone by the river 07700 900777 consent y");
        var referral = Assert.Single(hub.Store.Referrals);

        var routing = hub.Router.RouteAsync(referral.Night, referral.Reference, CancellationToken.None);
        Assert.False(routing.IsCompleted);
        hub.Time.Advance(SmsAtOnce.Budget);

        Assert.Equal(RoutingOutcome.Routed, await routing);
        Assert.Equal(ReferralStatus.Routed, Assert.Single(hub.Store.Referrals).Status);
        var item = Assert.Single(hub.SmsQueue.Items, i => i.Kind == Sms.SmsKinds.Advice);
        // The mark is the abandoned attempt's until its lease ends; then the queued attempt finds the message at the provider.
        await ReconciledAfterTheLeaseAsync(hub, item);
    }

    [Fact]
    public async Task A_quick_failure_queues_that_advice_only_and_the_next_is_sent_at_once()
    {
        var hub = new Hub();
        var attempts = 0;
        hub.Sms.Script = ToTheSubjectOnly(sms => ++attempts == 1 ? throw new SmsSendUncertainException("500 after create " + hub.Sms.Reach(sms)) : null);
        var first = await hub.ReferAndRouteAsync("Chelmsford alone by the river 07700 900777 consent y");
        Assert.Equal(1, hub.Sms.Reconciles); // its queued attempt found it at the provider

        await hub.TextAsync("Chelmsford drunk outside the station 07700 900778 consent y");
        var item = Assert.Single(hub.RoutingQueue.Items);
        hub.RoutingQueue.Items.Clear();
        await hub.Router.RouteAsync(Nights.NightId.Parse(item.Night), References.ReferenceCode.Parse(item.Reference), CancellationToken.None);

        Assert.DoesNotContain(hub.SmsQueue.Items, i => i.Kind == Sms.SmsKinds.Advice);
        Assert.Equal(2, hub.Sms.Provider.Count(p => !PartnerLoopPhones.Contains(p.Sms.To)));
        Assert.All(hub.Store.Referrals, r => Assert.Equal(AdviceState.Sent, r.Advice));
        Assert.Equal(first.Reference, hub.Store.Referrals.Single(r => r.AdviceMessageId == hub.Sms.Provider.First(p => p.Sms.To == "+447700900777").Sid).Reference);
    }

    [Fact]
    public async Task A_routing_attempt_that_died_with_its_advice_at_the_provider_is_repeated_and_the_advice_reconciled_not_sent_again()
    {
        var hub = new Hub();
        // Twilio takes the advice, then the worker stops (the host cancels the invocation) before anything is recorded.
        hub.Sms.Script = ToTheSubjectOnly(sms => throw new OperationCanceledException("host stopping " + hub.Sms.Reach(sms)));
        await hub.TextAsync("Chelmsford alone by the river 07700 900777 consent y");
        var referral = Assert.Single(hub.Store.Referrals);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => hub.Router.RouteAsync(referral.Night, referral.Reference, CancellationToken.None));
        hub.Sms.Script = _ => null;

        // The routing item comes back: its cases are out, so it only queues the follow-ups, the advice among them.
        Assert.Equal(RoutingOutcome.AlreadyRouted, await hub.Router.RouteAsync(referral.Night, referral.Reference, CancellationToken.None));
        var item = Assert.Single(hub.SmsQueue.Items, i => i.Kind == AdviceSmsItem(hub).Kind);

        // At once: the mark is still leased to the dead attempt, so nothing is sent.
        await ReconciledAfterTheLeaseAsync(hub, item);
    }

    [Fact]
    public async Task An_advice_whose_outcome_could_not_be_recorded_on_its_referral_is_reconciled_and_never_repeated()
    {
        var hub = new Hub();
        await hub.TextAsync("Chelmsford alone by the river 07700 900777 consent y");
        var referral = Assert.Single(hub.Store.Referrals);
        // Twilio takes the message; then storage fails as its outcome is written on the referral, the one place it is kept.
        hub.Sms.Script = ToTheSubjectOnly(_ =>
        {
            hub.Store.BeforeNextSave = () => throw new InvalidOperationException("storage failed");
            return null;
        });

        Assert.Equal(RoutingOutcome.Routed, await hub.Router.RouteAsync(referral.Night, referral.Reference, CancellationToken.None));
        Assert.Equal(AdviceState.Pending, Assert.Single(hub.Store.Referrals).Advice);
        hub.Sms.Script = _ => null;
        var item = Assert.Single(hub.SmsQueue.Items, i => i.Kind == AdviceSmsItem(hub).Kind);

        // The queued attempt finds the mark unrecorded: busy while leased, then reconciled with the provider, never sent again.
        await ReconciledAfterTheLeaseAsync(hub, item);
        Assert.Single(AdviceTexts(hub));
    }

    [Fact]
    public async Task Manual_routing_flags_the_referral_and_alerts_every_duty_inspector()
    {
        var hub = new Hub();
        await hub.TextAsync("Colchester spiked drink at the Hippodrome");
        var item = Assert.Single(hub.RoutingQueue.Items);

        await hub.Manual.HandleAsync(item, "msg-1", CancellationToken.None);
        await hub.SendQueuedSmsAsync();

        var referral = Assert.Single(hub.Store.Referrals);
        Assert.Equal(ReferralStatus.NeedsManualRouting, referral.Status);
        Assert.True(referral.Flagged);
        Assert.Equal(Hub.World.DutyInspectors.Select(i => i.Phone).Order(), hub.Sms.Sent.Select(s => s.To).Order());
        Assert.All(hub.Sms.Sent, s => Assert.Contains(referral.Reference.ToString(), s.Body, StringComparison.Ordinal));
        Assert.All(hub.Sms.Sent, s => Assert.True(Sms.SmsText.IsGsm7(s.Body) && Sms.SmsText.Segments(s.Body) <= 2));
    }

    [Fact]
    public async Task A_routing_item_poisoned_after_its_cases_were_published_leaves_the_referral_routed_and_still_sends_its_advice()
    {
        var hub = new Hub();
        await hub.TextAsync("Chelmsford alone by the river 07700 900777 consent y");
        var item = Assert.Single(hub.RoutingQueue.Items);
        var stored = Assert.Single(hub.Store.Referrals);

        // The cases go out and the referral is marked Routed, but the provider is down, so the advice and the alerts are
        // queued, and queueing them fails on every delivery of the item.
        hub.Sms.Script = _ => throw new SmsUnavailableException("connection refused");
        hub.SmsQueue.Fail = _ => new InvalidOperationException("queue unavailable");
        for (var delivery = 1; delivery <= 5; delivery++)
        {
            await Assert.ThrowsAsync<InvalidOperationException>(() => hub.Router.RouteAsync(stored.Night, stored.Reference, CancellationToken.None));
        }

        var published = hub.Publisher.Cases.Count;
        Assert.True(published > 0);
        hub.SmsQueue.Fail = null;
        hub.Sms.Script = _ => null;
        await hub.Manual.HandleAsync(item, "msg-1", CancellationToken.None);
        await hub.SendQueuedSmsAsync();

        // Partners have the cases: no inspector is told to route it by hand, and what routing left undone is done.
        var referral = Assert.Single(hub.Store.Referrals);
        Assert.Equal((ReferralStatus.Routed, false), (referral.Status, referral.Flagged));
        Assert.DoesNotContain(hub.Store.Events(referral), e => e.Kind == ReferralEventKinds.ManualRouting);
        Assert.DoesNotContain(hub.Sms.Sent, s => Hub.World.DutyInspectors.Any(i => i.Phone == s.To));
        Assert.Equal(published, hub.Publisher.Cases.Count);
        Assert.Single(hub.Sms.Provider, p => !PartnerLoopPhones.Contains(p.Sms.To));
        Assert.Equal(AdviceState.Sent, referral.Advice);
    }

    [Fact]
    public async Task A_routing_item_poisoned_after_the_officer_closed_the_referral_does_not_reopen_it()
    {
        var hub = new Hub();
        await hub.TextAsync("Chelmsford alone by the river 07700 900777 consent y");
        var item = Assert.Single(hub.RoutingQueue.Items);
        var stored = Assert.Single(hub.Store.Referrals);
        await hub.TextAsync($"CLOSE {stored.Reference} false alarm, with friends");

        await hub.Manual.HandleAsync(item, "msg-1", CancellationToken.None);
        await hub.SendQueuedSmsAsync();

        var referral = Assert.Single(hub.Store.Referrals);
        Assert.Equal((ReferralStatus.Closed, false), (referral.Status, referral.Flagged));
        Assert.DoesNotContain(hub.Store.Events(referral), e => e.Kind == ReferralEventKinds.ManualRouting);
        Assert.DoesNotContain(hub.Sms.Sent, s => Hub.World.DutyInspectors.Any(i => i.Phone == s.To));
        Assert.Empty(hub.Publisher.Cases);
    }

    [Fact]
    public async Task An_alert_fan_out_that_fails_for_one_inspector_never_texts_the_others_twice()
    {
        var hub = new Hub();
        var unlucky = Hub.World.DutyInspectors[^1].Phone;
        var failures = 0;
        hub.Sms.Script = sms => sms.To == unlucky && failures++ == 0 ? throw new SmsUnavailableException("connection refused") : null;
        await hub.TextAsync("Colchester spiked drink at the Hippodrome");
        var item = Assert.Single(hub.RoutingQueue.Items);

        // The poison message is handled, and handled again (a redelivery, or the queue's retry after a failure).
        for (var run = 0; run < 2; run++)
        {
            try
            {
                await hub.Manual.HandleAsync(item, "msg-1", CancellationToken.None);
            }
            catch (SmsUnavailableException)
            {
                // The old loop failed here; the retry runs it again.
            }
        }

        await hub.SendQueuedSmsAsync();

        Assert.All(Hub.World.DutyInspectors, i => Assert.Single(hub.Sms.Provider, p => p.Sms.To == i.Phone));
    }

    [Fact]
    public async Task An_unreadable_poison_message_still_alerts_the_inspectors()
    {
        var hub = new Hub();

        await hub.Manual.HandleAsync(null, "msg-9", CancellationToken.None);
        await hub.SendQueuedSmsAsync();

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
        var router = new ReferralRouter(hub.Store, publisher, hub.SmsQueue, hub.Advice, hub.AtOnce, hub.Loop, new RoutingPolicy(Hub.World), Hub.World, hub.Time, Microsoft.Extensions.Logging.Abstractions.NullLogger<ReferralRouter>.Instance);
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
        Assert.Empty(AdviceTexts(hub));
        Assert.Equal(AdviceState.NotApplicable, Assert.Single(hub.Store.Referrals).Advice);
    }

    [Fact]
    public async Task A_close_after_the_cases_are_recorded_and_before_they_are_published_discloses_nothing_and_sends_no_advice()
    {
        var hub = new Hub();
        await ClosedJustAfterRoutingRecordedTheCasesAsync(hub);

        Assert.Empty(hub.Publisher.Cases);
        Assert.Empty(AdviceTexts(hub));
        var closed = Assert.Single(hub.Store.Referrals);
        Assert.Equal(ReferralStatus.Closed, closed.Status);
        Assert.Equal(AdviceState.NotApplicable, closed.Advice);
        Assert.Contains(hub.Store.Events(closed), e => e.Kind == ReferralEventKinds.Withheld);
    }

    [Fact]
    public async Task A_case_withheld_because_of_a_close_is_not_the_agencys_its_list_reports_and_the_summary_leave_it_out()
    {
        var hub = new Hub();
        var referral = await ClosedJustAfterRoutingRecordedTheCasesAsync(hub);

        Assert.Empty(hub.Publisher.Cases);
        var recorded = hub.Store.AllCases;
        Assert.NotEmpty(recorded);
        Assert.All(recorded, c => Assert.True(c.IsWithheld));
        foreach (var @case in recorded)
        {
            Assert.Empty(await hub.Partners.ListAsync(@case.AgencyId, referral.Night, CancellationToken.None));
            Assert.IsType<OutcomeResult.NotRoutedToAgency>(await hub.Partners.ReportAsync(@case.AgencyId, referral.Night, referral.Reference, PartnerOutcome.Accepted, null, CancellationToken.None));
        }

        var summary = NightSafe.Core.Summaries.NightSummaryCalculator.Calculate(referral.Night, hub.Store.Referrals, hub.Store.AllCases, Hub.World, hub.Time.GetUtcNow());
        Assert.Empty(summary.Agencies);
        Assert.Equal(recorded.Count, hub.Store.Events(Assert.Single(hub.Store.Referrals)).Count(e => e.Kind == ReferralEventKinds.Withheld));

        // A repeat of the routing item finds them withheld and writes nothing new.
        await hub.Router.RouteAsync(referral.Night, referral.Reference, CancellationToken.None);
        Assert.Empty(hub.Publisher.Cases);
        Assert.Equal(recorded.Count, hub.Store.Events(Assert.Single(hub.Store.Referrals)).Count(e => e.Kind == ReferralEventKinds.Withheld));
    }

    [Fact]
    public async Task A_close_while_the_cases_are_being_published_sends_no_advice()
    {
        var hub = new Hub();
        await hub.TextAsync("Chelmsford spiked outside Bar 9 07700 900777 consent y");
        var referral = Assert.Single(hub.Store.Referrals);
        var publisher = new ObservingPublisher(hub.Publisher, _ => hub.TextAsync($"CLOSE {referral.Reference} with friends now").GetAwaiter().GetResult());
        var router = new ReferralRouter(hub.Store, publisher, hub.SmsQueue, hub.Advice, hub.AtOnce, hub.Loop, new RoutingPolicy(Hub.World), Hub.World, hub.Time, Microsoft.Extensions.Logging.Abstractions.NullLogger<ReferralRouter>.Instance);

        await router.RouteAsync(referral.Night, referral.Reference, CancellationToken.None);
        await hub.SendQueuedSmsAsync();

        Assert.Empty(AdviceTexts(hub));
        Assert.Equal(AdviceState.NotApplicable, Assert.Single(hub.Store.Referrals).Advice);
    }

    /// <summary>
    /// The queued advice finds its mark still leased to the earlier attempt (busy), and once the lease is over finds the
    /// message at the provider: sent once, reconciled once, recorded on the referral.
    /// </summary>
    private static async Task ReconciledAfterTheLeaseAsync(Hub hub, OutboundSmsItem item)
    {
        await Assert.ThrowsAsync<Sms.SmsBusyException>(() => hub.SmsWork.HandleAsync(item, CancellationToken.None));
        hub.Time.Advance(Sms.OutboundSms.Lease);
        await hub.SmsWork.HandleAsync(item, CancellationToken.None);

        var sent = Assert.Single(hub.Sms.Provider, p => !PartnerLoopPhones.Contains(p.Sms.To));
        Assert.Equal(1, hub.Sms.Reconciles);
        Assert.Equal(AdviceState.Sent, Assert.Single(hub.Store.Referrals).Advice);
        Assert.Equal(sent.Sid, Assert.Single(hub.Store.Referrals).AdviceMessageId);
    }

    /// <summary>A spiking referral routed while the officer's CLOSE lands just after routing recorded its cases.</summary>
    private static async Task<Referral> ClosedJustAfterRoutingRecordedTheCasesAsync(Hub hub)
    {
        await hub.TextAsync("Chelmsford spiked outside Bar 9 07700 900777 consent y");
        var referral = Assert.Single(hub.Store.Referrals);
        hub.Store.AfterNextSave = () => hub.TextAsync($"CLOSE {referral.Reference} with friends now").GetAwaiter().GetResult();
        await hub.RouteQueuedAsync();
        return referral;
    }

    /// <summary>Two Chelmsford referrals texted, then routed one after the other by the router itself (not the queue).</summary>
    private static async Task TwoReferralsRoutedAsync(Hub hub)
    {
        await hub.TextAsync("Chelmsford alone by the river 07700 900777 consent y");
        await hub.TextAsync("Chelmsford drunk outside the station 07700 900778 consent y");
        var items = hub.RoutingQueue.Items.ToList();
        hub.RoutingQueue.Items.Clear();

        foreach (var item in items)
        {
            Assert.Equal(RoutingOutcome.Routed, await hub.Router.RouteAsync(Nights.NightId.Parse(item.Night), References.ReferenceCode.Parse(item.Reference), CancellationToken.None));
        }
    }

    private static OutboundSmsItem AdviceSmsItem(Hub hub) => Advice.AdviceSms.ItemFor(Assert.Single(hub.Store.Referrals));

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
