using Microsoft.Extensions.Logging;
using NightSafe.Core.Advice;
using NightSafe.Core.Nights;
using NightSafe.Core.Ports;
using NightSafe.Core.References;
using NightSafe.Core.Referrals;
using NightSafe.Core.World;

namespace NightSafe.Core.Routing;

/// <summary>What a routing attempt did.</summary>
public enum RoutingOutcome
{
    Routed,

    /// <summary>Every case had been published already (a retry or a redelivery).</summary>
    AlreadyRouted,

    /// <summary>The referral does not exist (erased, or a message for another environment): nothing to do.</summary>
    NotFound,

    /// <summary>Closed before it was routed: no disclosure needed.</summary>
    ClosedBeforeRouting,

    /// <summary>Closed after its cases were recorded but before they were published: none was published.</summary>
    ClosedDuringRouting,
}

/// <summary>
/// Routes a stored referral: one case per assigned agency on topic <c>cases</c> (each with only what that agency may
/// see), then queues the subject's advice SMS on <c>sms-outbound</c> (routing never calls the SMS provider, so an SMS
/// outage never fails routing). Cases are recorded (with their disclosure in the audit trail) before they are
/// published, so a partner can always report on a case it has received; the referral is marked Routed only once every
/// case is published. The state is read again before publishing and before the advice is queued, so a CLOSE that
/// lands during routing stops both. Safe to repeat: a retry republishes the recorded cases under the same MessageIds
/// (the topic's duplicate detection drops them) and the advice goes at most once (its marker absorbs a second item).
/// </summary>
public sealed partial class ReferralRouter(
    IReferralStore store,
    ICasePublisher publisher,
    IOutboundSmsQueue smsQueue,
    RoutingPolicy policy,
    RoutingWorld world,
    TimeProvider time,
    ILogger<ReferralRouter> logger)
{
    private const int MaxAttempts = 5;

    public async Task<RoutingOutcome> RouteAsync(NightId night, ReferenceCode reference, CancellationToken cancellationToken)
    {
        var recorded = await RecordCasesAsync(night, reference, cancellationToken);
        if (recorded is not { } plan)
        {
            return RoutingOutcome.NotFound;
        }

        if (plan.Outcome is not (RoutingOutcome.Routed or RoutingOutcome.AlreadyRouted))
        {
            return plan.Outcome;
        }

        var routed = plan.Referral;
        if (plan.Outcome == RoutingOutcome.Routed)
        {
            // An officer may have closed it since the cases were recorded: read again before anything leaves the hub.
            var current = await store.FindAsync(night, reference, cancellationToken);
            if (current is null)
            {
                LogNotFound(night, reference);
                return RoutingOutcome.NotFound;
            }

            if (current.Value.Status == ReferralStatus.Closed && current.Value.RoutedAt is null)
            {
                await WithholdAsync(night, reference, plan.Cases, cancellationToken);
                return RoutingOutcome.ClosedDuringRouting;
            }

            await publisher.PublishCasesAsync(plan.Cases.Select(c => Outgoing(current.Value, c)).ToList(), cancellationToken);
            routed = await MarkRoutedAsync(night, reference, plan.Decision, cancellationToken);
            LogRouted(night, reference, plan.Cases.Count, plan.Decision.UsedFallback);
        }

        // Read again by MarkRoutedAsync: a CLOSE before this point sets the advice aside instead.
        if (routed.Advice is AdviceState.Pending or AdviceState.Sending && routed.Status != ReferralStatus.Closed)
        {
            await smsQueue.EnqueueAsync(AdviceSms.ItemFor(routed), cancellationToken);
        }

        return plan.Outcome;
    }

    private sealed record Plan(RoutingOutcome Outcome, Referral Referral, RoutingDecision Decision, IReadOnlyList<PartnerCase> Cases);

    /// <summary>Writes a case row and its disclosure event for every assigned agency that has none yet (one transaction).</summary>
    private async Task<Plan?> RecordCasesAsync(NightId night, ReferenceCode reference, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var stored = await store.FindAsync(night, reference, cancellationToken);
            if (stored is null)
            {
                LogNotFound(night, reference);
                return null;
            }

            var referral = stored.Value;
            // Decide on the time it was received, so a retry tomorrow routes exactly as it would have tonight.
            var decision = policy.Decide(referral.TownId, referral.Categories, referral.ReceivedAt);
            var recorded = (await store.CasesAsync(night, reference, cancellationToken)).Select(c => c.Value).ToList();
            var existing = recorded.Select(c => c.AgencyId).ToHashSet(StringComparer.Ordinal);
            if (referral.Status != ReferralStatus.Received && referral.RoutedAt is not null)
            {
                return new Plan(RoutingOutcome.AlreadyRouted, referral, decision, recorded);
            }

            if (referral.Status == ReferralStatus.Closed && existing.Count == 0)
            {
                LogClosedBeforeRouting(night, reference);
                if (referral.Advice == AdviceState.Pending)
                {
                    try
                    {
                        // Nothing was disclosed and nothing will be sent: say so, rather than leave the advice pending.
                        await store.SaveAsync(
                            new ReferralChange(night, reference)
                            {
                                Referral = referral with { Advice = AdviceState.NotApplicable },
                                ReferralVersion = stored.Version,
                                Events = [ReferralEvent.Of(time.GetUtcNow(), ReferralEventKinds.AdviceSkipped, Actors.System, (ReferralEventData.Reason, "closed before routing"))],
                            },
                            cancellationToken);
                    }
                    catch (ConcurrencyConflictException) when (attempt < MaxAttempts)
                    {
                        continue;
                    }
                }

                return new Plan(RoutingOutcome.ClosedBeforeRouting, referral, decision, []);
            }

            var now = time.GetUtcNow();
            var cases = new List<PartnerCase>();
            var events = new List<ReferralEvent>();
            foreach (var assignment in decision.Assignments.Where(a => !existing.Contains(a.AgencyId)))
            {
                var agency = world.FindAgency(assignment.AgencyId)
                    ?? throw new InvalidOperationException($"Routing chose agency '{assignment.AgencyId}', which routing.json does not list.");
                var (body, fields) = CaseMessage.Build(referral, agency, world);
                cases.Add(new PartnerCase
                {
                    Night = night,
                    Reference = reference,
                    AgencyId = agency.Id,
                    DisclosedAt = now,
                    Fields = fields,
                    View = body,
                });
                events.Add(ReferralEvent.Of(
                    now,
                    ReferralEventKinds.Disclosed,
                    Actors.System,
                    (ReferralEventData.Agency, agency.Id),
                    (ReferralEventData.Fields, string.Join(',', fields)),
                    (ReferralEventData.Categories, string.Join(',', assignment.Categories)),
                    (ReferralEventData.Reason, agency.Id == world.FallbackAgencyId ? "fallback: no agency on duty covers " + string.Join(',', decision.UncoveredCategories) : "town, category and hours match"),
                    (ReferralEventData.MessageId, PartnerCase.MessageIdFor(night, reference, agency.Id))));
            }

            if (cases.Count == 0)
            {
                return new Plan(RoutingOutcome.Routed, referral, decision, recorded);
            }

            try
            {
                // The referral is written unchanged with its version, so an officer's CLOSE cannot slip in between.
                await store.SaveAsync(
                    new ReferralChange(night, reference)
                    {
                        Referral = referral,
                        ReferralVersion = stored.Version,
                        Cases = cases.Select(c => (c, (string?)null)).ToList(),
                        Events = events,
                    },
                    cancellationToken);
                return new Plan(RoutingOutcome.Routed, referral, decision, [.. recorded, .. cases]);
            }
            catch (ConcurrencyConflictException) when (attempt < MaxAttempts)
            {
                // Another attempt or an officer changed it meanwhile: read again.
                LogConflict(night, reference, attempt);
            }
        }
    }

    /// <summary>
    /// After every case went out: Routed (unless partners already moved it on), flagged when the fallback took part.
    /// Returns the referral as saved; one closed meanwhile has its pending advice set aside.
    /// </summary>
    private async Task<Referral> MarkRoutedAsync(NightId night, ReferenceCode reference, RoutingDecision decision, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var stored = await store.FindAsync(night, reference, cancellationToken)
                ?? throw new InvalidOperationException($"Referral {night}/{reference} vanished while being routed.");
            var referral = stored.Value;
            var now = time.GetUtcNow();
            var events = new List<ReferralEvent>();
            if (decision.UsedFallback && !referral.Flagged)
            {
                events.Add(ReferralEvent.Of(now, ReferralEventKinds.Fallback, Actors.System, (ReferralEventData.Categories, string.Join(',', decision.UncoveredCategories))));
            }

            events.Add(ReferralEvent.Of(now, ReferralEventKinds.Routed, Actors.System, (ReferralEventData.Agency, string.Join(',', decision.Assignments.Select(a => a.AgencyId)))));
            var closed = referral.Status == ReferralStatus.Closed;
            if (closed && referral.Advice is AdviceState.Pending or AdviceState.Sending)
            {
                // Closed while its cases went out: no advice. (Cases already out are cancelled by the CLOSE itself:
                // the partner loop's cancellation reads the recorded case rows, which exist before any publish.)
                events.Add(ReferralEvent.Of(now, ReferralEventKinds.AdviceSkipped, Actors.System, (ReferralEventData.Reason, "closed during routing")));
            }

            var next = referral with
            {
                Status = referral.Status == ReferralStatus.Received ? ReferralStatus.Routed : referral.Status,
                RoutedAt = referral.RoutedAt ?? now,
                Flagged = referral.Flagged || decision.UsedFallback,
                Advice = closed && referral.Advice is AdviceState.Pending or AdviceState.Sending ? AdviceState.NotApplicable : referral.Advice,
            };
            try
            {
                await store.SaveAsync(
                    new ReferralChange(night, reference) { Referral = next, ReferralVersion = stored.Version, Events = events },
                    cancellationToken);
                return next;
            }
            catch (ConcurrencyConflictException) when (attempt < MaxAttempts)
            {
                // A partner answered already (the case was out): read again and keep its status.
                LogConflict(night, reference, attempt);
            }
        }
    }

    /// <summary>
    /// Closed after its cases were recorded and before any was published: none is published, the trail says so for each
    /// agency, and the pending advice is set aside. (Hook for the partner loop: nothing is out, so nothing to cancel.)
    /// </summary>
    private async Task WithholdAsync(NightId night, ReferenceCode reference, IReadOnlyList<PartnerCase> cases, CancellationToken cancellationToken)
    {
        LogClosedDuringRouting(night, reference, cases.Count);
        for (var attempt = 1; ; attempt++)
        {
            var stored = await store.FindAsync(night, reference, cancellationToken);
            if (stored is null)
            {
                return;
            }

            var now = time.GetUtcNow();
            var events = cases
                .Select(c => ReferralEvent.Of(now, ReferralEventKinds.Withheld, Actors.System, (ReferralEventData.Agency, c.AgencyId), (ReferralEventData.Reason, "closed before the case was published")))
                .ToList();
            var pending = stored.Value.Advice is AdviceState.Pending or AdviceState.Sending;
            if (pending)
            {
                events.Add(ReferralEvent.Of(now, ReferralEventKinds.AdviceSkipped, Actors.System, (ReferralEventData.Reason, "closed during routing")));
            }

            try
            {
                await store.SaveAsync(
                    new ReferralChange(night, reference)
                    {
                        Referral = pending ? stored.Value with { Advice = AdviceState.NotApplicable } : null,
                        ReferralVersion = pending ? stored.Version : null,
                        Events = events,
                    },
                    cancellationToken);
                return;
            }
            catch (ConcurrencyConflictException) when (attempt < MaxAttempts)
            {
                LogConflict(night, reference, attempt);
            }
        }
    }

    private static OutgoingCase Outgoing(Referral referral, PartnerCase @case) =>
        new(
            PartnerCase.MessageIdFor(referral.Night, referral.Reference, @case.AgencyId),
            @case.AgencyId,
            referral.TownId,
            referral.Categories,
            referral.Priority,
            @case.View,
            referral.TraceParent);

    [LoggerMessage(Level = LogLevel.Information, Message = "Referral {Night}/{ReferenceCode} routed: {CaseCount} new cases published (fallback: {UsedFallback})")]
    private partial void LogRouted(NightId night, ReferenceCode referenceCode, int caseCount, bool usedFallback);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Referral {Night}/{ReferenceCode} to route was not found; nothing to do")]
    private partial void LogNotFound(NightId night, ReferenceCode referenceCode);

    [LoggerMessage(Level = LogLevel.Information, Message = "Referral {Night}/{ReferenceCode} was closed before routing; no cases disclosed")]
    private partial void LogClosedBeforeRouting(NightId night, ReferenceCode referenceCode);

    [LoggerMessage(Level = LogLevel.Information, Message = "Referral {Night}/{ReferenceCode} was closed during routing; its {CaseCount} recorded cases were not published")]
    private partial void LogClosedDuringRouting(NightId night, ReferenceCode referenceCode, int caseCount);

    [LoggerMessage(Level = LogLevel.Information, Message = "Referral {Night}/{ReferenceCode} changed while routing (attempt {Attempt}); reading it again")]
    private partial void LogConflict(NightId night, ReferenceCode referenceCode, int attempt);
}
