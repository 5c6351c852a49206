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

        if (plan.Outcome == RoutingOutcome.Routed)
        {
            var cases = await store.CasesAsync(night, reference, cancellationToken);
            await publisher.PublishCasesAsync(
                cases.Select(c => Outgoing(plan.Referral, c.Value, plan.Decision)).ToList(),
                cancellationToken);
            await MarkRoutedAsync(night, reference, plan.Decision, cancellationToken);
            LogRouted(night, reference, cases.Count, plan.Decision.UsedFallback);
        }

        if (plan.Outcome is RoutingOutcome.Routed or RoutingOutcome.AlreadyRouted)
        {
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
        await publisher.PublishCasesAsync(all.Select(c => Outgoing(referral, c.Value, chosen)).ToList(), cancellationToken);
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
            var (body, fields) = CaseMessage.Build(referral, agency, assignment.Categories, world);
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
                // Exactly what went out: the categories only when the agency's shares hold them.
                (ReferralEventData.Categories, fields.Contains(ReferralFields.Categories) ? string.Join(',', referral.Categories.Where(assignment.Categories.Contains)) : null),
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

    private OutgoingCase Outgoing(Referral referral, PartnerCase @case, RoutingDecision decision)
    {
        var agency = world.FindAgency(@case.AgencyId)
            ?? throw new InvalidOperationException($"Case for agency '{@case.AgencyId}', which routing.json does not list.");
        var assigned = decision.Assignments.FirstOrDefault(a => a.AgencyId == @case.AgencyId)?.Categories ?? AssignedCategories(referral, agency);
        return CaseMessage.Outgoing(referral, @case, agency, assigned);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Referral {Night}/{ReferenceCode} routed: {CaseCount} new cases published (fallback: {UsedFallback})")]
    private partial void LogRouted(NightId night, ReferenceCode referenceCode, int caseCount, bool usedFallback);

    [LoggerMessage(Level = LogLevel.Information, Message = "Referral {Night}/{ReferenceCode} routed by hand to {AgencyCount} agencies")]
    private partial void LogRoutedByHand(NightId night, ReferenceCode referenceCode, int agencyCount);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Referral {Night}/{ReferenceCode} to route was not found; nothing to do")]
    private partial void LogNotFound(NightId night, ReferenceCode referenceCode);

    [LoggerMessage(Level = LogLevel.Information, Message = "Referral {Night}/{ReferenceCode} was closed before routing; no cases disclosed")]
    private partial void LogClosedBeforeRouting(NightId night, ReferenceCode referenceCode);
}
