using System.Net;
using System.Text.Json.Nodes;
using NightSafe.Cli.Partners;
using NightSafe.Core.Intake;
using NightSafe.Core.Routing;
using NightSafe.TwilioStandIn;

namespace NightSafe.Cli.Demo;

/// <summary>The checks a demo night must pass; each failure says what broke, by reference code, never by phone number.</summary>
public static class NightChecks
{
    private const int Examples = 3;

    public static IReadOnlyList<string> Failures(NightRecord night)
    {
        ArgumentNullException.ThrowIfNull(night);
        return [.. Replies(night), .. Terminal(night), .. Isolation(night), .. Minimisation(night), .. Advice(night), .. Outcomes(night), .. Deadlines(night), .. AlertsOnce(night), .. Escalations(night), .. Cancellations(night), .. Summary(night)];
    }

    /// <summary>Every text answered 200, with the reply its kind calls for.</summary>
    public static IEnumerable<string> Replies(NightRecord night)
    {
        ArgumentNullException.ThrowIfNull(night);
        var wrong = new List<string>();
        foreach (var t in night.Texts)
        {
            var reply = t.Reply;
            if (!reply.Succeeded)
            {
                wrong.Add($"text #{t.Text.Index} ({t.Text.Kind}) answered HTTP {(int)reply.Status}");
                continue;
            }

            var message = reply.Message ?? string.Empty;
            var reference = t.UsedReference;
            var ok = t.Text.Kind switch
            {
                ScriptedKind.Referral => reply.Reference is not null,
                ScriptedKind.Help => message.StartsWith("NightSafe: text the town", StringComparison.Ordinal),
                ScriptedKind.Status => reference is not null && message.StartsWith($"NightSafe {reference} (", StringComparison.Ordinal),
                ScriptedKind.Close => reference is not null
                    && (message == OfficerReplies.Closed(reference.Value) || message == OfficerReplies.AlreadyClosed(reference.Value)),
                ScriptedKind.Public => message == OfficerReplies.Neutral,
                ScriptedKind.Incomplete => message.StartsWith("NightSafe: what is the concern? 1 ", StringComparison.Ordinal) && reply.Reference is null,
                ScriptedKind.OptOut => message.Length == 0,
                _ => false,
            };
            if (!ok)
            {
                wrong.Add($"text #{t.Text.Index} ({t.Text.Kind}) got an unexpected reply: \"{Shorten(message)}\"");
            }
        }

        if (wrong.Count > 0)
        {
            yield return $"{wrong.Count} text(s) were not answered as expected: {string.Join("; ", wrong.Take(Examples))}";
        }
    }

    /// <summary>Every referral ended Closed or NeedsManualRouting.</summary>
    public static IEnumerable<string> Terminal(NightRecord night)
    {
        ArgumentNullException.ThrowIfNull(night);
        var acknowledged = Acknowledged(night);
        var seen = night.Referrals.Select(r => r.Reference).ToHashSet(StringComparer.Ordinal);
        var missing = acknowledged.Where(r => !seen.Contains(r)).ToList();
        if (missing.Count > 0)
        {
            yield return $"{missing.Count} acknowledged referral(s) could not be read back: {string.Join(", ", missing.Take(Examples))}";
        }

        var open = night.Referrals.Where(r => !r.IsTerminal).ToList();
        if (open.Count > 0)
        {
            yield return $"{open.Count} referral(s) did not reach a terminal state: {string.Join(", ", open.Take(Examples).Select(r => $"{r.Reference} {r.Status}"))}";
        }
    }

    /// <summary>Each agency received exactly its own cases, on its own subscription, each once.</summary>
    public static IEnumerable<string> Isolation(NightRecord night)
    {
        ArgumentNullException.ThrowIfNull(night);
        var misdelivered = night.Cases.Where(c => c.AgencyProperty != c.Subscription || c.BodyAgency != c.Subscription).ToList();
        if (misdelivered.Count > 0)
        {
            yield return $"{misdelivered.Count} case message(s) reached another agency's subscription: {string.Join(", ", misdelivered.Take(Examples).Select(c => $"{c.MessageId} on {c.Subscription}"))}";
        }

        var badIds = night.Cases.Where(c => c.MessageId != $"{c.Night}/{c.Reference}/{c.BodyAgency}").ToList();
        if (badIds.Count > 0)
        {
            yield return $"{badIds.Count} case message(s) have a MessageId other than night/reference/agency: {string.Join(", ", badIds.Take(Examples).Select(c => c.MessageId))}";
        }

        // A referral closed before routing published has its recorded cases withheld: none is expected at the agencies
        // (and one an earlier attempt published before failing is no surprise there either).
        var expected = CaseIds(night.Referrals.Where(r => !r.ClosedBeforeRouting));
        var withheld = CaseIds(night.Referrals.Where(r => r.ClosedBeforeRouting));
        var received = night.DistinctCases.Select(c => $"{c.Night}/{c.Reference}/{c.Subscription}").Where(id => !withheld.Contains(id)).ToHashSet(StringComparer.Ordinal);
        var missing = expected.Except(received).Order(StringComparer.Ordinal).ToList();
        var extra = received.Except(expected).Order(StringComparer.Ordinal).ToList();
        if (missing.Count > 0)
        {
            yield return $"{missing.Count} routed case(s) never reached their agency: {string.Join(", ", missing.Take(Examples))}";
        }

        if (extra.Count > 0)
        {
            yield return $"{extra.Count} case(s) reached an agency the referral was not routed to: {string.Join(", ", extra.Take(Examples))}";
        }
    }

    /// <summary>No agency saw a field outside its <c>shares</c> (plus <c>sharesWithConsent</c> when consent was given), and the audit trail names exactly what was sent.</summary>
    public static IEnumerable<string> Minimisation(NightRecord night)
    {
        ArgumentNullException.ThrowIfNull(night);
        var byReference = night.Referrals.ToDictionary(r => r.Reference, StringComparer.Ordinal);
        var leaks = new List<string>();
        var untracked = new List<string>();
        foreach (var received in night.DistinctCases)
        {
            var agency = night.World.AgencyNamed(received.Subscription);
            if (agency is null || received.Reference is null || !byReference.TryGetValue(received.Reference, out var referral))
            {
                continue;
            }

            var disallowed = CaseCheck.Disallowed(agency, CaseCheck.ParseConsent(referral.Consent), received.Keys);
            if (disallowed.Count > 0)
            {
                leaks.Add($"{agency.Id} got {string.Join("+", disallowed)} on {received.Reference}");
            }

            var disclosed = received.Keys.Where(k => !CaseMessage.EnvelopeKeys.Contains(k)).ToHashSet(StringComparer.Ordinal);
            var recorded = referral.Cases.FirstOrDefault(c => c.Agency == agency.Id.Value)?.Fields ?? [];
            if (!disclosed.SetEquals(recorded))
            {
                untracked.Add($"{agency.Id} on {received.Reference}");
            }
        }

        if (leaks.Count > 0)
        {
            yield return $"{leaks.Count} case(s) carried fields outside the agency's shares: {string.Join("; ", leaks.Take(Examples))}";
        }

        if (untracked.Count > 0)
        {
            yield return $"{untracked.Count} case(s) disclosed other fields than the audit trail records: {string.Join("; ", untracked.Take(Examples))}";
        }
    }

    /// <summary>One advice SMS per consenting, not-opted-out referral with a number, GSM-7 and at most two segments; none otherwise.</summary>
    public static IEnumerable<string> Advice(NightRecord night)
    {
        ArgumentNullException.ThrowIfNull(night);
        var advice = night.Sms.Where(m => NightRecord.ReferenceOf(m) is not null).ToLookup(m => NightRecord.ReferenceOf(m)!, StringComparer.Ordinal);
        var wrong = new List<string>();
        foreach (var referral in night.Referrals)
        {
            var expected = ExpectedAdvice(referral, night.Plan.OptedOutNumbers);
            var sent = advice[referral.Reference].ToList();
            if (sent.Count != expected.Messages)
            {
                wrong.Add($"{referral.Reference}: {sent.Count} advice SMS, expected {expected.Messages} (advice {referral.AdviceState} {referral.AdviceError}, referral {referral.Status}, {referral.Cases.Count} cases)".TrimEnd());
            }
            else if (sent.Any(m => m.To != referral.SubjectPhone))
            {
                wrong.Add($"{referral.Reference}: advice SMS went to another number than the subject's");
            }
            else if (referral.AdviceState != expected.State || (expected.Error is { } code && referral.AdviceError != code))
            {
                wrong.Add($"{referral.Reference}: advice {referral.AdviceState} {referral.AdviceError}, expected {expected.State} {expected.Error}".TrimEnd());
            }
        }

        if (wrong.Count > 0)
        {
            yield return $"{wrong.Count} referral(s) broke the one-advice-SMS rule: {string.Join("; ", wrong.Take(Examples))}";
        }

        var optedOut = night.Sms.Count(m => night.Plan.OptedOutNumbers.Contains(m.To));
        if (optedOut > 0)
        {
            yield return $"{optedOut} SMS went to numbers that had replied STOP.";
        }

        var unfit = advice.SelectMany(g => g).Where(m => m.Encoding != SmsEncoding.Gsm7 || m.NumSegments > 2).ToList();
        if (unfit.Count > 0)
        {
            yield return $"{unfit.Count} advice SMS were not GSM-7 within two segments: {string.Join(", ", unfit.Take(Examples).Select(m => m.Sid))}";
        }
    }

    /// <summary>What the advice rules say should have happened to one referral's advice SMS.</summary>
    public static (int Messages, string State, string? Error) ExpectedAdvice(ReferralView referral, IReadOnlySet<string> optedOut)
    {
        ArgumentNullException.ThrowIfNull(referral);
        ArgumentNullException.ThrowIfNull(optedOut);
        if (referral.Consent != "Given" || referral.SubjectPhone is not { } phone)
        {
            return (0, "NotApplicable", null);
        }

        return phone switch
        {
            // Routing sends the advice; a referral the officer closed before it was routed never gets one, and says so.
            _ when referral.ClosedBeforeRouting => (0, "NotApplicable", null),
            // A CLOSE that lands while routing runs stops the advice before it is queued (the hub sets it aside): the
            // script cannot know which side of that moment a CLOSE fell, so a closed referral may show either outcome.
            _ when referral.Status == "Closed" && referral.AdviceState == "NotApplicable" => (0, "NotApplicable", null),
            _ when optedOut.Contains(phone) => (0, "OptedOut", null),
            NightScript.InvalidNumber => (0, "Failed", "21211"),
            NightScript.UnsubscribedNumber => (0, "Failed", "21610"),
            NightScript.UndeliveredNumber => (1, "Failed", "30003"),
            _ => (1, "Delivered", null),
        };
    }

    /// <summary>Every outcome a partner reported was recorded, and no partner met an error.</summary>
    public static IEnumerable<string> Outcomes(NightRecord night)
    {
        ArgumentNullException.ThrowIfNull(night);
        var refused = night.Reports.Where(r => r.Status != HttpStatusCode.OK).ToList();
        if (refused.Count > 0)
        {
            yield return $"{refused.Count} partner report(s) were refused: {string.Join("; ", refused.Take(Examples).Select(r => $"{r.Agency} {r.Outcome} {r.Reference}: {(r.Reply is { } reply ? $"the hub replied \"{Shorten(reply)}\"" : $"HTTP {(int)r.Status}")}"))}";
        }

        if (night.PartnerErrors.Count > 0)
        {
            yield return $"{night.PartnerErrors.Count} partner error(s): {string.Join("; ", night.PartnerErrors.Take(Examples))}";
        }
    }

    /// <summary>How late after its deadline a step may run: the queue is polled every 2 s and the machine may be busy.</summary>
    public static readonly TimeSpan DeadlineGrace = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Every case was accepted (or declined, or its referral closed) before its escalation deadline, or escalated when
    /// that deadline passed (not before it, and not long after); a referral every agency declined reached the control room.
    /// </summary>
    public static IEnumerable<string> Deadlines(NightRecord night)
    {
        ArgumentNullException.ThrowIfNull(night);
        var late = new List<string>();
        var early = new List<string>();
        var declinedNotEscalated = new List<string>();
        foreach (var referral in night.Referrals.Where(r => !r.ClosedBeforeRouting))
        {
            var within = night.Acknowledgement.For(Enum.TryParse<Core.World.Priority>(referral.Priority, ignoreCase: true, out var p) ? p : Core.World.Priority.Normal);
            foreach (var @case in referral.Cases.Where(c => c.DisclosedAt is not null))
            {
                var due = @case.DisclosedAt!.Value + (within * 2);
                var escalated = referral.Trail.FirstOrDefault(e => e.Kind == "escalated" && e.Agency == @case.Agency);
                if (escalated is { Status: "not-accepted" } && escalated.At < due)
                {
                    early.Add($"{referral.Reference} {@case.Agency}");
                }

                var answered = @case.AcceptedAt <= due + DeadlineGrace
                    || @case.Status == "Declined"
                    || referral.ClosedAt <= due + DeadlineGrace
                    || escalated?.At <= due + DeadlineGrace;
                if (!answered)
                {
                    late.Add($"{referral.Reference} {@case.Agency}");
                }
            }

            var partners = referral.Cases.Where(c => c.Agency != night.World.FallbackAgencyId.Value).ToList();
            if (partners.Count > 0 && partners.All(c => c.Status == "Declined") && referral.Cases.All(c => c.Agency != night.World.FallbackAgencyId.Value))
            {
                declinedNotEscalated.Add(referral.Reference);
            }
        }

        if (late.Count > 0)
        {
            yield return $"{late.Count} case(s) were neither accepted nor escalated by their deadline (plus {DeadlineGrace.TotalSeconds:0} s): {string.Join(", ", late.Take(Examples))}";
        }

        if (early.Count > 0)
        {
            yield return $"{early.Count} case(s) were escalated before their deadline: {string.Join(", ", early.Take(Examples))}";
        }

        if (declinedNotEscalated.Count > 0)
        {
            yield return $"{declinedNotEscalated.Count} referral(s) declined by every agency never reached the control room: {string.Join(", ", declinedNotEscalated.Take(Examples))}";
        }
    }

    /// <summary>No alert SMS (case alert, reminder, escalation, cancellation, inspector alert) went to the same phone twice.</summary>
    public static IEnumerable<string> AlertsOnce(NightRecord night)
    {
        ArgumentNullException.ThrowIfNull(night);
        var partnerPhones = night.World.Agencies.SelectMany(a => a.DutyPhones).Concat(night.World.DutyInspectors.Select(i => i.Phone)).ToHashSet(StringComparer.Ordinal);
        var twice = night.Sms
            .Where(m => partnerPhones.Contains(m.To) && m.Body.StartsWith("NightSafe", StringComparison.Ordinal))
            .GroupBy(m => (m.To, m.Body))
            .Where(g => g.Count() > 1)
            .ToList();
        if (twice.Count > 0)
        {
            yield return $"{twice.Count} alert SMS were sent more than once to the same phone: {string.Join("; ", twice.Take(Examples).Select(g => $"{g.Count()}x \"{Shorten(g.Key.Body)}\""))}";
        }
    }

    /// <summary>An escalated referral's duty inspectors (its town's, or every one where the town has none) were texted.</summary>
    public static IEnumerable<string> Escalations(NightRecord night)
    {
        ArgumentNullException.ThrowIfNull(night);
        var untold = new List<string>();
        foreach (var referral in night.Referrals.Where(r => r.Trail.Any(e => e.Kind == "escalated")))
        {
            var texted = EscalationTextedTo(night, referral.Reference);
            untold.AddRange(night.World.InspectorsFor(Core.World.TownId.From(referral.Town)).Where(i => !texted.Contains(i.Phone)).Select(i => $"{referral.Reference} {i.Name}"));
        }

        if (untold.Count > 0)
        {
            yield return $"{untold.Count} duty inspector(s) were not texted about an escalated referral: {string.Join(", ", untold.Take(Examples))}";
        }
    }

    /// <summary>The numbers the referral's escalation text ("NightSafe ESCALATED REF ...") went to.</summary>
    public static HashSet<string> EscalationTextedTo(NightRecord night, string reference)
    {
        ArgumentNullException.ThrowIfNull(night);
        return night.Sms.Where(m => m.Body.StartsWith($"NightSafe ESCALATED {reference} ", StringComparison.Ordinal)).Select(m => m.To).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>
    /// Every closed referral's cancellation reached every agency still on it (a <c>case-closed</c> message on its
    /// subscription), and an SMS reached the duty phones of agencies that had accepted it before it closed.
    /// </summary>
    public static IEnumerable<string> Cancellations(NightRecord night)
    {
        ArgumentNullException.ThrowIfNull(night);
        var received = night.Cancellations.ToHashSet(StringComparer.Ordinal);
        var noMessage = new List<string>();
        var noSms = new List<string>();
        foreach (var referral in night.Referrals.Where(r => r.Status == "Closed" && !r.ClosedBeforeRouting && r.ClosedAt is not null))
        {
            var closedBy = referral.Trail.FirstOrDefault(e => e.Kind == "closed")?.Reason is { } reason && reason.StartsWith("closed by ", StringComparison.Ordinal) ? reason["closed by ".Length..] : null;
            foreach (var @case in referral.Cases.Where(c => c.Agency != closedBy && c.Status is not ("Declined" or "Closed")))
            {
                var agency = night.World.AgencyNamed(@case.Agency);
                if (agency is { UsesServiceBus: true } && !received.Contains($"{referral.Night}/{referral.Reference}/{@case.Agency}/closed"))
                {
                    noMessage.Add($"{referral.Reference} {@case.Agency}");
                }

                if (agency is { UsesSms: true } && @case.AcceptedAt < referral.ClosedAt
                    && agency.DutyPhones.Any(phone => !night.Sms.Any(m => m.To == phone && m.Body.StartsWith($"NightSafe {referral.Reference} is CLOSED", StringComparison.Ordinal))))
                {
                    noSms.Add($"{referral.Reference} {@case.Agency}");
                }
            }
        }

        if (noMessage.Count > 0)
        {
            yield return $"{noMessage.Count} agency(ies) still on a closed referral never received its case-closed message: {string.Join(", ", noMessage.Take(Examples))}";
        }

        if (noSms.Count > 0)
        {
            yield return $"{noSms.Count} agency(ies) that had accepted a closed referral were not texted that it is closed: {string.Join(", ", noSms.Take(Examples))}";
        }
    }

    /// <summary>The stored summary's figures match what happened, and its SMS reached every duty inspector.</summary>
    public static IEnumerable<string> Summary(NightRecord night)
    {
        ArgumentNullException.ThrowIfNull(night);
        if (night.Summary is not { } summary)
        {
            yield return "The end-of-night summary was not delivered.";
            yield break;
        }

        var referrals = night.Referrals;
        var figures = NightFigures.From(night);
        foreach (var (name, stated, actual) in new (string, int?, int)[]
        {
            ("referrals", Int(summary, "referrals"), referrals.Count),
            ("openReferrals", Int(summary, "openReferrals"), referrals.Count(r => r.Status != "Closed")),
            ("routedToFallback", Int(summary, "routedToFallback"), referrals.Count(r => r.Flagged && r.Status != "NeedsManualRouting")),
            ("unrouted", Int(summary, "unrouted"), referrals.Count(r => r.Status == "NeedsManualRouting")),
            ("adviceSent", Int(summary, "adviceSent"), figures.AdviceDelivered),
            ("adviceFailed", Int(summary, "adviceFailed"), figures.AdviceUndelivered + figures.AdviceRefused),
        })
        {
            if (stated != actual)
            {
                yield return $"The summary says {name} {Show(stated)}; the night had {actual}.";
            }
        }

        foreach (var (name, stated, actual) in new[] { ("byTown", Counts(summary["byTown"]), figures.ByTown), ("byCategory", Counts(summary["byCategory"]), figures.ByCategory) })
        {
            if (!stated.OrderBy(p => p.Key, StringComparer.Ordinal).SequenceEqual(actual.OrderBy(p => p.Key, StringComparer.Ordinal)))
            {
                yield return $"The summary's {name} ({Format(stated)}) differs from the night's ({Format(actual)}).";
            }
        }

        var stated_ = (summary["agencies"] as JsonArray ?? []).OfType<JsonObject>().ToDictionary(a => a["agencyId"]?.GetValue<string>() ?? string.Empty, StringComparer.Ordinal);
        foreach (var tally in figures.Agencies)
        {
            if (!stated_.TryGetValue(tally.Agency, out var row))
            {
                yield return $"The summary has no figures for {tally.Agency}, which received {tally.Cases} case(s).";
                continue;
            }

            var pairs = new (string, int?, int)[]
            {
                ("cases", Int(row, "cases"), tally.Cases),
                ("accepted", Int(row, "accepted"), tally.Accepted),
                ("declined", Int(row, "declined"), tally.Declined),
                ("closed", Int(row, "closed"), tally.Closed),
                ("unanswered", Int(row, "unanswered"), tally.Cases - tally.Answered),
            };
            foreach (var (name, stated, actual) in pairs.Where(p => p.Item2 != p.Item3))
            {
                yield return $"The summary says {tally.Agency} {name} {Show(stated)}; the partner saw {actual}.";
            }
        }

        foreach (var agency in stated_.Keys.Where(a => figures.Agencies.All(t => t.Agency != a)))
        {
            yield return $"The summary has figures for {agency}, which received no case.";
        }

        var text = summary["text"]?.GetValue<string>();
        foreach (var inspector in night.World.DutyInspectors)
        {
            if (!night.Sms.Any(m => m.To == inspector.Phone && m.Body == text))
            {
                yield return $"The summary SMS did not reach {inspector.Name}.";
            }
        }
    }

    /// <summary>The references the hub acknowledged to referral texts.</summary>
    public static IReadOnlyList<string> Acknowledged(NightRecord night)
    {
        ArgumentNullException.ThrowIfNull(night);
        return [.. night.Texts.Where(t => t.Text.Kind == ScriptedKind.Referral && t.Reply.Reference is not null).Select(t => t.Reply.Reference!.Value.ToString()).Distinct(StringComparer.Ordinal)];
    }

    /// <summary>"night/reference/agency" of every case the referrals' dossiers list.</summary>
    private static HashSet<string> CaseIds(IEnumerable<ReferralView> referrals) =>
        referrals.SelectMany(r => r.Cases.Select(c => $"{r.Night}/{r.Reference}/{c.Agency}")).ToHashSet(StringComparer.Ordinal);

    private static int? Int(JsonObject json, string name) => json[name] is JsonValue value && value.TryGetValue<int>(out var number) ? number : null;

    private static Dictionary<string, int> Counts(JsonNode? node) =>
        (node as JsonObject ?? []).ToDictionary(p => p.Key, p => p.Value is JsonValue v && v.TryGetValue<int>(out var n) ? n : -1, StringComparer.Ordinal);

    private static string Format(IReadOnlyDictionary<string, int> counts) => string.Join(", ", counts.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key} {p.Value}"));

    private static string Show(int? value) => value?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "nothing";

    private static string Shorten(string text) => text.Length <= 60 ? text : text[..57] + "...";
}
