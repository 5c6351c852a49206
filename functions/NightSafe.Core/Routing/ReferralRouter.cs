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

/// <summary>
/// Routes a stored referral: one case per assigned agency on topic <c>cases</c> (each with only what that agency may
/// see), the disclosures in the audit trail, then the subject's advice SMS. Safe to repeat: cases already recorded are
/// not published again, a republished MessageId is absorbed by duplicate detection, and the advice SMS goes at most once.
/// </summary>
public sealed partial class ReferralRouter(
    IReferralStore store,
    ICasePublisher publisher,
    AdviceSms advice,
    RoutingPolicy policy,
    RoutingWorld world,
    TimeProvider time,
    ILogger<ReferralRouter> logger)
{
    private const int MaxAttempts = 5;

    public async Task<RoutingOutcome> RouteAsync(NightId night, ReferenceCode reference, CancellationToken cancellationToken)
    {
        RoutingOutcome outcome;
        // Agencies whose case went out in an earlier attempt: a disclosure that happened is recorded, whatever changed since.
        var published = new HashSet<string>(StringComparer.Ordinal);
        for (var attempt = 1; ; attempt++)
        {
            var stored = await store.FindAsync(night, reference, cancellationToken);
            if (stored is null)
            {
                LogNotFound(night, reference);
                return RoutingOutcome.NotFound;
            }

            try
            {
                outcome = await PublishCasesAsync(stored, published, cancellationToken);
                break;
            }
            catch (ConcurrencyConflictException) when (attempt < MaxAttempts)
            {
                // Another attempt or an officer changed it meanwhile: read again; what was published is not repeated.
                LogConflict(night, reference, attempt);
            }
        }

        if (outcome is RoutingOutcome.Routed or RoutingOutcome.AlreadyRouted)
        {
            await advice.SendOnceAsync(night, reference, cancellationToken);
        }

        return outcome;
    }

    private async Task<RoutingOutcome> PublishCasesAsync(Stored<Referral> stored, HashSet<string> published, CancellationToken cancellationToken)
    {
        var referral = stored.Value;
        var existing = (await store.CasesAsync(referral.Night, referral.Reference, cancellationToken))
            .Select(c => c.Value.AgencyId)
            .ToHashSet(StringComparer.Ordinal);
        if (referral.Status == ReferralStatus.Closed && existing.Count == 0 && published.Count == 0)
        {
            LogClosedBeforeRouting(referral.Night, referral.Reference);
            return RoutingOutcome.ClosedBeforeRouting;
        }

        // Decide on the time it was received, so a retry tomorrow routes exactly as it would have tonight.
        var decision = policy.Decide(referral.TownId, referral.Categories, referral.ReceivedAt);
        var now = time.GetUtcNow();
        var cases = new List<PartnerCase>();
        var outgoing = new List<OutgoingCase>();
        var events = new List<ReferralEvent>();
        foreach (var assignment in decision.Assignments.Where(a => !existing.Contains(a.AgencyId)))
        {
            var agency = world.FindAgency(assignment.AgencyId)
                ?? throw new InvalidOperationException($"Routing chose agency '{assignment.AgencyId}', which routing.json does not list.");
            var (body, fields) = CaseMessage.Build(referral, agency, world);
            var messageId = PartnerCase.MessageIdFor(referral.Night, referral.Reference, agency.Id);
            cases.Add(new PartnerCase
            {
                Night = referral.Night,
                Reference = referral.Reference,
                AgencyId = agency.Id,
                DisclosedAt = now,
                Fields = fields,
                View = body,
            });
            outgoing.Add(new OutgoingCase(messageId, agency.Id, referral.TownId, referral.Categories, referral.Priority, body, referral.TraceParent));
            events.Add(ReferralEvent.Of(
                now,
                ReferralEventKinds.Disclosed,
                Actors.System,
                (ReferralEventData.Agency, agency.Id),
                (ReferralEventData.Fields, string.Join(',', fields)),
                (ReferralEventData.Categories, string.Join(',', assignment.Categories)),
                (ReferralEventData.Reason, agency.Id == world.FallbackAgencyId ? "fallback: no agency on duty covers " + string.Join(',', decision.UncoveredCategories) : "town, category and hours match"),
                (ReferralEventData.MessageId, messageId)));
        }

        if (outgoing.Count == 0 && referral.Status != ReferralStatus.Received)
        {
            return RoutingOutcome.AlreadyRouted;
        }

        if (decision.UsedFallback && !referral.Flagged)
        {
            events.Add(ReferralEvent.Of(now, ReferralEventKinds.Fallback, Actors.System, (ReferralEventData.Categories, string.Join(',', decision.UncoveredCategories))));
        }

        events.Add(ReferralEvent.Of(now, ReferralEventKinds.Routed, Actors.System, (ReferralEventData.Agency, string.Join(',', decision.Assignments.Select(a => a.AgencyId)))));

        // Publish first, then record: a crash in between republishes the same MessageIds, which the topic drops.
        if (outgoing.Count > 0)
        {
            await publisher.PublishCasesAsync(outgoing, cancellationToken);
            published.UnionWith(outgoing.Select(o => o.AgencyId));
        }

        var routed = referral with
        {
            Status = referral.Status == ReferralStatus.Received ? ReferralStatus.Routed : referral.Status,
            RoutedAt = referral.RoutedAt ?? now,
            Flagged = referral.Flagged || decision.UsedFallback,
        };
        await store.SaveAsync(
            new ReferralChange(referral.Night, referral.Reference)
            {
                Referral = routed,
                ReferralVersion = stored.Version,
                Cases = cases.Select(c => (c, (string?)null)).ToList(),
                Events = events,
            },
            cancellationToken);
        LogRouted(referral.Night, referral.Reference, outgoing.Count, decision.UsedFallback);
        return RoutingOutcome.Routed;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Referral {Night}/{ReferenceCode} routed: {CaseCount} new cases published (fallback: {UsedFallback})")]
    private partial void LogRouted(NightId night, ReferenceCode referenceCode, int caseCount, bool usedFallback);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Referral {Night}/{ReferenceCode} to route was not found; nothing to do")]
    private partial void LogNotFound(NightId night, ReferenceCode referenceCode);

    [LoggerMessage(Level = LogLevel.Information, Message = "Referral {Night}/{ReferenceCode} was closed before routing; no cases disclosed")]
    private partial void LogClosedBeforeRouting(NightId night, ReferenceCode referenceCode);

    [LoggerMessage(Level = LogLevel.Information, Message = "Referral {Night}/{ReferenceCode} changed while routing (attempt {Attempt}); reading it again")]
    private partial void LogConflict(NightId night, ReferenceCode referenceCode, int attempt);
}
