using NightSafe.Cli.Demo;
using NightSafe.Cli.Partners;
using NightSafe.Core.World;
using NightSafe.TwilioStandIn;

namespace NightSafe.Cli.Faults;

/// <summary>Everything a fault run observed from the outside, once the night drained: the input of its checks.</summary>
/// <param name="Referrals">Every referral of the night in the hub's table (acknowledged or not), as the control room reads it.</param>
/// <param name="Deliveries">Every case message the agencies took off their subscriptions, redeliveries included.</param>
public sealed record FaultRun(
    RoutingWorld World,
    string Night,
    IReadOnlyList<FaultText> Texts,
    IReadOnlyList<ReferralView> Referrals,
    IReadOnlyList<CaseDelivery> Deliveries,
    IReadOnlyList<SentMessage> Sms);

/// <summary>
/// An advice SMS whose final delivery report the hub never took (its callback answered an error, or nothing): Twilio
/// does not post it again, so only the hub's own reconcile (the sweep asking Twilio) can settle it.
/// </summary>
/// <param name="CallbackAnswer">What the final callback got: an HTTP status, or why no answer came.</param>
/// <param name="AdviceState">Where the referral's advice ended in the hub.</param>
public sealed record LostDeliveryReport(string Reference, Fault? During, string TwilioStatus, string CallbackAnswer, string AdviceState);

/// <summary>
/// The invariants a night must keep whatever fails under it. Each failure names reference codes and MessageIds, never
/// a phone number.
/// </summary>
public static class FaultChecks
{
    private const int Examples = 3;

    public static IReadOnlyList<string> Failures(FaultRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        return [.. Settled(run), .. AnsweredLater(run), .. StoredOnce(run), .. CasesOnce(run), .. AdviceOnce(run), .. AdviceAsTwilioSays(run), .. AlertsOnce(run), .. RoutingIndependentOfSms(run)];
    }

    /// <summary>The advice state the hub must end with for a final Twilio status: delivered, or failed for the rest.</summary>
    private static string? HubStateFor(string twilioStatus) => twilioStatus switch
    {
        MessageStatus.Delivered => "Delivered",
        MessageStatus.Undelivered or MessageStatus.Failed => "Failed",
        _ => null,
    };

    /// <summary>Advice SMS that reached a final status at Twilio whose final callback the hub did not take (not 2xx, or no answer).</summary>
    public static IReadOnlyList<LostDeliveryReport> LostDeliveryReports(FaultRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var referrals = run.Referrals.ToDictionary(r => r.Reference, StringComparer.Ordinal);
        var during = run.Texts.GroupBy(t => t.SubjectPhone, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First().During, StringComparer.Ordinal);
        return [.. run.Sms
            .Where(m => NightRecord.ReferenceOf(m) is not null && HubStateFor(m.Status) is not null && !m.Callbacks.Any(c => c.Status == m.Status && c.Succeeded))
            .Select(m =>
            {
                var reference = NightRecord.ReferenceOf(m)!;
                var referral = referrals.GetValueOrDefault(reference);
                var last = m.Callbacks.LastOrDefault(c => c.Status == m.Status);
                var answer = last is null ? "not posted" : last.StatusCode is { } code ? $"HTTP {code}" : last.Error ?? "no answer";
                Fault? fault = referral?.SubjectPhone is { } s && during.TryGetValue(s, out var f) ? f : null;
                return new LostDeliveryReport(reference, fault, m.Status, answer, referral?.AdviceState ?? "missing");
            })];
    }

    /// <summary>
    /// Every advice SMS that reached a final status at Twilio ended the same in the hub, whether its delivery report
    /// arrived or was lost (and then reconciled from Twilio): the summary counts what Twilio did.
    /// </summary>
    public static IEnumerable<string> AdviceAsTwilioSays(FaultRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var referrals = run.Referrals.ToDictionary(r => r.Reference, StringComparer.Ordinal);
        var wrong = run.Sms
            .Where(m => NightRecord.ReferenceOf(m) is { } r && HubStateFor(m.Status) is { } expected && referrals.TryGetValue(r, out var referral) && referral.AdviceState != expected)
            .Select(m => (Reference: NightRecord.ReferenceOf(m)!, m.Status, Hub: referrals[NightRecord.ReferenceOf(m)!].AdviceState))
            .ToList();
        if (wrong.Count > 0)
        {
            yield return $"{wrong.Count} advice SMS ended otherwise in the hub than at Twilio: {string.Join(", ", wrong.Take(Examples).Select(w => $"{w.Reference} {w.Status} at Twilio, {w.Hub} in the hub"))}";
        }
    }

    /// <summary>
    /// A text told "the answer will follow" is acknowledged by the late answer texted to its officer that names the
    /// referral stored for it (found by its subject's number); one without that answer stays unacknowledged.
    /// </summary>
    public static IReadOnlyList<FaultText> WithLateAnswers(IReadOnlyList<FaultText> texts, IReadOnlyList<ReferralView> referrals, IReadOnlyList<SentMessage> sms)
    {
        ArgumentNullException.ThrowIfNull(texts);
        ArgumentNullException.ThrowIfNull(referrals);
        ArgumentNullException.ThrowIfNull(sms);
        return [.. texts.Select(t =>
        {
            if (!t.AnswerFollows || t.Reference is not null)
            {
                return t;
            }

            var stored = referrals.FirstOrDefault(r => r.SubjectPhone == t.SubjectPhone);
            var answered = stored is not null && sms.Any(m => m.To == t.From && m.Body.StartsWith(Core.Intake.OfficerReplies.LatePrefix, StringComparison.Ordinal) && m.Body.Contains("ref " + stored.Reference, StringComparison.Ordinal));
            return answered ? t with { Reference = stored!.Reference } : t;
        })];
    }

    /// <summary>Every text told that its answer would follow got it: the late answer naming its referral.</summary>
    public static IEnumerable<string> AnsweredLater(FaultRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var waiting = run.Texts.Count(t => t.AnswerFollows && t.Reference is null);
        if (waiting > 0)
        {
            yield return $"{waiting} text(s) were told their answer would follow by text and never got it";
        }
    }

    /// <summary>Routed (its cases published) or waiting for the control room to route it by hand.</summary>
    public static bool RoutedOrFlagged(ReferralView referral)
    {
        ArgumentNullException.ThrowIfNull(referral);
        return referral.WasRouted || referral.Status == "NeedsManualRouting";
    }

    /// <summary>Its advice SMS reached a final state or will never be sent; a flagged referral's waits for routing by hand.</summary>
    public static bool AdviceSettled(ReferralView referral)
    {
        ArgumentNullException.ThrowIfNull(referral);
        return referral.AdviceSettled || (referral.Status == "NeedsManualRouting" && referral.AdviceState == "Pending");
    }

    /// <summary>Every acknowledged referral exists and, like every other referral of the night, ended routed or flagged with its advice settled.</summary>
    public static IEnumerable<string> Settled(FaultRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var stored = run.Referrals.Select(r => r.Reference).ToHashSet(StringComparer.Ordinal);
        var lost = run.Texts.Where(t => t.Reference is { } r && !stored.Contains(r)).Select(t => t.Reference!).ToList();
        if (lost.Count > 0)
        {
            yield return $"{lost.Count} acknowledged referral(s) are not in the hub: {string.Join(", ", lost.Take(Examples))}";
        }

        var stuck = run.Referrals.Where(r => !RoutedOrFlagged(r)).ToList();
        if (stuck.Count > 0)
        {
            yield return $"{stuck.Count} referral(s) ended neither routed nor flagged for manual routing: {string.Join(", ", stuck.Take(Examples).Select(r => $"{r.Reference} {r.Status}"))}";
        }

        var advice = run.Referrals.Where(r => !AdviceSettled(r)).ToList();
        if (advice.Count > 0)
        {
            yield return $"{advice.Count} referral(s) never settled their advice SMS: {string.Join(", ", advice.Take(Examples).Select(r => $"{r.Reference} advice {r.AdviceState}"))}";
        }
    }

    /// <summary>Referrals stored for texts whose officer never got their reference (matched by the text's own subject number).</summary>
    public static IReadOnlyList<ReferralView> StoredUnacknowledged(FaultRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var unacknowledged = run.Texts.Where(t => t.Reference is null).Select(t => t.SubjectPhone).ToHashSet(StringComparer.Ordinal);
        return [.. run.Referrals.Where(r => r.SubjectPhone is { } s && unacknowledged.Contains(s))];
    }

    /// <summary>One referral per text, however often its webhook was retried or the worker died under it (each text names its own subject).</summary>
    public static IEnumerable<string> StoredOnce(FaultRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var twice = run.Referrals.Where(r => r.SubjectPhone is not null).GroupBy(r => r.SubjectPhone!, StringComparer.Ordinal).Where(g => g.Count() > 1).ToList();
        if (twice.Count > 0)
        {
            yield return $"{twice.Count} text(s) were stored as more than one referral: {string.Join("; ", twice.Take(Examples).Select(g => string.Join("+", g.Select(r => r.Reference))))}";
        }
    }

    /// <summary>Each routed case reached its agency, and no agency received a case twice (two messages for one case; a redelivery of one message is not a second case).</summary>
    public static IEnumerable<string> CasesOnce(FaultRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var cases = run.Deliveries.Where(d => d.MessageId.Split('/').Length == 3).ToList();
        var twice = cases.GroupBy(d => (d.Subscription, d.MessageId)).Where(g => g.Select(d => d.SequenceNumber).Distinct().Count() > 1).ToList();
        if (twice.Count > 0)
        {
            yield return $"{twice.Count} case(s) reached their agency twice: {string.Join(", ", twice.Take(Examples).Select(g => $"{g.Key.MessageId} on {g.Key.Subscription}"))}";
        }

        var elsewhere = cases.Where(d => !d.MessageId.EndsWith("/" + d.Subscription, StringComparison.Ordinal)).ToList();
        if (elsewhere.Count > 0)
        {
            yield return $"{elsewhere.Count} case message(s) reached another agency's subscription: {string.Join(", ", elsewhere.Take(Examples).Select(d => $"{d.MessageId} on {d.Subscription}"))}";
        }

        var received = cases.Select(d => d.MessageId).ToHashSet(StringComparer.Ordinal);
        // A referral closed before routing published has its recorded cases withheld: none is expected at the agencies.
        var missing = run.Referrals.Where(r => !r.ClosedBeforeRouting).SelectMany(r => r.Cases.Select(c => $"{r.Night}/{r.Reference}/{c.Agency}")).Where(id => !received.Contains(id)).ToList();
        if (missing.Count > 0)
        {
            yield return $"{missing.Count} routed case(s) never reached their agency: {string.Join(", ", missing.Take(Examples))}";
        }
    }

    /// <summary>No person got two advice SMS (per referral, and per recipient and body).</summary>
    public static IEnumerable<string> AdviceOnce(FaultRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var advice = run.Sms.Where(m => NightRecord.ReferenceOf(m) is not null).ToList();
        var perReferral = advice.GroupBy(m => NightRecord.ReferenceOf(m)!, StringComparer.Ordinal).Where(g => g.Count() > 1).ToList();
        if (perReferral.Count > 0)
        {
            yield return $"{perReferral.Count} referral(s) sent their person more than one advice SMS: {string.Join(", ", perReferral.Take(Examples).Select(g => $"{g.Key} ×{g.Count()}"))}";
        }

        var twice = advice.GroupBy(m => (m.To, m.Body)).Where(g => g.Count() > 1).ToList();
        if (twice.Count > 0)
        {
            yield return $"{twice.Count} advice SMS went twice to the same number with the same text: {string.Join(", ", twice.Take(Examples).Select(g => string.Join("+", g.Select(m => m.Sid))))}";
        }
    }

    /// <summary>
    /// No alert (a partner's duty phone, the control room, an inspector) went twice to the same number with the same
    /// text. A fault night sends no text twice on purpose: each alert names its referral and why it was sent.
    /// </summary>
    public static IEnumerable<string> AlertsOnce(FaultRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var twice = run.Sms.Where(m => NightRecord.ReferenceOf(m) is null).GroupBy(m => (m.To, m.Body)).Where(g => g.Count() > 1).ToList();
        if (twice.Count > 0)
        {
            yield return $"{twice.Count} alert SMS went twice to the same number with the same text: {string.Join(", ", twice.Take(Examples).Select(g => string.Join("+", g.Select(m => m.Sid))))}";
        }
    }

    /// <summary>
    /// An SMS fault never flags a referral for manual routing: every referral made while Twilio was down was routed, as
    /// Service Bus was up.
    /// </summary>
    public static IEnumerable<string> RoutingIndependentOfSms(FaultRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var duringTwilio = run.Texts.Where(t => t.During == Fault.TwilioOutage && t.Reference is not null).Select(t => t.Reference!).ToHashSet(StringComparer.Ordinal);
        var flagged = run.Referrals.Where(r => duringTwilio.Contains(r.Reference) && r.Status == "NeedsManualRouting").ToList();
        if (flagged.Count > 0)
        {
            yield return $"{flagged.Count} referral(s) made while Twilio was down were flagged for manual routing: {string.Join(", ", flagged.Take(Examples).Select(r => r.Reference))}";
        }
    }

    /// <summary>One fault's figures: its texts and what became of their referrals.</summary>
    public static FaultFigures Figures(FaultRun run, Fault fault, TimeSpan injectedFor)
    {
        ArgumentNullException.ThrowIfNull(run);
        var texts = run.Texts.Where(t => t.During == fault).ToList();
        var subjects = texts.Select(t => t.SubjectPhone).ToHashSet(StringComparer.Ordinal);
        var referrals = run.Referrals.Where(r => r.SubjectPhone is { } s && subjects.Contains(s)).ToList();
        return new FaultFigures(
            fault,
            texts.Count,
            texts.Count(t => t.Reference is not null),
            texts.Sum(t => t.Attempts - 1),
            referrals.Count,
            referrals.Count(r => r.WasRouted),
            referrals.Count(r => r.Status == "NeedsManualRouting"),
            referrals.Count(r => r.AdviceState == "Delivered"),
            referrals.Count(r => r.AdviceState == "Failed"),
            injectedFor);
    }
}
