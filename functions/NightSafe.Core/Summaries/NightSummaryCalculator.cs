using System.Globalization;
using System.Text;
using NightSafe.Core.Nights;
using NightSafe.Core.Referrals;
using NightSafe.Core.Sms;
using NightSafe.Core.World;

namespace NightSafe.Core.Summaries;

/// <summary>Works out a night's figures from its referrals and cases (pure; no I/O).</summary>
public static class NightSummaryCalculator
{
    /// <summary>The inspectors' SMS may use up to three segments.</summary>
    public const int MaxSegments = 3;

    public static NightSummary Calculate(
        NightId night,
        IReadOnlyList<Referral> referrals,
        IReadOnlyList<PartnerCase> cases,
        RoutingWorld world,
        DateTimeOffset now,
        LateFigures? late = null)
    {
        ArgumentNullException.ThrowIfNull(referrals);
        ArgumentNullException.ThrowIfNull(cases);
        ArgumentNullException.ThrowIfNull(world);
        // A case routing withheld was never sent: no agency had it to answer.
        cases = Ports.AgencyCases.Sent(cases);

        var byTown = world.Towns
            .Select(t => (t.Id, Count: referrals.Count(r => r.TownId == t.Id)))
            .Where(t => t.Count > 0)
            .ToDictionary(t => t.Id.Value, t => t.Count, StringComparer.Ordinal);
        var byCategory = world.Categories
            .Select(c => (c.Id, Count: referrals.Count(r => r.Categories.Contains(c.Id))))
            .Where(c => c.Count > 0)
            .ToDictionary(c => c.Id.Value, c => c.Count, StringComparer.Ordinal);
        var agencies = cases
            .GroupBy(c => c.AgencyId)
            .OrderBy(g => IndexOf(world, g.Key))
            .Select(g => new AgencyFigures(
                g.Key.Value,
                g.Count(),
                g.Count(c => c.AcceptedAt is not null),
                g.Count(c => c.Status == CaseStatus.Attended),
                g.Count(c => c.Status == CaseStatus.Declined),
                g.Count(c => c.Status == CaseStatus.Closed),
                g.Count(c => c.Status == CaseStatus.Sent),
                Median(g.Where(c => c.AcceptedAt is not null).Select(MinutesToAccept)),
                Percentile90(g.Where(c => c.AcceptedAt is not null).Select(MinutesToAccept)),
                g.Count(c => c.EscalatedAt is not null),
                g.Count(c => c.CancelledAt is not null)))
            .ToList();

        var summary = new NightSummary
        {
            Night = night,
            GeneratedAt = now,
            Referrals = referrals.Count,
            ByTown = byTown,
            ByCategory = byCategory,
            Agencies = agencies,
            OpenReferrals = referrals.Count(r => r.IsOpen),
            RoutedToFallback = referrals.Count(r => r.Flagged && r.Status != ReferralStatus.NeedsManualRouting),
            Unrouted = referrals.Count(r => r.Status == ReferralStatus.NeedsManualRouting),
            AdviceSent = referrals.Count(r => r.Advice is AdviceState.Sent or AdviceState.Delivered),
            AdviceFailed = referrals.Count(r => r.Advice == AdviceState.Failed),
            MedianMinutesToAccept = Median(cases.Where(c => c.AcceptedAt is not null).Select(MinutesToAccept)),
            P90MinutesToAccept = Percentile90(cases.Where(c => c.AcceptedAt is not null).Select(MinutesToAccept)),
            EscalatedNotAccepted = cases.Count(c => c.EscalationReason == Partners.AcknowledgementRules.NotAcceptedReason),
            EscalatedDeclinedByAll = cases.Count(c => c.EscalationReason == Partners.AcknowledgementRules.DeclinedByAllReason),
            NeverAnswered = cases.Count(c => c.Status == CaseStatus.Sent && c.CancelledAt is null),
            CancellationsSent = cases.Count(c => c.CancelledAt is not null),
            Late = late,
            Text = string.Empty,
        };
        return summary with { Text = Text(summary, world) };
    }

    /// <summary>The duty inspector's SMS: the headline figures first, detail after, cut to three segments.</summary>
    public static string Text(NightSummary summary, RoutingWorld world)
    {
        ArgumentNullException.ThrowIfNull(summary);
        ArgumentNullException.ThrowIfNull(world);
        var c = CultureInfo.InvariantCulture;
        var cases = summary.Agencies.Sum(a => a.Cases);
        var answered = summary.Agencies.Sum(a => a.Cases - a.Unanswered);
        var text = new StringBuilder();
        text.Append(c, $"NightSafe {summary.Night} {world.County}: {summary.Referrals} referrals, {summary.OpenReferrals} open. ");
        text.Append(c, $"Partners answered {answered}/{cases} cases");
        text.Append(summary.MedianMinutesToAccept is { } median ? $", median {Minutes(median)} to accept (p90 {Minutes(summary.P90MinutesToAccept ?? median)}). " : ". ");
        text.Append(c, $"Escalated {summary.EscalatedNotAccepted + summary.EscalatedDeclinedByAll} (not accepted {summary.EscalatedNotAccepted}, all declined {summary.EscalatedDeclinedByAll}), never answered {summary.NeverAnswered}, cancellations {summary.CancellationsSent}. ");
        text.Append(c, $"Fallback {summary.RoutedToFallback}, unrouted {summary.Unrouted}. Advice SMS sent {summary.AdviceSent}, failed {summary.AdviceFailed}. ");
        if (summary.Late is { AdviceFailed: > 0 } late)
        {
            text.Append(c, $"Late for {late.Night}: advice failed {late.AdviceFailed} more. ");
        }
        if (summary.ByTown.Count > 0)
        {
            text.Append("Towns: ").AppendJoin(", ", summary.ByTown.OrderByDescending(t => t.Value).Select(t => string.Create(c, $"{world.FindTown(TownId.From(t.Key))?.Name ?? t.Key} {t.Value}"))).Append(". ");
        }

        if (summary.ByCategory.Count > 0)
        {
            text.Append("Top: ").AppendJoin(", ", summary.ByCategory.OrderByDescending(x => x.Value).Select(x => string.Create(c, $"{x.Key} {x.Value}"))).Append('.');
        }

        return SmsText.Truncate(SmsText.ToGsm7(text.ToString().Trim()), MaxSegments);
    }

    /// <summary>
    /// The earlier night's advice failures reported after <paramref name="earlier"/> (its stored summary) was calculated:
    /// states only move forward, so what is failed now beyond what the summary counted failed since.
    /// </summary>
    public static LateFigures Late(NightSummary earlier, IReadOnlyList<Referral> referrals)
    {
        ArgumentNullException.ThrowIfNull(earlier);
        ArgumentNullException.ThrowIfNull(referrals);
        var failedNow = referrals.Count(r => r.Advice == AdviceState.Failed);
        return new LateFigures(earlier.Night, Math.Max(0, failedNow - earlier.AdviceFailed));
    }

    private static double MinutesToAccept(PartnerCase c) => (c.AcceptedAt!.Value - c.DisclosedAt).TotalMinutes;

    /// <summary>The nearest-rank 90th percentile: the smallest value at or above 90% of the values.</summary>
    private static double? Percentile90(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? null : sorted[(int)Math.Ceiling(0.9 * sorted.Length) - 1];
    }

    private static double? Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0)
        {
            return null;
        }

        var middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    private static int IndexOf(RoutingWorld world, AgencyId agencyId)
    {
        for (var i = 0; i < world.Agencies.Count; i++)
        {
            if (world.Agencies[i].Id == agencyId)
            {
                return i;
            }
        }

        return int.MaxValue;
    }

    /// <summary>A wait in the summary's words: seconds under a minute (a quick answer is not "0 min"), else whole minutes.</summary>
    private static string Minutes(double minutes) => minutes < 1
        ? string.Create(CultureInfo.InvariantCulture, $"{minutes * 60:0} s")
        : string.Create(CultureInfo.InvariantCulture, $"{minutes:0} min");
}
