using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using NightSafe.Core.Nights;
using NightSafe.Core.Ports;
using NightSafe.Core.Sms;
using NightSafe.Core.World;

namespace NightSafe.Core.Summaries;

/// <summary>What a summary run did.</summary>
public enum SummaryRun
{
    /// <summary>Calculated, stored, texted to the inspectors and published to each agency.</summary>
    Delivered,

    /// <summary>The night's summary had gone out already: nothing done.</summary>
    AlreadyDelivered,

    /// <summary>Not a night the hub can summarise (after tonight, or before the retention window): nothing done.</summary>
    NightOutOfRange,
}

/// <summary>
/// The end-of-night summary: calculated once, stored, then queued as SMS to the duty inspectors and published per agency
/// on topic <c>summaries</c>. Running again for the same night does nothing; a run interrupted before delivery
/// delivers the stored figures on the next run.
/// </summary>
public sealed partial class NightSummaries(
    IReferralStore referrals,
    ISummaryStore summaries,
    IOutboundSmsQueue smsQueue,
    IPartnerMessagePublisher publisher,
    RoutingWorld world,
    HubSettings settings,
    TimeProvider time,
    ILogger<NightSummaries> logger)
{
    public async Task<SummaryRun> RunAsync(NightId night, CancellationToken cancellationToken)
    {
        if (!IsSummarisable(night, time.GetUtcNow(), world, settings))
        {
            // A request for 9999-12-31 or 0001-01-01 would text every inspector an empty night.
            LogOutOfRange(night);
            return SummaryRun.NightOutOfRange;
        }

        var stored = await summaries.FindAsync(night, cancellationToken);
        if (stored?.Value.DeliveredAt is not null)
        {
            LogAlreadyDone(night);
            return SummaryRun.AlreadyDelivered;
        }

        if (stored is null)
        {
            var calculated = NightSummaryCalculator.Calculate(
                night,
                await referrals.NightAsync(night, cancellationToken),
                await referrals.NightCasesAsync(night, cancellationToken),
                world,
                time.GetUtcNow(),
                await LateAsync(night.Previous, cancellationToken));
            await summaries.TryAddAsync(calculated, cancellationToken);
            // Whether this run or a concurrent one stored it, deliver what is stored.
            stored = await summaries.FindAsync(night, cancellationToken)
                ?? throw new InvalidOperationException($"The summary of night {night} was stored but cannot be read back.");
        }

        var summary = stored.Value;
        await publisher.PublishSummariesAsync(
            summary.Agencies.Select(a => new OutgoingSummary($"{night}/summary/{a.AgencyId}", a.AgencyId, night.ToString(), AgencyBody(summary, a))).ToList(),
            cancellationToken);
        foreach (var inspector in world.DutyInspectors)
        {
            // One item per inspector, one marker each: a run repeated after a fault texts nobody twice.
            await smsQueue.EnqueueAsync(new OutboundSmsItem(SmsKinds.Summary, $"summary/{night}", inspector.Phone, summary.Text, night.ToString()), cancellationToken);
        }

        await summaries.MarkDeliveredAsync(night, stored.Version, time.GetUtcNow(), cancellationToken);
        LogDelivered(night, summary.Referrals, world.DutyInspectors.Count, summary.Agencies.Count);
        return SummaryRun.Delivered;
    }

    /// <summary>What the earlier night's delivery reports added after its summary; null when it had none.</summary>
    private async Task<LateFigures?> LateAsync(NightId earlier, CancellationToken cancellationToken)
    {
        if (await summaries.FindAsync(earlier, cancellationToken) is not { } summary)
        {
            return null;
        }

        var late = NightSummaryCalculator.Late(summary.Value, await referrals.NightAsync(earlier, cancellationToken));
        if (late.AdviceFailed > 0)
        {
            LogLate(earlier, late.AdviceFailed);
        }

        return late;
    }

    /// <summary>Whether a night may be summarised at <paramref name="now"/>: tonight or a night still inside the retention window.</summary>
    public static bool IsSummarisable(NightId night, DateTimeOffset now, RoutingWorld world, HubSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var tonight = NightId.For(now, world);
        return night <= tonight && night.Date >= tonight.Date.AddDays(-settings.RetentionDays);
    }

    /// <summary>One agency's figures (no personal data), as JSON with a schema version.</summary>
    public static string AgencyBody(NightSummary summary, AgencyFigures figures)
    {
        ArgumentNullException.ThrowIfNull(summary);
        ArgumentNullException.ThrowIfNull(figures);
        return new JsonObject
        {
            ["schemaVersion"] = 1,
            ["type"] = "summary",
            ["agency"] = figures.AgencyId,
            ["night"] = summary.Night.ToString(),
            ["cases"] = figures.Cases,
            ["accepted"] = figures.Accepted,
            ["attended"] = figures.Attended,
            ["declined"] = figures.Declined,
            ["closed"] = figures.Closed,
            ["unanswered"] = figures.Unanswered,
            ["medianMinutesToAccept"] = figures.MedianMinutesToAccept is { } m ? Math.Round(m, 1) : null,
            ["p90MinutesToAccept"] = figures.P90MinutesToAccept is { } p ? Math.Round(p, 1) : null,
            ["escalated"] = figures.Escalated,
            ["cancelled"] = figures.Cancelled,
            ["countyReferrals"] = summary.Referrals,
        }.ToJsonString();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Summary of night {Night} refused: only tonight and nights inside the retention window are summarised")]
    private partial void LogOutOfRange(NightId night);

    [LoggerMessage(Level = LogLevel.Information, Message = "Night {Night}: {Count} advice SMS reported failed after its summary; carried into the next summary as late figures")]
    private partial void LogLate(NightId night, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Summary of night {Night} had been delivered already; nothing to do")]
    private partial void LogAlreadyDone(NightId night);

    [LoggerMessage(Level = LogLevel.Information, Message = "Summary of night {Night} delivered: {Referrals} referrals; SMS to {Inspectors} inspectors; {Agencies} agency summaries published")]
    private partial void LogDelivered(NightId night, int referrals, int inspectors, int agencies);
}

/// <summary>
/// When the nightly summary is due: when the night has ended (routing.json's night end, 08:00 in London), so that it
/// covers the whole night. Linux and Flex Consumption plans run timers in UTC and ignore WEBSITE_TIME_ZONE, so the
/// timer fires every quarter hour and this decides in Europe/London time, whatever the UTC offset that day.
/// </summary>
public static class SummarySchedule
{
    /// <summary>The timer's NCRONTAB schedule (UTC): every 15 minutes; the night's end falls on one of them in any offset.</summary>
    public const string Cron = "0 */15 * * * *";

    /// <summary>How long after the night's end a firing still runs the summary (later firings are absorbed by idempotency).</summary>
    public static readonly TimeSpan Window = TimeSpan.FromHours(2);

    /// <summary>The night whose summary is due at <paramref name="now"/> (the one that has just ended), or null.</summary>
    public static NightId? Due(DateTimeOffset now, RoutingWorld world)
    {
        ArgumentNullException.ThrowIfNull(world);
        var local = TimeOnly.FromDateTime(world.ToLocal(now));
        var sinceEnd = local - world.NightEnds;
        // From the night's end for a while; a night id at or after the end names the coming night, so take the one before.
        return local >= world.NightEnds && sinceEnd < Window ? NightId.For(now, world).Previous : null;
    }
}
