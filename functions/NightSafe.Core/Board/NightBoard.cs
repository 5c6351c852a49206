using System.Globalization;
using NightSafe.Core.Nights;
using NightSafe.Core.Ports;
using NightSafe.Core.Referrals;
using NightSafe.Core.Summaries;
using NightSafe.Core.World;

namespace NightSafe.Core.Board;

/// <summary>One agency's part in a referral, as the board shows it.</summary>
public sealed record BoardAgency(string Id, string Name, string Status, bool Accepted, DateTimeOffset? AcceptedAt);

/// <summary>
/// One referral on the night board. No personal data (no location, description, phone or note): the board hangs on a
/// wall; the dossier page holds the rest and records who read it.
/// </summary>
public sealed record BoardReferral(
    string Night,
    string Reference,
    DateTimeOffset ReceivedAt,
    string LocalTime,
    string TownId,
    string Town,
    IReadOnlyList<string> Categories,
    string Priority,
    string Status,
    IReadOnlyList<BoardAgency> Agencies,
    int WaitedSeconds,
    bool StillWaiting,
    int Escalations,
    int FailedSms,
    bool NeedsManualRouting,
    bool Flagged,
    bool Open);

/// <summary>A labelled count for a chart.</summary>
public sealed record BoardCount(string Id, string Name, int Count);

/// <summary>How quickly an agency took its cases on.</summary>
public sealed record AgencyAcceptance(string Id, string Name, int Cases, int Accepted, double? MedianSecondsToAccept);

/// <summary>The night at a glance: counts per town, category and hour, acceptance per agency, what is still open.</summary>
public sealed record NightGlance(
    int Referrals,
    int OpenReferrals,
    int OpenCases,
    int NeedsManualRouting,
    int Escalations,
    int FailedSms,
    IReadOnlyList<BoardCount> ByTown,
    IReadOnlyList<BoardCount> ByCategory,
    IReadOnlyList<BoardCount> PerHour,
    IReadOnlyList<AgencyAcceptance> Agencies);

/// <summary>What the night board shows: the glance and every referral, newest first.</summary>
public sealed record NightBoardView(string Night, DateTimeOffset At, NightGlance Glance, IReadOnlyList<BoardReferral> Referrals);

/// <summary>
/// Builds the night board from one read of the night's rows. Escalations and failed SMS are read from the audit trail
/// by kind, so new kinds of event (re-alerts, escalations, partner alerts) show without a change here.
/// </summary>
public sealed class NightBoard(RoutingWorld world)
{
    public NightBoardView Build(NightId night, NightRows rows, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(rows);
        // A case routing withheld was never sent: it is neither an agency's nor open (its "withheld" event stays on the trail).
        var cases = Ports.AgencyCases.Sent(rows.Cases);
        var casesByReference = cases.ToLookup(c => c.Reference);
        var eventsByReference = rows.Events.ToLookup(e => e.Reference, e => e.Event);
        var referrals = rows.Referrals
            .OrderByDescending(r => r.ReceivedAt)
            .ThenByDescending(r => r.Reference.ToString(), StringComparer.Ordinal)
            .Select(r => Row(r, [.. casesByReference[r.Reference]], [.. eventsByReference[r.Reference]], now))
            .ToList();

        var openCases = cases.Count(c => !c.IsFinished && rows.Referrals.Any(r => r.Reference == c.Reference && r.IsOpen));
        var glance = new NightGlance(
            referrals.Count,
            referrals.Count(r => r.Open),
            openCases,
            referrals.Count(r => r.NeedsManualRouting),
            referrals.Sum(r => r.Escalations),
            referrals.Sum(r => r.FailedSms),
            Counts(rows.Referrals.Select(r => r.TownId.Value), id => world.FindTown(TownId.From(id))?.Name ?? id, world.Towns.Select(t => t.Id.Value)),
            Counts(rows.Referrals.SelectMany(r => r.Categories).Select(c => c.Value), id => world.FindCategory(CategoryId.From(id))?.Name ?? id, world.Categories.Select(c => c.Id.Value)),
            PerHour(rows.Referrals),
            Acceptance(cases));
        return new NightBoardView(night.ToString(), now, glance, referrals);
    }

    /// <summary>A past night's glance from its stored summary, with the hourly counts read from its rows.</summary>
    public NightGlance FromSummary(NightSummary summary, IReadOnlyList<Referral> referrals)
    {
        ArgumentNullException.ThrowIfNull(summary);
        ArgumentNullException.ThrowIfNull(referrals);
        return new NightGlance(
            summary.Referrals,
            summary.OpenReferrals,
            summary.Agencies.Sum(a => a.Unanswered),
            summary.Unrouted,
            0,
            summary.AdviceFailed,
            Ordered(summary.ByTown, id => world.FindTown(TownId.From(id))?.Name ?? id, world.Towns.Select(t => t.Id.Value)),
            Ordered(summary.ByCategory, id => world.FindCategory(CategoryId.From(id))?.Name ?? id, world.Categories.Select(c => c.Id.Value)),
            PerHour(referrals),
            [.. summary.Agencies.Select(a => new AgencyAcceptance(
                a.AgencyId,
                world.FindAgency(AgencyId.From(a.AgencyId))?.Name ?? a.AgencyId,
                a.Cases,
                a.Accepted + a.Attended + a.Closed,
                a.MedianMinutesToAccept * 60))]);
    }

    /// <summary>The local hours of a night, 18:00 to 07:00, and how many referrals came in each.</summary>
    public IReadOnlyList<BoardCount> PerHour(IEnumerable<Referral> referrals)
    {
        ArgumentNullException.ThrowIfNull(referrals);
        var hours = new List<int>();
        for (var hour = world.NightStarts.Hour; hours.Count < 24; hour = (hour + 1) % 24)
        {
            hours.Add(hour);
            if ((hour + 1) % 24 == world.NightEnds.Hour)
            {
                break;
            }
        }

        var counts = referrals.GroupBy(r => world.ToLocal(r.ReceivedAt).Hour).ToDictionary(g => g.Key, g => g.Count());
        return [.. hours.Select(h => new BoardCount(
            h.ToString("00", CultureInfo.InvariantCulture),
            h.ToString("00", CultureInfo.InvariantCulture) + ":00",
            counts.GetValueOrDefault(h)))];
    }

    private BoardReferral Row(Referral referral, IReadOnlyList<PartnerCase> cases, IReadOnlyList<ReferralEvent> events, DateTimeOffset now)
    {
        var firstAccepted = cases.Where(c => c.AcceptedAt is not null).Min(c => c.AcceptedAt);
        var until = firstAccepted ?? (referral.IsOpen ? now : referral.ClosedAt ?? now);
        var waited = (int)Math.Max(0, (until - referral.ReceivedAt).TotalSeconds);
        return new BoardReferral(
            referral.Night.ToString(),
            referral.Reference.ToString(),
            referral.ReceivedAt,
            world.ToLocal(referral.ReceivedAt).ToString("HH:mm", CultureInfo.InvariantCulture),
            referral.TownId.Value,
            world.FindTown(referral.TownId)?.Name ?? referral.TownId.Value,
            [.. referral.Categories.Select(c => world.FindCategory(c)?.Name ?? c.Value)],
            referral.Priority.ToString().ToLowerInvariant(),
            referral.Status.ToString(),
            [.. cases.OrderBy(c => c.DisclosedAt).Select(c => new BoardAgency(
                c.AgencyId.Value,
                world.FindAgency(c.AgencyId)?.Name ?? c.AgencyId.Value,
                c.Status.ToString().ToLowerInvariant(),
                c.AcceptedAt is not null,
                c.AcceptedAt))],
            waited,
            referral.IsOpen && firstAccepted is null,
            events.Count(IsEscalation),
            FailedSms(referral, events),
            referral.Status == ReferralStatus.NeedsManualRouting,
            referral.Flagged,
            referral.IsOpen);
    }

    /// <summary>Any escalation event, whoever adds that kind ("escalated", "escalation-sent", ...).</summary>
    private static bool IsEscalation(ReferralEvent e) => e.Kind.Contains("escalat", StringComparison.OrdinalIgnoreCase);

    /// <summary>Failed texts about this referral: the advice SMS, partner alerts, inspector alerts; each message once.</summary>
    private static int FailedSms(Referral referral, IReadOnlyList<ReferralEvent> events)
    {
        var failed = new HashSet<string>(StringComparer.Ordinal);
        var anonymous = 0;
        foreach (var e in events)
        {
            var isFailure = e.Kind.EndsWith("-failed", StringComparison.Ordinal)
                || (e.Kind == ReferralEventKinds.SmsStatus && e.Data.TryGetValue(ReferralEventData.Status, out var status) && status is "failed" or "undelivered");
            if (!isFailure)
            {
                continue;
            }

            if (e.Data.TryGetValue(ReferralEventData.MessageId, out var id))
            {
                failed.Add(id);
            }
            else
            {
                anonymous++;
            }
        }

        var count = failed.Count + anonymous;
        return count == 0 && referral.Advice == AdviceState.Failed ? 1 : count;
    }

    private IReadOnlyList<AgencyAcceptance> Acceptance(IReadOnlyList<PartnerCase> cases) =>
        [.. cases.GroupBy(c => c.AgencyId)
            .Select(g => new AgencyAcceptance(
                g.Key.Value,
                world.FindAgency(g.Key)?.Name ?? g.Key.Value,
                g.Count(),
                g.Count(c => c.AcceptedAt is not null),
                Median([.. g.Where(c => c.AcceptedAt is not null).Select(c => (c.AcceptedAt!.Value - c.DisclosedAt).TotalSeconds)])))
            .OrderBy(a => a.Name, StringComparer.Ordinal)];

    private static double? Median(double[] values)
    {
        if (values.Length == 0)
        {
            return null;
        }

        Array.Sort(values);
        var middle = values.Length / 2;
        return values.Length % 2 == 1 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
    }

    /// <summary>Counts in the order routing.json lists them (towns, categories), unknown ids last; zero counts left out.</summary>
    private static IReadOnlyList<BoardCount> Counts(IEnumerable<string> ids, Func<string, string> name, IEnumerable<string> order) =>
        Ordered(ids.GroupBy(id => id, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal), name, order);

    private static IReadOnlyList<BoardCount> Ordered(IReadOnlyDictionary<string, int> counts, Func<string, string> name, IEnumerable<string> order)
    {
        var known = order.ToList();
        return [.. counts
            .Where(c => c.Value > 0)
            .OrderBy(c => known.IndexOf(c.Key) is var i and >= 0 ? i : int.MaxValue)
            .ThenBy(c => c.Key, StringComparer.Ordinal)
            .Select(c => new BoardCount(c.Key, name(c.Key), c.Value))];
    }
}
