using System.Net;
using System.Text.Json.Nodes;
using NightSafe.Cli.Demo;
using NightSafe.Cli.Partners;
using NightSafe.Cli.Sms;
using NightSafe.Core.Intake.Parsing;
using NightSafe.Core.References;
using NightSafe.Core.World;
using NightSafe.LocalStack;
using NightSafe.TwilioStandIn;

namespace NightSafe.EndToEnd.Tests;

/// <summary>The demo's invariants catch what they promise to: each broken night below fails its check, the sound one passes.</summary>
public sealed class NightChecksTests
{
    private const string Night = "2026-12-18";
    private const string Reference = "7KQ2MX";
    private const string Subject = "+447700900123";
    private const string Pastors = "street-pastors-chelmsford";
    private const string Council = "community-safety-chelmsford";

    private const string SafeSpace = "safe-space-chelmsford";

    private static readonly RoutingWorld World = RoutingWorld.Load(RepositoryLayout.RoutingJson());

    private static readonly DateTimeOffset Disclosed = new(2026, 12, 18, 22, 31, 0, TimeSpan.Zero);

    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(4);

    [Fact]
    public void A_sound_night_passes_every_check() => Assert.Empty(NightChecks.Failures(SoundNight()));

    [Fact]
    public void A_field_outside_the_agencys_shares_is_a_failure()
    {
        var night = SoundNight();
        var leaky = night.Cases.Single(c => c.Subscription == Council);
        leaky.Body["subjectPhone"] = Subject;

        Assert.Contains(NightChecks.Failures(night), f => f.Contains("outside the agency's shares", StringComparison.Ordinal) && f.Contains(Council, StringComparison.Ordinal));
    }

    [Fact]
    public void A_consent_only_field_without_consent_is_a_failure()
    {
        var night = SoundNight();
        night = night with { Referrals = [night.Referrals[0] with { Consent = "Refused", AdviceState = "NotApplicable" }], Sms = [.. night.Sms.Where(m => m.To != Subject)] };

        Assert.Contains(NightChecks.Minimisation(night), f => f.Contains($"{Pastors} got subjectPhone", StringComparison.Ordinal));
    }

    [Fact]
    public void A_case_on_another_agencys_subscription_is_a_failure()
    {
        var night = SoundNight();
        night = night with { Cases = [.. night.Cases, night.Cases[0] with { Subscription = "street-pastors-colchester" }] };

        Assert.Contains(NightChecks.Isolation(night), f => f.Contains("another agency's subscription", StringComparison.Ordinal));
    }

    [Fact]
    public void The_cases_of_a_referral_closed_before_routing_published_them_are_not_expected_at_the_agencies()
    {
        // Recorded, then withheld: the officer's CLOSE came before routing published them.
        var night = SoundNight();
        var referral = night.Referrals.Single();
        var withheld = night with { Referrals = [referral with { WasRouted = false }], Cases = [] };
        Assert.DoesNotContain(NightChecks.Isolation(withheld), f => f.Contains("never reached their agency", StringComparison.Ordinal));

        // The same cases missing from a routed referral are lost.
        Assert.Contains(NightChecks.Isolation(withheld with { Referrals = [referral] }), f => f.Contains("never reached their agency", StringComparison.Ordinal));
    }

    [Fact]
    public void A_routed_case_that_never_arrived_is_a_failure()
    {
        var night = SoundNight();
        night = night with { Cases = [.. night.Cases.Where(c => c.Subscription != Council)] };

        Assert.Contains(NightChecks.Isolation(night), f => f.Contains("never reached their agency", StringComparison.Ordinal));
    }

    [Fact]
    public void A_second_advice_SMS_for_one_referral_is_a_failure()
    {
        var night = SoundNight();
        night = night with { Sms = [.. night.Sms, night.Sms.Single(m => m.To == Subject) with { Sid = "SM2" }] };

        Assert.Contains(NightChecks.Advice(night), f => f.Contains($"{Reference}: 2 advice SMS, expected 1", StringComparison.Ordinal));
    }

    [Fact]
    public void An_SMS_to_a_number_that_replied_STOP_is_a_failure()
    {
        var night = SoundNight();
        night = night with { Plan = night.Plan with { OptedOutNumbers = new HashSet<string> { Subject } } };

        var failures = NightChecks.Advice(night).ToList();
        Assert.Contains(failures, f => f.Contains("replied STOP", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("expected 0", StringComparison.Ordinal));
    }

    [Fact]
    public void A_referral_left_open_is_a_failure()
    {
        var night = SoundNight();
        night = night with { Referrals = [night.Referrals[0] with { Status = "InProgress" }] };

        Assert.Contains(NightChecks.Terminal(night), f => f.Contains($"{Reference} InProgress", StringComparison.Ordinal));
    }

    [Fact]
    public void Summary_figures_that_differ_from_the_night_are_failures()
    {
        var night = SoundNight();
        night.Summary!["referrals"] = 2;
        night.Summary["byTown"] = new JsonObject { ["chelmsford"] = 2 };
        ((JsonObject)night.Summary["agencies"]![0]!)["declined"] = 1;

        var failures = NightChecks.Summary(night).ToList();
        Assert.Contains(failures, f => f.StartsWith("The summary says referrals 2; the night had 1", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("The summary's byTown", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith($"The summary says {Pastors} declined 1", StringComparison.Ordinal));
    }

    [Fact]
    public void A_summary_SMS_missing_for_an_inspector_is_a_failure()
    {
        var night = SoundNight();
        night = night with { Sms = [.. night.Sms.Where(m => m.To != World.DutyInspectors[0].Phone)] };

        Assert.Contains(NightChecks.Summary(night), f => f.Contains(World.DutyInspectors[0].Name, StringComparison.Ordinal));
    }

    [Fact]
    public void An_unexpected_reply_is_a_failure()
    {
        var night = SoundNight();
        var text = night.Texts[0];
        night = night with { Texts = [text with { Reply = text.Reply with { Message = "NightSafe: sorry", Reference = null } }] };

        Assert.Contains(NightChecks.Replies(night), f => f.Contains("not answered as expected", StringComparison.Ordinal));
    }

    [Fact]
    public void A_case_neither_accepted_nor_escalated_by_its_deadline_is_a_failure_and_one_escalated_at_it_passes()
    {
        var night = WithCase(SoundNight(), new CaseView(SafeSpace, "Sent", ["reference"], Disclosed), closedAfter: TimeSpan.FromMinutes(2));

        Assert.Contains(NightChecks.Deadlines(night), f => f.Contains("neither accepted nor escalated", StringComparison.Ordinal) && f.Contains(SafeSpace, StringComparison.Ordinal));

        var escalated = night with { Referrals = [night.Referrals[0] with { Trail = [.. night.Referrals[0].Trail, new TrailEntry("escalated", Disclosed + (Deadline * 2) + TimeSpan.FromSeconds(1), SafeSpace, "not-accepted", "not accepted")] }] };
        Assert.Empty(NightChecks.Deadlines(escalated));

        var early = night with { Referrals = [night.Referrals[0] with { Trail = [.. night.Referrals[0].Trail, new TrailEntry("escalated", Disclosed + Deadline, SafeSpace, "not-accepted", "not accepted")] }] };
        Assert.Contains(NightChecks.Deadlines(early), f => f.Contains("escalated before their deadline", StringComparison.Ordinal));
    }

    [Fact]
    public void A_referral_declined_by_every_agency_that_never_reached_the_control_room_is_a_failure()
    {
        var night = SoundNight();
        var referral = night.Referrals[0];
        night = night with { Referrals = [referral with { Cases = [.. referral.Cases.Select(c => c with { Status = "Declined", AcceptedAt = null })] }] };

        Assert.Contains(NightChecks.Deadlines(night), f => f.Contains("declined by every agency never reached the control room", StringComparison.Ordinal));
    }

    [Fact]
    public void The_same_alert_SMS_twice_to_one_phone_is_a_failure()
    {
        var night = SoundNight();
        var alert = night.Sms[0] with { Sid = "SMa1", To = World.FindAgency(AgencyId.From(Pastors))!.Phone, Body = $"NightSafe {Reference} spiking, Chelmsford 22:31. Reply ACC {Reference} or DEC {Reference}", StatusCallback = null };
        Assert.Empty(NightChecks.AlertsOnce(night with { Sms = [.. night.Sms, alert] }));

        Assert.Contains(NightChecks.AlertsOnce(night with { Sms = [.. night.Sms, alert, alert with { Sid = "SMa2" }] }), f => f.Contains("more than once", StringComparison.Ordinal));
    }

    [Fact]
    public void An_escalation_the_towns_duty_inspector_was_not_texted_about_is_a_failure()
    {
        var night = SoundNight();
        var referral = night.Referrals[0];
        night = night with { Referrals = [referral with { Trail = [.. referral.Trail, new TrailEntry("escalated", Disclosed + (Deadline * 2), Pastors, "not-accepted", "not accepted")] }] };
        var inspectors = World.InspectorsFor(TownId.From(referral.Town));
        Assert.NotEmpty(inspectors);

        Assert.Contains(NightChecks.Escalations(night), f => f.Contains("not texted about an escalated referral", StringComparison.Ordinal) && f.Contains(inspectors[0].Name, StringComparison.Ordinal));

        var texted = night with { Sms = [.. night.Sms, .. inspectors.Select((i, n) => night.Sms[0] with { Sid = $"SMe{n}", To = i.Phone, Body = $"NightSafe ESCALATED {Reference} spiking, Chelmsford: not accepted.", StatusCallback = null })] };
        Assert.Empty(NightChecks.Escalations(texted));
    }

    [Fact]
    public void An_agency_still_on_a_closed_referral_without_its_cancellation_is_a_failure()
    {
        var night = WithCase(SoundNight(), new CaseView(SafeSpace, "Accepted", ["reference"], Disclosed, Disclosed.AddSeconds(1)), closedAfter: TimeSpan.FromSeconds(5));

        var failures = NightChecks.Cancellations(night).ToList();

        Assert.Contains(failures, f => f.Contains("never received its case-closed message", StringComparison.Ordinal) && f.Contains(SafeSpace, StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("were not texted that it is closed", StringComparison.Ordinal));

        var told = night with
        {
            Cancellations = [$"{Night}/{Reference}/{SafeSpace}/closed"],
            Sms = [.. night.Sms, night.Sms[0] with { Sid = "SMc1", To = World.FindAgency(AgencyId.From(SafeSpace))!.Phone, Body = $"NightSafe {Reference} is CLOSED (by Chelmsford Street Pastors). No need to attend. Thank you.", StatusCallback = null }],
        };
        Assert.Empty(NightChecks.Cancellations(told));
    }

    [Fact]
    public void Latency_percentiles_are_nearest_rank()
    {
        var latency = Latency.Of(Enumerable.Range(1, 20).Select(i => TimeSpan.FromMilliseconds(i * 10)));

        Assert.Equal(TimeSpan.FromMilliseconds(100), latency.P50);
        Assert.Equal(TimeSpan.FromMilliseconds(190), latency.P95);
        Assert.Equal(TimeSpan.FromMilliseconds(200), latency.Max);
    }

    /// <summary>The sound night's referral with one more case, closed <paramref name="closedAfter"/> after it went out.</summary>
    private static NightRecord WithCase(NightRecord night, CaseView extra, TimeSpan closedAfter)
    {
        var referral = night.Referrals[0];
        return night with { Referrals = [referral with { Cases = [.. referral.Cases, extra], ClosedAt = Disclosed + closedAfter }] };
    }

    [Fact]
    public void The_acceptance_to_partner_figure_counts_routings_cases_not_the_control_rooms_case_an_escalation_disclosed_later()
    {
        var night = SoundNight();
        var escalated = Disclosed.AddSeconds(40);
        var referral = night.Referrals.Single() with
        {
            Cases = [.. night.Referrals.Single().Cases, new CaseView(World.FallbackAgencyId.Value, "Sent", ["reference"], escalated)],
        };
        var controlRoomCase = night.Cases[0] with { Subscription = World.FallbackAgencyId.Value, MessageId = $"{Night}/{Reference}/{World.FallbackAgencyId.Value}", ReceivedAt = TimeSpan.FromSeconds(41) };
        ReceivedCase[] received = [.. night.Cases, controlRoomCase, night.Cases[0] with { Body = new JsonObject { ["reference"] = "ZZZZZZ", ["night"] = Night } }];

        var routed = NightFigures.RoutedCases([referral], received).ToList();

        Assert.Equal([Council, Pastors], routed.Select(c => c.Subscription).Order(StringComparer.Ordinal));
        Assert.DoesNotContain(routed, c => c.Subscription == World.FallbackAgencyId.Value);

        // A referral routed to the control room in the first place (the fallback) still counts it.
        var fallback = referral with { Cases = [new CaseView(World.FallbackAgencyId.Value, "Sent", ["reference"], Disclosed)] };
        Assert.Equal(World.FallbackAgencyId.Value, Assert.Single(NightFigures.RoutedCases([fallback], received)).Subscription);
    }

    /// <summary>One referral, routed to the Chelmsford street pastors and council team, closed, advice delivered, summarised.</summary>
    private static NightRecord SoundNight()
    {
        var code = ReferenceCode.Parse(Reference);
        var intended = new IntendedReferral("chelmsford", ["spiking"], Consent.Given, Subject);
        var text = new ScriptedText(0, ScriptedKind.Referral, "+447700900001", "Chelmsford spiked, 07700 900123, consent y", intended);
        var reply = new OfficerReply(HttpStatusCode.OK, $"NightSafe ref {Reference}: spiking in Chelmsford logged.", code, TimeSpan.FromMilliseconds(30));
        string[] pastorsFields = ["reference", "night", "town", "categories", "subjectPhone"];
        string[] councilFields = ["reference", "night", "town", "categories"];
        var referral = new ReferralView(Night, Reference, "Closed", "chelmsford", ["spiking"], "Given", Subject, false, "Delivered", "SM1", null,
            [new CaseView(Pastors, "Closed", pastorsFields, Disclosed, Disclosed.AddSeconds(2)), new CaseView(Council, "Declined", councilFields, Disclosed)])
        {
            ClosedAt = Disclosed.AddSeconds(5),
            Trail = [new TrailEntry("closed", Disclosed.AddSeconds(5), null, null, "closed by " + Pastors)],
        };
        ReceivedCase Case(string agency, string[] fields)
        {
            var body = new JsonObject { ["schemaVersion"] = 1, ["type"] = "case", ["agency"] = agency, ["reference"] = Reference, ["night"] = Night };
            foreach (var field in fields.Where(f => f is not ("reference" or "night")))
            {
                body[field] = field == "subjectPhone" ? Subject : "x";
            }

            return new ReceivedCase(agency, $"{Night}/{Reference}/{agency}", agency, 1, body, TimeSpan.FromSeconds(1));
        }

        SentMessage Sms(string sid, string to, string body, string callback) => new()
        {
            Sid = sid,
            AccountSid = "AC1",
            To = to,
            From = "+447700900000",
            Body = body,
            Status = MessageStatus.Delivered,
            NumSegments = 1,
            NumMedia = 0,
            Encoding = SmsEncoding.Gsm7,
            StatusCallback = callback,
            CreatedAt = DateTimeOffset.UnixEpoch,
            UpdatedAt = DateTimeOffset.UnixEpoch,
        };

        const string summaryText = "NightSafe 2026-12-18 Essex: 1 referrals, 0 open.";
        var summary = new JsonObject
        {
            ["referrals"] = 1,
            ["openReferrals"] = 0,
            ["routedToFallback"] = 0,
            ["unrouted"] = 0,
            ["adviceSent"] = 1,
            ["adviceFailed"] = 0,
            ["byTown"] = new JsonObject { ["chelmsford"] = 1 },
            ["byCategory"] = new JsonObject { ["spiking"] = 1 },
            ["agencies"] = new JsonArray(
                new JsonObject { ["agencyId"] = Pastors, ["cases"] = 1, ["accepted"] = 1, ["declined"] = 0, ["closed"] = 1, ["unanswered"] = 0 },
                new JsonObject { ["agencyId"] = Council, ["cases"] = 1, ["accepted"] = 0, ["declined"] = 1, ["closed"] = 0, ["unanswered"] = 0 }),
            ["text"] = summaryText,
            ["deliveredAt"] = "2026-12-19T06:00:00Z",
        };

        return new NightRecord
        {
            World = World,
            Night = Night,
            Plan = new NightPlan([], [text]),
            Texts = [new TextOutcome(text, text.Body, null, reply, TimeSpan.FromMilliseconds(30))],
            Referrals = [referral],
            Cases = [Case(Pastors, pastorsFields), Case(Council, councilFields)],
            Reports =
            [
                new ReportedOutcome(Pastors, Night, Reference, "accepted", HttpStatusCode.OK),
                new ReportedOutcome(Pastors, Night, Reference, "closed", HttpStatusCode.OK),
                new ReportedOutcome(Council, Night, Reference, "declined", HttpStatusCode.OK),
            ],
            PartnerErrors = [],
            Sms =
            [
                Sms("SM1", Subject, "NightSafe: advice", $"http://127.0.0.1:7071/api/sms/status?night={Night}&ref={Reference}"),
                .. World.DutyInspectors.Select((inspector, i) => Sms($"SMS{i}", inspector.Phone, summaryText, "http://127.0.0.1:7071/api/sms/status")),
            ],
            Refusals = [],
            Summary = summary,
            Acknowledgement = Acknowledgement.Uniform(Deadline),
        };
    }
}
