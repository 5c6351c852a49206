using Microsoft.Extensions.Logging;
using NightSafe.Core.Advice;
using NightSafe.Core.Nights;
using NightSafe.Core.Ports;
using NightSafe.Core.References;
using NightSafe.Core.Referrals;
using NightSafe.Core.Sms;
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
/// case is published. The state is read again before publishing, and the advice is decided on the referral as marked
/// Routed, so a CLOSE that lands during routing stops both. The advice is sent once all that is done, from the copy
/// just saved (no read, no queue round trip); when it fails, while the provider is slow, or on a repeat, it is queued
/// on <c>sms-outbound</c> instead, so an SMS outage never fails routing or holds it up for long. Safe to repeat: a
/// retry republishes the recorded cases under the same MessageIds (the topic's duplicate detection drops them) and the
/// advice goes at most once (its marker absorbs a second attempt, and reconciles one that may have reached the
/// provider).
/// </summary>
public sealed partial class ReferralRouter(
    IReferralStore store,
    IPartnerMessagePublisher publisher,
    IOutboundSmsQueue smsQueue,
    AdviceSms advice,
    SmsAtOnce atOnce,
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

        if (plan.Outcome is not (RoutingOutcome.Routed or RoutingOutcome.AlreadyRouted))
        {
            return plan.Outcome;
        }

        var routed = plan.Referral;
        Stored<Referral>? saved = null;
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
                await WithholdAsync(current, plan.Cases, cancellationToken);
                return RoutingOutcome.ClosedDuringRouting;
            }

            // Only agencies on the servicebus channel read a subscription; the others get their cases by SMS.
            await publisher.PublishCasesAsync(
                plan.Cases.Where(c => world.FindAgency(c.AgencyId)?.UsesServiceBus ?? true).Select(c => Outgoing(current.Value, c, plan.Decision)).ToList(),
                cancellationToken);
            saved = await MarkRoutedAsync(current, plan.Decision, cancellationToken);
            routed = saved.Value;
            LogRouted(night, reference, plan.Cases.Count, plan.Decision.UsedFallback);
        }

        // Alerts, deadlines and the urgent text are idempotent (each SMS marked once per key and number; the deadlines
        // queued under stable keys), so a retry repeats them harmlessly.
        var cases = plan.Outcome == RoutingOutcome.Routed
            ? plan.Cases
            : (await store.CasesAsync(night, reference, cancellationToken)).Select(c => c.Value).ToList();
        // As saved by MarkRoutedAsync: a CLOSE before it set the advice aside instead. Alongside the partner loop's
        // items, not after them: they are independent.
        await Task.WhenAll(partners.CasesRoutedAsync(routed, cases, textAtOnce: true, cancellationToken), AdviseAsync(routed, saved, cancellationToken));
        return plan.Outcome;
    }

    /// <summary>
    /// The advice of a referral just routed: sent at once from <paramref name="saved"/> (the copy MarkRoutedAsync wrote;
    /// see <see cref="SmsAtOnce"/> for when it is queued instead), or queued when this is a repeat (nothing saved).
    /// </summary>
    private Task AdviseAsync(Referral routed, Stored<Referral>? saved, CancellationToken cancellationToken)
    {
        if (!routed.AdviceOutstanding || routed.Status == ReferralStatus.Closed)
        {
            return Task.CompletedTask;
        }

        var item = AdviceSms.ItemFor(routed);
        return saved is null
            ? smsQueue.EnqueueAsync(item, cancellationToken)
            : atOnce.SendAsync(item, ct => advice.SendAsync(saved, ct), cancellationToken);
    }

    /// <summary>
    /// The control room routes a referral flagged for manual routing to the agencies it chose, through the same path as
    /// automatic routing: each agency's minimised view recorded with its disclosure (naming <paramref name="actor"/>),
    /// then published (servicebus-channel agencies), then the referral marked Routed, then the partner loop (duty phones
    /// alerted, acknowledgement deadlines queued) and the advice SMS (at most once).
    /// </summary>
    public async Task<ManualRoutingResult> RouteByHandAsync(NightId night, ReferenceCode reference, IReadOnlyList<string> agencyIds, string actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(agencyIds);
        var unknown = agencyIds.Where(id => string.IsNullOrWhiteSpace(id) || world.FindAgency(AgencyId.From(id)) is null).ToList();
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
                    agencyIds.Distinct(StringComparer.Ordinal).Select(AgencyId.From).Select(id => new AgencyAssignment(id, AssignedCategories(referral, world.FindAgency(id)!))).ToList(),
                    UsedFallback: false,
                    UncoveredCategories: []);
                var existing = (await store.CasesAsync(referral.Night, referral.Reference, ct)).Select(c => c.Value.AgencyId).ToHashSet();
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
        await publisher.PublishCasesAsync(
            all.Where(c => world.FindAgency(c.Value.AgencyId)?.UsesServiceBus ?? true).Select(c => Outgoing(referral, c.Value, chosen)).ToList(),
            cancellationToken);
        await store.UpdateAsync(
            night,
            reference,
            stored => stored is null
                ? throw new InvalidOperationException($"Referral {night}/{reference} vanished while being routed.")
                : new ReferralDecision<bool>(true, stored.Value.CanRouteByHand ? ReferralChange.From(stored, stored.Value.RouteByHand(chosen, actor, time.GetUtcNow())) : null),
            cancellationToken);
        LogRoutedByHand(night, reference, chosen.Assignments.Count);
        if ((await store.FindAsync(night, reference, cancellationToken))?.Value is not { } routedByHand)
        {
            return plan;
        }

        // The same loop as automatic routing: duty phones alerted, deadlines queued, the inspector texted when urgent.
        await partners.CasesRoutedAsync(routedByHand, all.Select(c => c.Value).ToList(), textAtOnce: false, cancellationToken);
        if (routedByHand is { AdviceOutstanding: true, Status: not ReferralStatus.Closed })
        {
            await smsQueue.EnqueueAsync(AdviceSms.ItemFor(routedByHand), cancellationToken);
        }

        return plan;
    }

    /// <summary>The referral's categories the agency handles; all of them when it handles none (the control room's choice).</summary>
    private static List<CategoryId> AssignedCategories(Referral referral, Agency agency)
    {
        var handled = referral.Categories.Where(c => agency.Categories.Contains(c)).ToList();
        return handled.Count > 0 ? handled : [.. referral.Categories];
    }

    /// <param name="Cases">Every case recorded for the referral (earlier ones and this attempt's), to publish.</param>
    private sealed record Plan(RoutingOutcome Outcome, Referral Referral, RoutingDecision Decision, IReadOnlyList<PartnerCase> Cases);

    /// <summary>Writes a case row and its disclosure event for every assigned agency that has none yet (one transaction).</summary>
    private async Task<Plan?> RecordCasesAsync(NightId night, ReferenceCode reference, CancellationToken cancellationToken)
    {
        var attempts = 0;
        var plan = await store.UpdateAsync<Plan?>(night, reference, (stored, ct) => DecideCasesAsync(stored, ++attempts == 1, ct), cancellationToken);
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

    private async Task<ReferralDecision<Plan?>> DecideCasesAsync(Stored<Referral>? stored, bool firstAttempt, CancellationToken cancellationToken)
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
            return new(new Plan(RoutingOutcome.AlreadyRouted, referral, decision, []));
        }

        // Case rows are only ever added with CasesRecordedAt set in the same transaction (routing) or once routed (by hand,
        // escalation): before that there is nothing to look for. A row that exists anyway (written before this column
        // was) makes the transaction below fail on its key, and the next attempt reads them.
        var recorded = firstAttempt && referral is { CasesRecordedAt: null, Status: ReferralStatus.Received }
            ? []
            : (await store.CasesAsync(referral.Night, referral.Reference, cancellationToken)).Select(c => c.Value).ToList();
        var existing = recorded.Select(c => c.AgencyId).ToHashSet();
        var now = time.GetUtcNow();
        if (referral.Status == ReferralStatus.Closed && existing.Count == 0)
        {
            // Nothing was disclosed and nothing will be sent: say so, rather than leave the advice pending.
            var closed = new Plan(RoutingOutcome.ClosedBeforeRouting, referral, decision, []);
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
        var routed = new Plan(RoutingOutcome.Routed, referral, decision, [.. recorded, .. cases]);
        return cases.Count == 0
            ? new(routed)
            : new(
                routed,
                new ReferralChange(referral.Night, referral.Reference)
                {
                    // The referral is written with its version (unchanged but for when its cases were first recorded),
                    // so an officer's CLOSE cannot slip in between.
                    Referral = referral with { CasesRecordedAt = referral.CasesRecordedAt ?? now },
                    ReferralVersion = stored.Version,
                    Cases = cases.Select(c => (c, (string?)null)).ToList(),
                    Events = events,
                });
    }

    /// <summary>A case row (the agency's minimised view) and its disclosure event for each assigned agency that has none yet.</summary>
    private (List<PartnerCase> Cases, List<ReferralEvent> Events) NewCases(Referral referral, RoutingDecision decision, HashSet<AgencyId> existing, string actor, Func<Agency, string> reason)
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
                (ReferralEventData.Agency, agency.Id.Value),
                (ReferralEventData.Fields, string.Join(',', fields)),
                // Exactly what went out: the categories only when the agency's shares hold them.
                (ReferralEventData.Categories, fields.Contains(ReferralFields.Categories) ? string.Join(',', referral.Categories.Where(assignment.Categories.Contains)) : null),
                (ReferralEventData.Reason, reason(agency)),
                (ReferralEventData.MessageId, PartnerCase.MessageIdFor(referral.Night, referral.Reference, agency.Id))));
        }

        return (cases, events);
    }

    /// <summary>
    /// After every case went out: Routed (unless partners already moved it on), flagged when the fallback took part;
    /// one closed meanwhile has its pending advice set aside. Decided first on <paramref name="read"/>; returns the
    /// referral as saved, with its version.
    /// </summary>
    private async Task<Stored<Referral>> MarkRoutedAsync(Stored<Referral> read, RoutingDecision decision, CancellationToken cancellationToken) =>
        await store.ApplyAsync(read, referral => referral.MarkRouted(decision, time.GetUtcNow()), cancellationToken)
            ?? throw new InvalidOperationException($"Referral {read.Value.Key} vanished while being routed.");

    /// <summary>
    /// Closed after its cases were recorded and before any was published: none is published, each case row is marked
    /// withheld and the trail says so for each agency (so no agency's list, desk or summary counts it), and the pending
    /// advice is set aside. The close's cancellation still tells each agency, since an earlier attempt of this routing
    /// may have published before it failed.
    /// </summary>
    private async Task WithholdAsync(Stored<Referral> read, IReadOnlyList<PartnerCase> cases, CancellationToken cancellationToken)
    {
        LogClosedDuringRouting(read.Value.Night, read.Value.Reference, cases.Count);
        var agencies = cases.Select(c => c.AgencyId).ToHashSet();
        await store.UpdateAsync(
            read,
            async (stored, ct) =>
            {
                if (stored is null)
                {
                    return new ReferralDecision<bool>(false);
                }

                // The case rows say so too, at the versions read now: a withheld case is not the agency's (its lists,
                // desk and the night's summary leave it out), and a repeat finds them withheld and writes nothing new.
                var now = time.GetUtcNow();
                var withheld = (await store.CasesAsync(stored.Value.Night, stored.Value.Reference, ct))
                    .Where(c => agencies.Contains(c.Value.AgencyId) && !c.Value.IsWithheld)
                    .ToList();
                var aside = stored.Value.AdviceOutstanding ? stored.Value.SetAdviceAside("closed during routing", now) : null;
                if (withheld.Count == 0 && aside is null)
                {
                    return new ReferralDecision<bool>(false);
                }

                var events = withheld.Select(c => ReferralEvent.Of(now, ReferralEventKinds.Withheld, Actors.System, (ReferralEventData.Agency, c.Value.AgencyId.Value), (ReferralEventData.Reason, "closed before the case was published")));
                return new(true, new ReferralChange(stored.Value.Night, stored.Value.Reference)
                {
                    Referral = aside?.Referral,
                    ReferralVersion = aside is null ? null : stored.Version,
                    Cases = [.. withheld.Select(c => (c.Value with { WithheldAt = now }, (string?)c.Version))],
                    Events = [.. events, .. aside?.Events ?? []],
                });
            },
            cancellationToken);
    }

    private OutgoingCase Outgoing(Referral referral, PartnerCase @case, RoutingDecision decision)
    {
        var agency = world.FindAgency(@case.AgencyId)
            ?? throw new InvalidOperationException($"Case for agency '{@case.AgencyId}', which routing.json does not list.");
        var assigned = decision.Assignments.FirstOrDefault(a => a.AgencyId == @case.AgencyId)?.Categories ?? AssignedCategories(referral, agency);
        return CaseMessage.Outgoing(referral, @case, agency, assigned);
    }

    /// <summary>
    /// The case message of a case recorded outside this routing decision (the control room's, on escalation): the
    /// categories it carries are those the agency handles, as <see cref="RouteByHandAsync"/> assigns them.
    /// </summary>
    internal static OutgoingCase Outgoing(Referral referral, PartnerCase @case, Agency agency) =>
        CaseMessage.Outgoing(referral, @case, agency, AssignedCategories(referral, agency));

    [LoggerMessage(Level = LogLevel.Information, Message = "Referral {Night}/{ReferenceCode} routed: {CaseCount} new cases published (fallback: {UsedFallback})")]
    private partial void LogRouted(NightId night, ReferenceCode referenceCode, int caseCount, bool usedFallback);

    [LoggerMessage(Level = LogLevel.Information, Message = "Referral {Night}/{ReferenceCode} routed by hand to {AgencyCount} agencies")]
    private partial void LogRoutedByHand(NightId night, ReferenceCode referenceCode, int agencyCount);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Referral {Night}/{ReferenceCode} to route was not found; nothing to do")]
    private partial void LogNotFound(NightId night, ReferenceCode referenceCode);

    [LoggerMessage(Level = LogLevel.Information, Message = "Referral {Night}/{ReferenceCode} was closed during routing; its {CaseCount} recorded cases were not published")]
    private partial void LogClosedDuringRouting(NightId night, ReferenceCode referenceCode, int caseCount);

    [LoggerMessage(Level = LogLevel.Information, Message = "Referral {Night}/{ReferenceCode} was closed before routing; no cases disclosed")]
    private partial void LogClosedBeforeRouting(NightId night, ReferenceCode referenceCode);
}
