using NightSafe.Core.Outcomes;
using NightSafe.Core.Partners;
using NightSafe.Core.Ports;
using NightSafe.Core.Referrals;
using NightSafe.Core.World;

namespace NightSafe.Core.Tests.Services;

/// <summary>The partner loop over in-memory ports and a fake clock: alerts, deadlines, escalation, cancellations, SMS answers.</summary>
public sealed class PartnerLoopTests
{
    private const string Pastors = "street-pastors-chelmsford";
    private const string Council = "community-safety-chelmsford";
    private const string SafeSpace = "safe-space-chelmsford";
    private const string WestInspector = "+447700900903";

    private static string PhoneOf(string agency) => Hub.World.AgencyNamed(agency)!.DutyPhones[0];

    private static string ControlRoomPhone => Hub.World.FallbackAgency.DutyPhones[0];

    private static async Task<Referral> RoutedAsync(Hub hub, string text = "Chelmsford spiked outside Bar 9, 07700 900123, consent y")
    {
        await hub.TextAsync(text);
        await hub.RouteQueuedAsync();
        return hub.Store.Referrals.OrderBy(r => r.ReceivedAt).Last();
    }

    private static Task<OutcomeResult> AnswerAsync(Hub hub, Referral referral, string agency, PartnerOutcome outcome) =>
        hub.Partners.ReportAsync(AgencyId.From(agency), referral.Night, referral.Reference, outcome, null, CancellationToken.None);

    [Fact]
    public async Task A_partner_loop_step_that_failed_every_retry_alerts_every_duty_inspector_once()
    {
        var hub = new Hub();
        var referral = await RoutedAsync(hub);
        var inspectors = Hub.World.DutyInspectors.Select(i => i.Phone).ToHashSet();
        var before = hub.Sms.Sent.Count(s => inspectors.Contains(s.To));
        var step = new PartnerLoopItem(PartnerLoopItem.Escalation, referral.Night.ToString(), referral.Reference.ToString(), Pastors);

        // The poison queue's handler runs twice (a redelivery): each inspector is still texted once.
        await hub.LoopPoison.HandleAsync(step, "poison-1", CancellationToken.None);
        await hub.LoopPoison.HandleAsync(step, "poison-1", CancellationToken.None);
        await hub.LoopPoison.HandleAsync(null, "poison-2", CancellationToken.None);
        await hub.SendQueuedSmsAsync();

        var alerts = hub.Sms.Sent.Where(s => inspectors.Contains(s.To)).Skip(before).ToList();
        Assert.Equal(inspectors.Order().SelectMany(p => new[] { p, p }), alerts.Select(a => a.To).Order());
        var named = alerts.Where(a => a.Body.Contains(referral.Reference.ToString(), StringComparison.Ordinal)).ToList();
        Assert.Equal(inspectors.Count, named.Count);
        Assert.All(named, a => Assert.Contains(Hub.World.AgencyNamed(Pastors)!.Name, a.Body, StringComparison.Ordinal));
        Assert.Equal(inspectors.Count, alerts.Count(a => a.Body.Contains("poison-2", StringComparison.Ordinal)));
        Assert.All(alerts, a => Assert.True(Sms.SmsText.IsGsm7(a.Body) && Sms.SmsText.Segments(a.Body) <= 2));
    }

    [Fact]
    public async Task A_deadline_shared_by_several_cases_that_failed_every_retry_names_each_agency_to_the_inspectors()
    {
        var hub = new Hub();
        var referral = await RoutedAsync(hub);
        var shared = Assert.Single(hub.Steps.Pending).Item;
        Assert.True(shared.AgencyIds().Count > 1);
        var inspectors = Hub.World.DutyInspectors.Select(i => i.Phone).ToHashSet();
        var before = hub.Sms.Sent.Count(s => inspectors.Contains(s.To));

        // As the poison queue hands it over: the message text read back.
        await hub.LoopPoison.HandleAsync(PartnerLoopItem.FromJson(shared.ToJson()), "poison-3", CancellationToken.None);
        await hub.SendQueuedSmsAsync();

        var alerts = hub.Sms.Sent.Where(s => inspectors.Contains(s.To)).Skip(before).ToList();
        Assert.Equal(inspectors.Order(), alerts.Select(a => a.To).Order());
        Assert.All(alerts, a =>
        {
            Assert.Contains(referral.Reference.ToString(), a.Body, StringComparison.Ordinal);
            Assert.All(shared.AgencyIds(), id => Assert.Contains(Hub.World.AgencyNamed(id)!.Name, a.Body, StringComparison.Ordinal));
        });
    }

    [Fact]
    public async Task Routing_texts_every_duty_phone_once_and_queues_each_cases_deadline()
    {
        var hub = new Hub();
        var referral = await RoutedAsync(hub);
        var agencies = hub.Store.AllCases.Select(c => c.AgencyId.Value).Order().ToList();

        Assert.Equal([Council, SafeSpace, Pastors], agencies);
        // Sent by routing itself, not queued: the queue's send, receive and delete are saved for each.
        Assert.DoesNotContain(hub.PartnerSms.All, s => s.Kind == PartnerSmsKinds.CaseAlert);
        var alerts = hub.Texted.Where(s => s.Key.StartsWith(PartnerSmsKinds.CaseAlert + "/", StringComparison.Ordinal)).ToList();
        Assert.Equal(agencies.Select(PhoneOf).Order(), alerts.Select(a => a.To).Order());
        Assert.All(alerts, a =>
        {
            Assert.EndsWith($"Reply ACC {referral.Reference} or DEC {referral.Reference}", a.Body, StringComparison.Ordinal);
            Assert.DoesNotContain("900123", a.Body, StringComparison.Ordinal);
        });
        Assert.Equal(
            agencies.Select(a => (a, referral.ReceivedAt + TimeSpan.FromMinutes(10))).Order(),
            hub.Steps.Pending.SelectMany(p => p.Item.AgencyIds().Select(a => (a, p.Due))).Order());
        // The three cases are due together: one deadline message for them, not one each.
        Assert.Single(hub.Steps.Pending);
        var atTheProvider = hub.Sms.Provider.Count;

        await hub.Router.RouteAsync(referral.Night, referral.Reference, CancellationToken.None);
        await hub.SendQueuedSmsAsync();

        // The repeat found each alert's mark: nothing reached the provider twice.
        Assert.Equal(atTheProvider, hub.Sms.Provider.Count);
        Assert.Equal(alerts.Order(), hub.Texted.Where(s => s.Key.StartsWith(PartnerSmsKinds.CaseAlert + "/", StringComparison.Ordinal)).Order());
    }

    [Fact]
    public async Task When_the_provider_is_down_routing_queues_the_case_alerts_and_they_go_once_it_is_back()
    {
        var hub = new Hub();
        hub.Sms.Script = sms => sms.Body.Contains("Reply ACC", StringComparison.Ordinal) ? throw new SmsUnavailableException("connection refused") : null;
        await hub.TextAsync("Chelmsford spiked outside Bar 9, 07700 900123, consent y");
        while (hub.RoutingQueue.Items.TryDequeue(out var item))
        {
            await hub.Router.RouteAsync(Nights.NightId.Parse(item.Night), References.ReferenceCode.Parse(item.Reference), CancellationToken.None);
        }

        var referral = Assert.Single(hub.Store.Referrals);
        Assert.Equal(ReferralStatus.Routed, referral.Status);
        var queued = hub.PartnerSms.All.Where(s => s.Kind == PartnerSmsKinds.CaseAlert).ToList();
        Assert.Equal(hub.Store.AllCases.Select(c => PhoneOf(c.AgencyId.Value)).Order(), queued.Select(s => s.To!).Order());
        Assert.DoesNotContain(hub.Texted, s => s.Key.StartsWith(PartnerSmsKinds.CaseAlert + "/", StringComparison.Ordinal));

        hub.Sms.Script = _ => null;
        await hub.SendQueuedSmsAsync();

        var alerts = hub.Texted.Where(s => s.Key.StartsWith(PartnerSmsKinds.CaseAlert + "/", StringComparison.Ordinal)).ToList();
        Assert.Equal(queued.Select(s => s.To!).Order(), alerts.Select(a => a.To).Order());
        Assert.Equal(alerts.Count, hub.Sms.Provider.Count(p => p.Sms.Body.Contains("Reply ACC", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_referral_routed_by_hand_alerts_the_chosen_agencies_duty_phones_and_queues_their_deadlines_like_routing()
    {
        const string Survivors = "da-survivors-essex";
        var hub = new Hub();
        await hub.TextAsync("Chelmsford spiked outside Bar 9, 07700 900123, consent y");
        Assert.True(hub.RoutingQueue.Items.TryDequeue(out var item));
        await hub.Manual.HandleAsync(item, "poisoned-1", CancellationToken.None);
        var flagged = Assert.Single(hub.Store.Referrals);
        Assert.Equal(ReferralStatus.NeedsManualRouting, flagged.Status);

        var result = await hub.Router.RouteByHandAsync(flagged.Night, flagged.Reference, [Pastors, Survivors], "control-room:Sgt Test", CancellationToken.None);

        Assert.IsType<Routing.ManualRoutingResult.Routed>(result);
        var alerts = hub.PartnerSms.Sent.Where(s => s.Kind == PartnerSmsKinds.CaseAlert).ToList();
        Assert.Equal(new[] { PhoneOf(Survivors), PhoneOf(Pastors) }.Order(), alerts.Select(a => a.To).Order());
        Assert.All(alerts, a => Assert.StartsWith($"NightSafe {flagged.Reference} ", a.Body, StringComparison.Ordinal));
        Assert.Equal(
            new[] { Survivors, Pastors }.Select(a => (a, Hub.FridayNight + TimeSpan.FromMinutes(10))).Order(),
            hub.Steps.Pending.SelectMany(p => p.Item.AgencyIds().Select(a => (a, p.Due))).Order());

        hub.Time.Advance(TimeSpan.FromMinutes(10));
        await hub.RunDueStepsAsync();

        Assert.Equal([Survivors, Pastors], Reminded(hub, flagged));
    }

    [Fact]
    public async Task An_unanswered_case_is_reminded_then_escalated_to_the_control_room_and_the_towns_inspector_once()
    {
        var hub = new Hub();
        var referral = await RoutedAsync(hub);
        await AnswerAsync(hub, referral, Pastors, PartnerOutcome.Accepted);

        hub.Time.Advance(TimeSpan.FromMinutes(10));
        await hub.RunDueStepsAsync();

        Assert.Equal([Council, SafeSpace], Reminded(hub, referral));
        Assert.Single(hub.PartnerSms.To(PhoneOf(Council)), s => s.Key.EndsWith("/reminder", StringComparison.Ordinal));
        Assert.DoesNotContain(hub.PartnerSms.To(PhoneOf(Pastors)), s => s.Key.EndsWith("/reminder", StringComparison.Ordinal));
        Assert.Equal(2, hub.PartnerSms.To(ControlRoomPhone).Count(s => s.Body!.Contains("has not accepted", StringComparison.Ordinal)));
        Assert.DoesNotContain(hub.Store.AllCases, c => c.AgencyId == Hub.World.FallbackAgencyId);

        hub.Time.Advance(TimeSpan.FromMinutes(10) - TimeSpan.FromSeconds(1));
        await hub.RunDueStepsAsync();
        Assert.Empty(Escalated(hub, referral));

        hub.Time.Advance(TimeSpan.FromSeconds(1));
        await hub.RunDueStepsAsync();

        Assert.Equal([Council, SafeSpace], Escalated(hub, referral));
        var controlRoomCase = Assert.Single(hub.Store.AllCases, c => c.AgencyId == Hub.World.FallbackAgencyId);
        Assert.Contains(hub.Store.Events(referral), e => e.Kind == ReferralEventKinds.Disclosed && e.Data[ReferralEventData.Agency] == controlRoomCase.AgencyId.Value);
        Assert.Single(hub.Publisher.Cases.DistinctBy(c => c.MessageId), c => c.AgencyId == controlRoomCase.AgencyId);
        Assert.Single(hub.PartnerSms.To(ControlRoomPhone), s => s.Body!.StartsWith("NightSafe ESCALATED", StringComparison.Ordinal));
        var inspector = Assert.Single(hub.PartnerSms.To(WestInspector));
        Assert.Contains("not accepted by", inspector.Body, StringComparison.Ordinal);
        Assert.Empty(hub.PartnerSms.To("+447700900901"));
        Assert.Empty(hub.PartnerSms.To("+447700900902"));
        Assert.True(hub.Store.Referrals.Single().Flagged);

        // Duplicate firings of every step: nothing new is texted, published or recorded.
        var (sent, published, events) = (hub.PartnerSms.Sent.Count, hub.Publisher.Cases.Count, hub.Store.Events(referral).Count);
        foreach (var agency in new[] { Council, SafeSpace })
        {
            hub.Steps.Redeliver(new PartnerLoopItem(PartnerLoopItem.Reminder, referral.Night.ToString(), referral.Reference.ToString(), agency));
            hub.Steps.Redeliver(new PartnerLoopItem(PartnerLoopItem.Escalation, referral.Night.ToString(), referral.Reference.ToString(), agency, AcknowledgementRules.NotAcceptedReason));
        }

        await hub.RunDueStepsAsync();
        Assert.Equal((sent, events), (hub.PartnerSms.Sent.Count, hub.Store.Events(referral).Count));
        Assert.Single(hub.Publisher.Cases.DistinctBy(c => c.MessageId), c => c.AgencyId == controlRoomCase.AgencyId);
        Assert.True(hub.Publisher.Cases.Count >= published);
    }

    [Fact]
    public async Task Cases_accepted_one_second_before_their_deadline_are_neither_reminded_nor_escalated()
    {
        var hub = new Hub();
        var referral = await RoutedAsync(hub);

        hub.Time.Advance(TimeSpan.FromMinutes(10) - TimeSpan.FromSeconds(1));
        foreach (var agency in new[] { Pastors, Council, SafeSpace })
        {
            await AnswerAsync(hub, referral, agency, PartnerOutcome.Accepted);
        }

        hub.Time.Advance(TimeSpan.FromHours(1));
        await hub.RunDueStepsAsync();

        Assert.Empty(Reminded(hub, referral));
        Assert.Empty(Escalated(hub, referral));
        Assert.DoesNotContain(hub.PartnerSms.Sent, s => s.Key.Contains("/reminder", StringComparison.Ordinal));
        Assert.Empty(hub.Steps.Pending);
    }

    [Fact]
    public async Task Declined_by_every_agency_escalates_at_once_instead_of_closing()
    {
        var hub = new Hub();
        var referral = await RoutedAsync(hub);

        foreach (var agency in new[] { Pastors, Council, SafeSpace })
        {
            await AnswerAsync(hub, referral, agency, PartnerOutcome.Declined);
        }

        await hub.RunDueStepsAsync();

        Assert.Equal(ReferralStatus.InProgress, hub.Store.Referrals.Single().Status);
        var escalated = Assert.Single(hub.Store.Events(referral), e => e.Kind == ReferralEventKinds.Escalated);
        Assert.Equal(AcknowledgementRules.DeclinedByAllReason, escalated.Data[ReferralEventData.Status]);
        Assert.Contains(hub.Store.AllCases, c => c.AgencyId == Hub.World.FallbackAgencyId);
        Assert.Contains("declined by every agency", Assert.Single(hub.PartnerSms.To(WestInspector)).Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_urgent_referral_texts_its_towns_inspector_at_once_and_only_once()
    {
        var hub = new Hub();
        var referral = await RoutedAsync(hub, "Chelmsford spiked and injured outside Bar 9");
        Assert.Equal(Priority.Urgent, referral.Priority);

        await hub.Router.RouteAsync(referral.Night, referral.Reference, CancellationToken.None);

        // Both routing attempts sent it, under one key: its mark lets (key, recipient) reach the provider once.
        var urgent = Assert.Single(hub.Texted, s => s.To == WestInspector);
        Assert.StartsWith($"NightSafe URGENT {referral.Reference}", urgent.Body, StringComparison.Ordinal);
        Assert.Single(hub.Sms.Provider, p => p.Sms.To == WestInspector);
        Assert.DoesNotContain(hub.Texted, s => s.To == "+447700900901");
        Assert.All(hub.Steps.Pending, p => Assert.Equal(referral.ReceivedAt + TimeSpan.FromMinutes(5), p.Due));
    }

    [Fact]
    public async Task An_officers_close_tells_every_agency_that_had_the_case_and_texts_those_that_accepted()
    {
        var hub = new Hub();
        var referral = await RoutedAsync(hub);
        await AnswerAsync(hub, referral, Pastors, PartnerOutcome.Accepted);

        await hub.TextAsync($"CLOSE {referral.Reference} taken home by friends");
        await hub.RunDueStepsAsync();

        var closed = hub.Publisher.Cases.Where(c => c.Subject == OutgoingCase.CaseClosedSubject).ToList();
        Assert.Equal([Council, SafeSpace, Pastors], closed.Select(c => c.AgencyId.Value).Order());
        Assert.All(closed, c => Assert.Equal($"{referral.Night}/{referral.Reference}/{c.AgencyId}/closed", c.MessageId));
        Assert.Contains($"NightSafe {referral.Reference} is CLOSED", Assert.Single(hub.PartnerSms.To(PhoneOf(Pastors)), s => s.Kind == PartnerSmsKinds.CaseCancelled).Body, StringComparison.Ordinal);
        Assert.DoesNotContain(hub.PartnerSms.To(PhoneOf(Council)), s => s.Kind == PartnerSmsKinds.CaseCancelled);
        Assert.Equal(3, hub.Store.Events(referral).Count(e => e.Kind == ReferralEventKinds.Cancelled));

        // Its deadlines later find it over; a second CLOSE tells nobody twice.
        await hub.TextAsync($"CLOSE {referral.Reference}");
        hub.Time.Advance(TimeSpan.FromHours(1));
        await hub.RunDueStepsAsync();
        Assert.Empty(Reminded(hub, referral));
        Assert.Equal(3, hub.Store.Events(referral).Count(e => e.Kind == ReferralEventKinds.Cancelled));
    }

    [Fact]
    public async Task A_duty_phone_accepting_a_referral_that_is_already_closed_is_told_not_to_attend()
    {
        var hub = new Hub();
        var referral = await RoutedAsync(hub);
        await hub.TextAsync($"CLOSE {referral.Reference} taken home by friends");

        var reply = await hub.TextAsync($"ACC {referral.Reference}", PhoneOf(Pastors));

        Assert.Equal($"NightSafe {referral.Reference} is already closed: no need to attend. Thank you.", reply);
    }

    [Fact]
    public async Task A_partners_done_closes_the_referral_and_tells_the_others_not_itself()
    {
        var hub = new Hub();
        var referral = await RoutedAsync(hub);

        await AnswerAsync(hub, referral, Pastors, PartnerOutcome.Closed);
        await hub.RunDueStepsAsync();

        Assert.Equal(ReferralStatus.Closed, hub.Store.Referrals.Single().Status);
        Assert.Equal([Council, SafeSpace], hub.Publisher.Cases.Where(c => c.Subject == OutgoingCase.CaseClosedSubject).Select(c => c.AgencyId.Value).Order());
    }

    [Fact]
    public async Task A_duty_phone_answers_its_own_agencys_cases_by_sms_and_nothing_else()
    {
        var hub = new Hub();
        var chelmsford = await RoutedAsync(hub);
        var colchester = await RoutedAsync(hub, "Colchester spiked near the castle");

        var reply = await hub.TextAsync($"ACC {chelmsford.Reference}", PhoneOf(Pastors));

        Assert.StartsWith($"NightSafe {chelmsford.Reference} accepted by Chelmsford Street Pastors", reply, StringComparison.Ordinal);
        Assert.Equal(CaseStatus.Accepted, hub.Store.AllCases.Single(c => c.Reference == chelmsford.Reference && c.AgencyId.Value == Pastors).Status);
        Assert.Contains(hub.Store.Events(chelmsford), e => e.Kind == ReferralEventKinds.Outcome && e.Actor == "partner:" + Pastors);

        // Another agency's case is not theirs to answer; the only open case of the council is found without a reference.
        var refused = await hub.TextAsync($"ACC {colchester.Reference}", PhoneOf(Council));
        Assert.Contains("is not one of your cases", refused, StringComparison.Ordinal);
        Assert.All(hub.Store.AllCases.Where(c => c.Reference == colchester.Reference), c => Assert.Equal(CaseStatus.Sent, c.Status));
        Assert.StartsWith($"NightSafe {chelmsford.Reference} declined", await hub.TextAsync("dec no capacity", PhoneOf(Council)), StringComparison.Ordinal);
        Assert.Equal(CaseStatus.Declined, hub.Store.AllCases.Single(c => c.Reference == chelmsford.Reference && c.AgencyId.Value == Council).Status);

        Assert.Equal(Intake.OfficerReplies.Neutral, await hub.TextAsync($"ACC {chelmsford.Reference}", "+447700900555"));
    }

    private static List<string> Reminded(Hub hub, Referral referral) =>
        hub.Store.Events(referral).Where(e => e.Kind == ReferralEventKinds.Reminded).Select(e => e.Data[ReferralEventData.Agency]).Order().ToList();

    private static List<string> Escalated(Hub hub, Referral referral) =>
        hub.Store.Events(referral).Where(e => e.Kind == ReferralEventKinds.Escalated).Select(e => e.Data[ReferralEventData.Agency]).Order().ToList();
}
