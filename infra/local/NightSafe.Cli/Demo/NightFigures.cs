using NightSafe.Cli.Partners;
using NightSafe.Core.Routing;
using NightSafe.TwilioStandIn;

namespace NightSafe.Cli.Demo;

/// <summary>What one agency received and how it answered (<paramref name="Answered"/>: cases it answered at all).</summary>
public sealed record AgencyTally(string Agency, int Cases, int Accepted, int Declined, int Closed, IReadOnlyList<string> FieldsSeen, int Redeliveries, int Answered = 0);

/// <summary>
/// One agency's part in the partner loop, from the hub's dossiers: how it was played, its cases, how long it took to
/// accept them (median and 90th percentile; null when it accepted none), and how often the hub reminded and escalated.
/// <paramref name="WhyNoCases"/> says, in plain words, why an agency had no case.
/// </summary>
public sealed record AgencyLoop(
    string Agency,
    string Name,
    string PlayedAs,
    int Cases,
    int Accepted,
    int Declined,
    TimeSpan? MedianToAccept,
    TimeSpan? P90ToAccept,
    int Reminded,
    int Escalated,
    string? WhyNoCases);

/// <summary>One case escalated to the control room: why, how long after it went out, and which inspector was texted.</summary>
public sealed record Escalation(string Reference, string Agency, string Why, TimeSpan AfterDisclosure, IReadOnlyList<string> InspectorsTexted);

/// <summary>The 50th and 95th percentiles of a set of durations (nearest rank), and how many there were.</summary>
public sealed record Latency(int Count, TimeSpan P50, TimeSpan P95, TimeSpan Max)
{
    public static Latency Of(IEnumerable<TimeSpan> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var sorted = values.Order().ToArray();
        return sorted.Length == 0
            ? new Latency(0, TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero)
            : new Latency(sorted.Length, Rank(sorted, 0.50), Rank(sorted, 0.95), sorted[^1]);
    }

    private static TimeSpan Rank(TimeSpan[] sorted, double p) => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
}

/// <summary>A demo night in figures, worked out from what was observed (pure).</summary>
public sealed record NightFigures
{
    public required int TextsSent { get; init; }

    public required int OfficerTexts { get; init; }

    public required int ReferralTexts { get; init; }

    /// <summary>Referral texts whose stored referral has the town, categories, consent and number the officer meant.</summary>
    public required int ReadAsMeant { get; init; }

    public required IReadOnlyList<string> Misreads { get; init; }

    public required IReadOnlyDictionary<string, int> ByTown { get; init; }

    public required IReadOnlyDictionary<string, int> ByCategory { get; init; }

    public required IReadOnlyList<AgencyTally> Agencies { get; init; }

    /// <summary>Referrals routed to the fallback agency because nobody on duty covered them.</summary>
    public required int Fallback { get; init; }

    public required int SmsAccepted { get; init; }

    public required int SmsDelivered { get; init; }

    public required int SmsUndelivered { get; init; }

    /// <summary>Creates the stand-in refused, by Twilio error code (429s included: the app retries those).</summary>
    public required IReadOnlyDictionary<int, int> SmsRefusedByCode { get; init; }

    public required int AdviceDelivered { get; init; }

    public required int AdviceUndelivered { get; init; }

    /// <summary>Advice SMS refused for good (not 429): invalid or unsubscribed numbers.</summary>
    public required int AdviceRefused { get; init; }

    public required Latency WebhookReply { get; init; }

    /// <summary>From the hub's reply to the officer (referral accepted) to each case routing published arriving at its agency (escalations' cases left out: <see cref="RoutedCases"/>).</summary>
    public required Latency AcceptedToPartner { get; init; }

    /// <summary>Every agency of routing.json, in its order, with its part in the partner loop.</summary>
    public IReadOnlyList<AgencyLoop> PartnerLoop { get; init; } = [];

    public IReadOnlyList<Escalation> Escalations { get; init; } = [];

    /// <summary><c>case-closed</c> messages the agencies received.</summary>
    public int CancellationsReceived { get; init; }

    public static NightFigures From(NightRecord night)
    {
        ArgumentNullException.ThrowIfNull(night);
        var referrals = night.Referrals;
        var byReference = referrals.ToDictionary(r => r.Reference, StringComparer.Ordinal);
        var referralTexts = night.Texts.Where(t => t.Text.Kind == ScriptedKind.Referral).ToList();
        var misreads = new List<string>();
        foreach (var text in referralTexts)
        {
            var meant = text.Text.Intended!;
            if (text.Reply.Reference is not { } code || !byReference.TryGetValue(code.ToString(), out var stored))
            {
                misreads.Add($"#{text.Text.Index}: not understood");
                continue;
            }

            var problems = new List<string>();
            if (stored.Town != meant.TownId)
            {
                problems.Add($"town {stored.Town} not {meant.TownId}");
            }

            if (!stored.Categories.ToHashSet(StringComparer.Ordinal).SetEquals(meant.Categories))
            {
                problems.Add($"categories {string.Join("+", stored.Categories)} not {string.Join("+", meant.Categories)}");
            }

            if (stored.Consent != meant.Consent.ToString())
            {
                problems.Add($"consent {stored.Consent} not {meant.Consent}");
            }

            if (stored.SubjectPhone != meant.SubjectPhone)
            {
                problems.Add(stored.SubjectPhone is null ? "number not read" : meant.SubjectPhone is null ? "a number read where none was given" : "another number read");
            }

            if (problems.Count > 0)
            {
                misreads.Add($"#{text.Text.Index} {code}: {string.Join(", ", problems)}");
            }
        }

        var cases = night.DistinctCases;
        var agencies = cases
            .GroupBy(c => c.Subscription, StringComparer.Ordinal)
            .OrderBy(g => IndexOf(night, g.Key))
            .Select(g =>
            {
                var reports = night.Reports.Where(r => r.Agency == g.Key && r.Status == System.Net.HttpStatusCode.OK).ToList();
                int Count(string outcome) => reports.Where(r => r.Outcome == outcome).Select(r => r.Reference).Distinct(StringComparer.Ordinal).Count();
                return new AgencyTally(
                    g.Key,
                    g.Count(),
                    Count("accepted"),
                    Count("declined"),
                    Count("closed"),
                    [.. g.SelectMany(c => c.Keys).Where(k => !CaseMessage.EnvelopeKeys.Contains(k)).Distinct(StringComparer.Ordinal)],
                    night.Cases.Count(c => c.Subscription == g.Key) - g.Count(),
                    reports.Select(r => r.Reference).Distinct(StringComparer.Ordinal).Count());
            })
            .ToList();

        var subjectPhones = referrals.Where(r => r.SubjectPhone is not null).Select(r => r.SubjectPhone!).ToHashSet(StringComparer.Ordinal);
        var advice = night.Sms.Where(m => NightRecord.ReferenceOf(m) is not null).ToList();
        var repliedAt = night.Texts.Where(t => t.Reply.Reference is not null)
            .GroupBy(t => t.Reply.Reference!.Value.ToString(), StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Min(t => t.RepliedAt), StringComparer.Ordinal);

        return new NightFigures
        {
            TextsSent = night.Texts.Count,
            OfficerTexts = night.Texts.Count(t => t.Text.IsOfficerText),
            ReferralTexts = referralTexts.Count,
            ReadAsMeant = referralTexts.Count - misreads.Count,
            Misreads = misreads,
            ByTown = night.World.Towns
                .Select(t => (Id: t.Id.Value, Count: referrals.Count(r => r.Town == t.Id.Value)))
                .Where(t => t.Count > 0)
                .ToDictionary(t => t.Id, t => t.Count, StringComparer.Ordinal),
            ByCategory = night.World.Categories
                .Select(c => (Id: c.Id.Value, Count: referrals.Count(r => r.Categories.Contains(c.Id.Value))))
                .Where(c => c.Count > 0)
                .ToDictionary(c => c.Id, c => c.Count, StringComparer.Ordinal),
            Agencies = agencies,
            Fallback = referrals.Count(r => r.Flagged && r.Status != "NeedsManualRouting"),
            SmsAccepted = night.Sms.Count,
            SmsDelivered = night.Sms.Count(m => m.Status == MessageStatus.Delivered),
            SmsUndelivered = night.Sms.Count(m => m.Status is MessageStatus.Undelivered or MessageStatus.Failed),
            SmsRefusedByCode = night.Refusals.GroupBy(r => r.Code).OrderBy(g => g.Key).ToDictionary(g => g.Key, g => g.Count()),
            AdviceDelivered = advice.Count(m => m.Status == MessageStatus.Delivered),
            AdviceUndelivered = advice.Count(m => m.Status is MessageStatus.Undelivered or MessageStatus.Failed),
            AdviceRefused = night.Refusals.Count(r => r.Code != 20429 && r.To is not null && subjectPhones.Contains(r.To)),
            WebhookReply = Latency.Of(night.Texts.Where(t => t.Text.IsOfficerText).Select(t => t.Reply.Elapsed)),
            AcceptedToPartner = Latency.Of(RoutedCases(referrals, cases)
                .Where(c => repliedAt.ContainsKey(c.Reference!))
                .Select(c => c.ReceivedAt - repliedAt[c.Reference!] is var d && d > TimeSpan.Zero ? d : TimeSpan.Zero)),
            PartnerLoop = [.. night.World.Agencies.Select(a => LoopOf(night, a))],
            Escalations = EscalationsOf(night),
            CancellationsReceived = night.Cancellations.Distinct(StringComparer.Ordinal).Count(),
        };
    }

    /// <summary>
    /// The cases <paramref name="received"/> that routing published: those the hub disclosed with the referral's first
    /// cases (routing records them together, at one time). A case disclosed later (the control room's, on an escalation
    /// a deadline or two after routing) is the partner loop's, not the acceptance's, so it is left out of the latency.
    /// </summary>
    public static IEnumerable<ReceivedCase> RoutedCases(IEnumerable<ReferralView> referrals, IEnumerable<ReceivedCase> received)
    {
        ArgumentNullException.ThrowIfNull(referrals);
        ArgumentNullException.ThrowIfNull(received);
        var routed = new HashSet<(string Night, string Reference, string Agency)>();
        foreach (var referral in referrals)
        {
            if (referral.Cases.Min(c => c.DisclosedAt) is { } first)
            {
                routed.UnionWith(referral.Cases.Where(c => c.DisclosedAt == first).Select(c => (referral.Night, referral.Reference, c.Agency)));
            }
        }

        return received.Where(c => c is { Night: { } night, Reference: { } reference } && routed.Contains((night, reference, c.Subscription)));
    }

    private static AgencyLoop LoopOf(NightRecord night, Core.World.Agency agency)
    {
        var cases = night.Referrals.SelectMany(r => r.Cases.Where(c => c.Agency == agency.Id.Value).Select(c => (Referral: r, Case: c))).ToList();
        var toAccept = cases
            .Where(x => x.Case.AcceptedAt is not null && x.Case.DisclosedAt is not null)
            .Select(x => x.Case.AcceptedAt!.Value - x.Case.DisclosedAt!.Value)
            .Order()
            .ToArray();
        var played = night.Behaviours.TryGetValue(agency.Id.Value, out var behaviour) ? behaviour.Describe() : "not played";
        string? why = null;
        if (cases.Count == 0)
        {
            why = agency.Id == night.World.FallbackAgencyId
                ? "nothing came to it: no case was escalated and every referral had an agency on duty"
                : !agency.IsOnDuty(night.LocalStart)
                    ? $"not on duty at {night.LocalStart:HH:mm} on a {night.LocalStart:dddd} (routing.json hours)"
                    : "on duty, but no referral tonight was in its towns with its concerns";
        }

        return new AgencyLoop(
            agency.Id.Value,
            agency.Name,
            played,
            cases.Count,
            cases.Count(x => x.Case.AcceptedAt is not null),
            cases.Count(x => x.Case.Status == "Declined"),
            toAccept.Length == 0 ? null : Rank(toAccept, 0.5),
            toAccept.Length == 0 ? null : Rank(toAccept, 0.9),
            cases.Sum(x => x.Referral.Trail.Count(e => e.Kind == "reminded" && e.Agency == agency.Id.Value)),
            cases.Sum(x => x.Referral.Trail.Count(e => e.Kind == "escalated" && e.Agency == agency.Id.Value)),
            why);
    }

    private static List<Escalation> EscalationsOf(NightRecord night)
    {
        var escalations = new List<Escalation>();
        foreach (var referral in night.Referrals)
        {
            var to = NightChecks.EscalationTextedTo(night, referral.Reference);
            var texted = night.World.DutyInspectors.Where(i => to.Contains(i.Phone)).Select(i => i.Name).Distinct(StringComparer.Ordinal).ToList();
            foreach (var entry in referral.Trail.Where(e => e.Kind == "escalated" && e.Agency != night.World.FallbackAgencyId.Value))
            {
                var disclosed = referral.Cases.FirstOrDefault(c => c.Agency == entry.Agency)?.DisclosedAt ?? entry.At;
                escalations.Add(new Escalation(referral.Reference, entry.Agency ?? "?", entry.Reason ?? entry.Status ?? "escalated", entry.At - disclosed, texted));
            }
        }

        return escalations;
    }

    /// <summary>Nearest rank, as the hub's summary computes its 90th percentile.</summary>
    private static TimeSpan Rank(TimeSpan[] sorted, double p) => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];

    private static int IndexOf(NightRecord night, string agency)
    {
        for (var i = 0; i < night.World.Agencies.Count; i++)
        {
            if (night.World.Agencies[i].Id.Value == agency)
            {
                return i;
            }
        }

        return int.MaxValue;
    }
}
