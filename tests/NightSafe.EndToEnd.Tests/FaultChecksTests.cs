using NightSafe.Cli.Faults;
using NightSafe.Cli.Partners;
using NightSafe.Core.World;
using NightSafe.LocalStack;
using NightSafe.TwilioStandIn;

namespace NightSafe.EndToEnd.Tests;

/// <summary>The fault run's invariants catch what they promise to: each broken run below fails its check, the sound one passes.</summary>
public sealed class FaultChecksTests
{
    private const string Night = "2026-12-18";
    private const string Pastors = "street-pastors-chelmsford";
    private const string Council = "community-safety-chelmsford";

    private static readonly RoutingWorld World = RoutingWorld.Load(RepositoryLayout.RoutingJson());
    private static readonly DateTimeOffset At = new(2026, 12, 18, 22, 31, 0, TimeSpan.Zero);

    [Fact]
    public void A_sound_run_passes_every_check() => Assert.Empty(FaultChecks.Failures(SoundRun()));

    [Fact]
    public void An_acknowledged_referral_missing_from_the_hub_is_a_failure()
    {
        var run = SoundRun();
        run = run with { Referrals = [run.Referrals[1]] };

        Assert.Contains(FaultChecks.Failures(run), f => f.Contains("acknowledged referral(s) are not in the hub: AAAAA1", StringComparison.Ordinal));
    }

    [Fact]
    public void A_referral_left_received_is_a_failure_even_unacknowledged()
    {
        var run = SoundRun();
        run = run with
        {
            Texts = [run.Texts[0] with { Reference = null }, run.Texts[1]],
            Referrals = [run.Referrals[0] with { Status = "Received", WasRouted = false, Cases = [], AdviceState = "Pending" }, run.Referrals[1]],
            Deliveries = [.. run.Deliveries.Where(d => !d.MessageId.Contains("AAAAA1", StringComparison.Ordinal))],
        };

        var failures = FaultChecks.Failures(run);

        Assert.Contains(failures, f => f.Contains("neither routed nor flagged for manual routing: AAAAA1 Received", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("never settled their advice SMS: AAAAA1", StringComparison.Ordinal));
        Assert.Single(FaultChecks.StoredUnacknowledged(run));
    }

    [Fact]
    public void A_flagged_referral_with_its_advice_waiting_passes_unless_Twilio_was_down()
    {
        var run = SoundRun();
        var flagged = run with { Referrals = [run.Referrals[0] with { Status = "NeedsManualRouting", WasRouted = false, AdviceState = "Pending", Cases = [] }, run.Referrals[1]], Sms = [run.Sms[1]], Deliveries = [.. run.Deliveries.Where(d => !d.MessageId.Contains("AAAAA1", StringComparison.Ordinal))] };
        Assert.Empty(FaultChecks.Failures(flagged));

        var duringTwilio = run with { Referrals = [run.Referrals[0], run.Referrals[1] with { Status = "NeedsManualRouting", WasRouted = false, AdviceState = "Pending", Cases = [] }], Sms = [run.Sms[0]], Deliveries = [.. run.Deliveries.Where(d => !d.MessageId.Contains("BBBBB2", StringComparison.Ordinal))] };
        Assert.Equal(["1 referral(s) made while Twilio was down were flagged for manual routing: BBBBB2"], FaultChecks.Failures(duringTwilio));
    }

    [Fact]
    public void One_text_stored_twice_is_a_failure()
    {
        var run = SoundRun();
        run = run with { Referrals = [.. run.Referrals, run.Referrals[0] with { Reference = "CCCCC3", Cases = [] }] };

        Assert.Contains(FaultChecks.Failures(run), f => f.Contains("stored as more than one referral: AAAAA1+CCCCC3", StringComparison.Ordinal));
    }

    [Fact]
    public void Two_messages_for_one_case_fail_and_a_redelivery_of_one_does_not()
    {
        var run = SoundRun();
        var first = run.Deliveries[0];
        var redelivered = run with { Deliveries = [.. run.Deliveries, first with { DeliveryCount = 2 }] };
        Assert.Empty(FaultChecks.Failures(redelivered));

        var republished = run with { Deliveries = [.. run.Deliveries, first with { SequenceNumber = 99 }] };
        Assert.Contains(FaultChecks.Failures(republished), f => f.Contains($"reached their agency twice: {first.MessageId} on {first.Subscription}", StringComparison.Ordinal));
    }

    [Fact]
    public void A_case_never_received_or_received_by_another_agency_is_a_failure()
    {
        var run = SoundRun();
        var missing = run with { Deliveries = [.. run.Deliveries.Skip(1)] };
        Assert.Contains(FaultChecks.Failures(missing), f => f.Contains("never reached their agency: " + run.Deliveries[0].MessageId, StringComparison.Ordinal));

        // Unless the referral was closed before routing published its cases (withheld, never sent).
        var withheld = missing with { Referrals = [.. missing.Referrals.Select(r => $"{r.Night}/{r.Reference}/" == run.Deliveries[0].MessageId[..(run.Deliveries[0].MessageId.LastIndexOf('/') + 1)] ? r with { Status = "Closed", WasRouted = false } : r)] };
        Assert.DoesNotContain(FaultChecks.CasesOnce(withheld), f => f.Contains("never reached their agency", StringComparison.Ordinal));

        var elsewhere = run with { Deliveries = [.. run.Deliveries, run.Deliveries[0] with { Subscription = "street-pastors-colchester", SequenceNumber = 50 }] };
        Assert.Contains(FaultChecks.Failures(elsewhere), f => f.Contains("another agency's subscription", StringComparison.Ordinal));
    }

    [Fact]
    public void A_second_advice_SMS_is_a_failure_per_referral_and_per_recipient_and_body()
    {
        var run = SoundRun();
        run = run with { Sms = [.. run.Sms, run.Sms[0] with { Sid = "SM" + new string('9', 32) }] };

        var failures = FaultChecks.Failures(run);

        Assert.Contains(failures, f => f.Contains("more than one advice SMS: AAAAA1 ×2", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("advice SMS went twice to the same number with the same text", StringComparison.Ordinal));
    }

    [Fact]
    public void An_alert_sent_twice_is_a_failure_and_two_different_alerts_are_not()
    {
        var run = SoundRun();
        var alert = run.Sms[0] with { To = "+447700900101", Body = "NightSafe AAAAA1", StatusCallback = null };
        var other = alert with { Sid = "SM" + new string('7', 32), Body = "NightSafe REMINDER AAAAA1 not accepted yet:" };
        var sound = run with { Sms = [.. run.Sms, alert, other] };
        var doubled = run with { Sms = [.. run.Sms, alert, alert with { Sid = "SM" + new string('8', 32) }] };

        Assert.Empty(FaultChecks.Failures(sound));
        Assert.Contains(FaultChecks.Failures(doubled), f => f.Contains($"1 alert SMS went twice to the same number with the same text: {alert.Sid}+SM{new string('8', 32)}", StringComparison.Ordinal));
    }

    [Fact]
    public void A_text_told_its_answer_follows_is_acknowledged_only_by_a_late_answer_naming_its_referral()
    {
        const string Officer = "+447700900001";
        var run = SoundRun();
        var waiting = new FaultText(Fault.StorageOutage, "+447700900401", null, 1, "reply \"slow\"", Officer, AnswerFollows: true);
        var late = run.Sms[0] with { Sid = "SM" + new string('6', 32), To = Officer, Body = Core.Intake.OfficerReplies.Late("NightSafe ref BBBBB2: intoxicated in Chelmsford logged."), StatusCallback = null };
        var otherLate = late with { Body = Core.Intake.OfficerReplies.Late("NightSafe ref AAAAA1: intoxicated in Chelmsford logged.") };

        var answered = FaultChecks.WithLateAnswers([waiting], run.Referrals, [.. run.Sms, late]);
        var unanswered = FaultChecks.WithLateAnswers([waiting], run.Referrals, [.. run.Sms, otherLate]);

        Assert.Equal("BBBBB2", Assert.Single(answered).Reference);
        Assert.Null(Assert.Single(unanswered).Reference);
        Assert.Empty(FaultChecks.AnsweredLater(run with { Texts = answered }));
        Assert.Contains("1 text(s) were told their answer would follow by text and never got it", FaultChecks.Failures(run with { Texts = [.. run.Texts, .. unanswered] }));
    }

    /// <summary>Two referrals, each routed to two agencies and advised once: one made while Service Bus was down, one while Twilio was.</summary>
    [Fact]
    public void An_advice_left_Sent_after_its_delivery_report_was_lost_is_a_failure_and_is_listed()
    {
        var run = SoundRun();
        run = run with
        {
            Referrals = [run.Referrals[0] with { AdviceState = "Sent" }, run.Referrals[1]],
            Sms = [run.Sms[0] with { Callbacks = [new StatusCallbackPost(MessageStatus.Delivered, 500, 1, null, At)] }, run.Sms[1] with { Callbacks = [new StatusCallbackPost(MessageStatus.Delivered, 204, 1, null, At)] }],
        };

        Assert.Contains(FaultChecks.Failures(run), f => f.Contains("ended otherwise in the hub than at Twilio: AAAAA1 delivered at Twilio, Sent in the hub", StringComparison.Ordinal));
        var lost = Assert.Single(FaultChecks.LostDeliveryReports(run));
        Assert.Equal(new LostDeliveryReport("AAAAA1", Fault.ServiceBusOutage, "delivered", "HTTP 500", "Sent"), lost);
    }

    [Fact]
    public void A_lost_delivery_report_settled_by_the_hub_as_Twilio_says_passes_and_an_undelivered_one_must_end_failed()
    {
        var run = SoundRun();
        run = run with { Sms = [run.Sms[0] with { Callbacks = [new StatusCallbackPost(MessageStatus.Delivered, null, 3, "Connection refused", At)] }, run.Sms[1]] };
        Assert.Empty(FaultChecks.Failures(run));
        Assert.Equal("Connection refused", FaultChecks.LostDeliveryReports(run)[0].CallbackAnswer);

        var undelivered = run with { Sms = [run.Sms[0] with { Status = MessageStatus.Undelivered }, run.Sms[1]] };
        Assert.Contains(FaultChecks.Failures(undelivered), f => f.Contains("AAAAA1 undelivered at Twilio, Delivered in the hub", StringComparison.Ordinal));
    }

    private static FaultRun SoundRun()
    {
        var texts = new List<FaultText>
        {
            new(Fault.ServiceBusOutage, "+447700900400", "AAAAA1", 1, null),
            new(Fault.TwilioOutage, "+447700900401", "BBBBB2", 1, null),
        };
        var referrals = texts.Select(t => new ReferralView(
            Night, t.Reference!, "Routed", "chelmsford", ["intoxicated"], "Given", t.SubjectPhone, false, "Delivered", "SM1", null,
            [new CaseView(Pastors, "Open", ["town"]), new CaseView(Council, "Open", ["town"])])).ToList();
        long sequence = 0;
        var deliveries = referrals.SelectMany(r => r.Cases.Select(c => new CaseDelivery(c.Agency, $"{Night}/{r.Reference}/{c.Agency}", ++sequence, 1))).ToList();
        var sms = referrals.Select((r, i) => new SentMessage
        {
            Sid = "SM" + new string((char)('1' + i), 32),
            AccountSid = "AC" + new string('0', 32),
            To = r.SubjectPhone!,
            Body = "NightSafe: get home safe.",
            Status = MessageStatus.Delivered,
            NumSegments = 1,
            NumMedia = 0,
            Encoding = SmsEncoding.Gsm7,
            StatusCallback = $"http://127.0.0.1:7071/api/sms/status?night={Night}&ref={r.Reference}",
            CreatedAt = At,
            UpdatedAt = At,
        }).ToList();
        return new FaultRun(World, Night, texts, referrals, deliveries, sms);
    }
}
