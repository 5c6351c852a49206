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
}

/// <summary>What the control room's manual routing did.</summary>
public abstract record ManualRoutingResult
{
    private ManualRoutingResult()
    {
    }

    public sealed record Routed(RoutingDecision Decision) : ManualRoutingResult;

    public sealed record NotFound : ManualRoutingResult;

    /// <summary>Only a referral that needs manual routing is routed by hand; automatic routing owns the rest.</summary>
    public sealed record NotFlagged(ReferralStatus Status) : ManualRoutingResult;

    public sealed record UnknownAgencies(IReadOnlyList<string> Agencies) : ManualRoutingResult;
}

/// <summary>
/// Routes a stored referral: one case per assigned agency on topic <c>cases</c> (each with only what that agency may
/// see), then the subject's advice SMS. Cases are recorded (with their disclosure in the audit trail) before they are
/// published, so a partner can always report on a case it has received; the referral is marked Routed only once every
/// case is published. Safe to repeat: a retry republishes the recorded cases under the same MessageIds (the topic's
/// duplicate detection drops them) and the advice SMS goes at most once.
/// </summary>
public sealed partial class ReferralRouter(
    IReferralStore store,
    IPartnerMessagePublisher publisher,
    AdviceSms advice,
    Partners.PartnerLoop partners,
    RoutingPolicy policy,
    RoutingWorld world,
    TimeProvider time,
    ILogger<ReferralRouter> logger)
{
    public async Task<RoutingOutcome> RouteAsync(NightId night, ReferenceCode reference, CancellationToken cancellationToken)
    {
        var recorded = await RecordCasesAsync(night, reference, cancellationToken);
        if (recorded is not { } plan)
        {
            return RoutingOutcome.NotFound;
        }

        IReadOnlyList<Stored<PartnerCase>>? cases = null;
        if (plan.Outcome == RoutingOutcome.Routed)
        {
            cases = await store.CasesAsync(night, reference, cancellationToken);
            // Only agencies on the servicebus channel read a subscription; the others get their cases by SMS.
            await publisher.PublishCasesAsync(
                cases.Where(c => world.FindAgency(c.Value.AgencyId)?.UsesServiceBus ?? true).Select(c => Outgoing(plan.Referral, c.Value)).ToList(),
                cancellationToken);
            await MarkRoutedAsync(night, reference, plan.Decision, cancellationToken);
            LogRouted(night, reference, cases.Count, plan.Decision.UsedFallback);
        }

        if (plan.Outcome is RoutingOutcome.Routed or RoutingOutcome.AlreadyRouted)
        {
            // Alerts, deadlines and the urgent text are queued work (idempotent), so a retry repeats them harmlessly.
            cases ??= await store.CasesAsync(night, reference, cancellationToken);
            await partners.CasesRoutedAsync(plan.Referral, cases.Select(c => c.Value).ToList(), cancellationToken);
            await advice.SendOnceAsync(night, reference, cancellationToken);
        }

        return plan.Outcome;
    }

    /// <summary>
    /// The control room routes a referral flagged for manual routing to the agencies it chose, through the same path as
    /// automatic routing: each agency's minimised view recorded with its disclosure (naming <paramref name="actor"/>),
    /// then published, then the referral marked Routed, then the advice SMS (at most once).
    /// </summary>
    public async Task<ManualRoutingResult> RouteByHandAsync(NightId night, ReferenceCode reference, IReadOnlyList<string> agencyIds, string actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(agencyIds);
        var unknown = agencyIds.Where(id => world.FindAgency(id) is null).ToList();
        if (unknown.Count > 0 || agencyIds.Count == 0)
        {
            return new ManualRoutingResult.UnknownAgencies(unknown);
        }

        var plan = await store.UpdateAsync<ManualRoutingResult>(
            night,
            reference,
            async (stored, ct) =>
            {
                if (stored is null)
                {
                    return new(new ManualRoutingResult.NotFound());
                }

                var referral = stored.Value;
                if (!referral.CanRouteByHand)
                {
                    return new(new ManualRoutingResult.NotFlagged(referral.Status));
                }

                var decision = new RoutingDecision(
                    agencyIds.Distinct(StringComparer.Ordinal).Select(id => new AgencyAssignment(id, AssignedCategories(referral, world.FindAgency(id)!))).ToList(),
                    UsedFallback: false,
                    UncoveredCategories: []);
                var existing = (await store.CasesAsync(referral.Night, referral.Reference, ct)).Select(c => c.Value.AgencyId).ToHashSet(StringComparer.Ordinal);
                var (cases, events) = NewCases(referral, decision, existing, actor, _ => "routed by hand by the control room");
                var routed = new ManualRoutingResult.Routed(decision);
                return cases.Count == 0
                    ? new(routed)
                    : new(routed, new ReferralChange(referral.Night, referral.Reference)
                    {
                        Referral = referral,
                        ReferralVersion = stored.Version,
                        Cases = cases.Select(c => (c, (string?)null)).ToList(),
                        Events = events,
                    });
            },
            cancellationToken);
        if (plan is not ManualRoutingResult.Routed { Decision: var chosen })
        {
            return plan;
        }

        var referral = (await store.FindAsync(night, reference, cancellationToken))?.Value
            ?? throw new InvalidOperationException($"Referral {night}/{reference} vanished while being routed.");
        var all = await store.CasesAsync(night, reference, cancellationToken);
        await publisher.PublishCasesAsync(all.Select(c => Outgoing(referral, c.Value)).ToList(), cancellationToken);
        await store.UpdateAsync(
            night,
            reference,
            stored => stored is null
                ? throw new InvalidOperationException($"Referral {night}/{reference} vanished while being routed.")
                : new ReferralDecision<bool>(true, stored.Value.CanRouteByHand ? ReferralChange.From(stored, stored.Value.RouteByHand(chosen, actor, time.GetUtcNow())) : null),
            cancellationToken);
        LogRoutedByHand(night, reference, chosen.Assignments.Count);
        await advice.SendOnceAsync(night, reference, cancellationToken);
        return plan;
    }

    /// <summary>The referral's categories the agency handles; all of them when it handles none (the control room's choice).</summary>
    private static List<string> AssignedCategories(Referral referral, Agency agency)
    {
        var handled = referral.Categories.Where(c => agency.Categories.Contains(c)).ToList();
        return handled.Count > 0 ? handled : [.. referral.Categories];
    }

    private sealed record Plan(RoutingOutcome Outcome, Referral Referral, RoutingDecision Decision);

    /// <summary>Writes a case row and its disclosure event for every assigned agency that has none yet (one transaction).</summary>
    private async Task<Plan?> RecordCasesAsync(NightId night, ReferenceCode reference, CancellationToken cancellationToken)
    {
        var plan = await store.UpdateAsync<Plan?>(night, reference, DecideCasesAsync, cancellationToken);
        if (plan is null)
        {
            LogNotFound(night, reference);
        }
        else if (plan.Outcome == RoutingOutcome.ClosedBeforeRouting)
        {
            LogClosedBeforeRouting(night, reference);
        }

        return plan;
    }

    private async Task<ReferralDecision<Plan?>> DecideCasesAsync(Stored<Referral>? stored, CancellationToken cancellationToken)
    {
        if (stored is null)
        {
            return new(null);
        }

        var referral = stored.Value;
        // Decide on the time it was received, so a retry tomorrow routes exactly as it would have tonight.
        var decision = policy.Decide(referral.TownId, referral.Categories, referral.ReceivedAt);
        if (referral.HasBeenRouted)
        {
            return new(new Plan(RoutingOutcome.AlreadyRouted, referral, decision));
        }

        var existing = (await store.CasesAsync(referral.Night, referral.Reference, cancellationToken)).Select(c => c.Value.AgencyId).ToHashSet(StringComparer.Ordinal);
        var now = time.GetUtcNow();
        if (referral.Status == ReferralStatus.Closed && existing.Count == 0)
        {
            // Nothing was disclosed and nothing will be sent: say so, rather than leave the advice pending.
            var closed = new Plan(RoutingOutcome.ClosedBeforeRouting, referral, decision);
            return referral.Advice == AdviceState.Pending
                ? new(closed, ReferralChange.From(stored, referral.SetAdviceAside("closed before routing", now)))
                : new(closed);
        }

        var (cases, events) = NewCases(
            referral,
            decision,
            existing,
            Actors.System,
            agency => agency.Id == world.FallbackAgencyId ? "fallback: no agency on duty covers " + string.Join(',', decision.UncoveredCategories) : "town, category and hours match");
        var routed = new Plan(RoutingOutcome.Routed, referral, decision);
        return cases.Count == 0
            ? new(routed)
            : new(
                routed,
                new ReferralChange(referral.Night, referral.Reference)
                {
                    // The referral is written unchanged with its version, so an officer's CLOSE cannot slip in between.
                    Referral = referral,
                    ReferralVersion = stored.Version,
                    Cases = cases.Select(c => (c, (string?)null)).ToList(),
                    Events = events,
                });
    }

    /// <summary>A case row (the agency's minimised view) and its disclosure event for each assigned agency that has none yet.</summary>
    private (List<PartnerCase> Cases, List<ReferralEvent> Events) NewCases(Referral referral, RoutingDecision decision, HashSet<string> existing, string actor, Func<Agency, string> reason)
    {
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
                Night = referral.Night,
                Reference = referral.Reference,
                AgencyId = agency.Id,
                DisclosedAt = now,
                Fields = fields,
                View = body,
            });
            events.Add(ReferralEvent.Of(
                now,
                ReferralEventKinds.Disclosed,
                actor,
                (ReferralEventData.Agency, agency.Id),
                (ReferralEventData.Fields, string.Join(',', fields)),
                (ReferralEventData.Categories, string.Join(',', assignment.Categories)),
                (ReferralEventData.Reason, reason(agency)),
                (ReferralEventData.MessageId, PartnerCase.MessageIdFor(referral.Night, referral.Reference, agency.Id))));
        }

        return (cases, events);
    }

    /// <summary>After every case went out: Routed (unless partners already moved it on), flagged when the fallback took part.</summary>
    private async Task MarkRoutedAsync(NightId night, ReferenceCode reference, RoutingDecision decision, CancellationToken cancellationToken) =>
        _ = await store.UpdateAsync(
            night,
            reference,
            stored => stored is null
                ? throw new InvalidOperationException($"Referral {night}/{reference} vanished while being routed.")
                : new ReferralDecision<bool>(true, ReferralChange.From(stored, stored.Value.MarkRouted(decision, time.GetUtcNow()))),
            cancellationToken);

    /// <summary>The case message of one agency's case (its recorded view, its MessageId).</summary>
    internal static OutgoingCase Outgoing(Referral referral, PartnerCase @case) =>
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

    [LoggerMessage(Level = LogLevel.Information, Message = "Referral {Night}/{ReferenceCode} routed by hand to {AgencyCount} agencies")]
    private partial void LogRoutedByHand(NightId night, ReferenceCode referenceCode, int agencyCount);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Referral {Night}/{ReferenceCode} to route was not found; nothing to do")]
    private partial void LogNotFound(NightId night, ReferenceCode referenceCode);

    [LoggerMessage(Level = LogLevel.Information, Message = "Referral {Night}/{ReferenceCode} was closed before routing; no cases disclosed")]
    private partial void LogClosedBeforeRouting(NightId night, ReferenceCode referenceCode);
}
