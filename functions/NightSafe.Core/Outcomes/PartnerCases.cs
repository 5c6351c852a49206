using NightSafe.Core.World;
using Microsoft.Extensions.Logging;
using NightSafe.Core.Nights;
using NightSafe.Core.Ports;
using NightSafe.Core.References;
using NightSafe.Core.Referrals;

namespace NightSafe.Core.Outcomes;

/// <summary>What a partner reports about a case.</summary>
public enum PartnerOutcome
{
    Accepted,
    Declined,
    Attended,
    Closed,
}

/// <summary>The answer to a partner's outcome report.</summary>
public abstract record OutcomeResult
{
    private OutcomeResult()
    {
    }

    /// <summary>Recorded (or it was already so: a repeated report is harmless).</summary>
    public sealed record Recorded(CaseStatus Status, ReferralStatus ReferralStatus) : OutcomeResult;

    /// <summary>The case was not routed to this agency (or does not exist): refused, and the attempt is logged.</summary>
    public sealed record NotRoutedToAgency : OutcomeResult;

    /// <summary>The case cannot go from its status to the reported one (e.g. closed, then accepted).</summary>
    public sealed record NotAllowed(CaseStatus Current) : OutcomeResult;
}

/// <summary>One case as a partner sees it: exactly what was disclosed to it, and where it stands.</summary>
public sealed record PartnerCaseView(string Night, string Reference, string Status, DateTimeOffset DisclosedAt, string View);

/// <summary>Partners report what happened to their cases and list them. Each agency only ever sees its own cases.</summary>
public sealed partial class PartnerCases(IReferralStore store, Partners.PartnerLoop partners, World.RoutingWorld world, TimeProvider time, ILogger<PartnerCases> logger)
{
    public Task<OutcomeResult> ReportAsync(
        AgencyId agencyId,
        NightId night,
        ReferenceCode reference,
        PartnerOutcome outcome,
        string? note,
        CancellationToken cancellationToken) =>
        ReportAsync(agencyId, night, reference, outcome, note, by: null, cancellationToken);

    /// <summary>The same report, naming the signed-in person (partner desk) in the outcome event's actor.</summary>
    public Task<OutcomeResult> ReportAsync(
        AgencyId agencyId,
        NightId night,
        ReferenceCode reference,
        PartnerOutcome outcome,
        string? note,
        string? by,
        CancellationToken cancellationToken) =>
        ReportAsync(agencyId, night, reference, outcome, note, by, messageSid: null, cancellationToken);

    /// <summary>
    /// The same report, texted from a duty phone: the provider's id of the text (<paramref name="messageSid"/>) is
    /// recorded in the trail with what it did (or alone when it changed nothing), so an erasure deletes it there.
    /// </summary>
    public Task<OutcomeResult> ReportBySmsAsync(
        AgencyId agencyId,
        NightId night,
        ReferenceCode reference,
        PartnerOutcome outcome,
        string? note,
        string? messageSid,
        CancellationToken cancellationToken) =>
        ReportAsync(agencyId, night, reference, outcome, note, by: null, messageSid, cancellationToken);

    private async Task<OutcomeResult> ReportAsync(
        AgencyId agencyId,
        NightId night,
        ReferenceCode reference,
        PartnerOutcome outcome,
        string? note,
        string? by,
        string? messageSid,
        CancellationToken cancellationToken)
    {
        var target = outcome switch
        {
            PartnerOutcome.Accepted => CaseStatus.Accepted,
            PartnerOutcome.Declined => CaseStatus.Declined,
            PartnerOutcome.Attended => CaseStatus.Attended,
            _ => CaseStatus.Closed,
        };
        var referralExists = false;
        var moved = false;
        Referral? after = null;
        IReadOnlyList<PartnerCase> allCases = [];
        var result = await store.UpdateAsync<OutcomeResult>(
            night,
            reference,
            async (stored, ct) =>
            {
                referralExists = stored is not null;
                moved = false;
                var found = await store.AgencysCaseAsync(night, reference, agencyId, ct);
                if (found is null)
                {
                    return new(new OutcomeResult.NotRoutedToAgency());
                }

                var referral = stored ?? throw new InvalidOperationException($"Case {night}/{reference}/{agencyId} exists without its referral.");
                var @case = found.Value;
                after = referral.Value;
                if (@case.Status == target)
                {
                    allCases = (await store.CasesAsync(night, reference, ct)).Select(c => c.Value).ToList();
                    return new(new OutcomeResult.Recorded(target, referral.Value.Status));
                }

                if (!@case.CanMoveTo(target))
                {
                    return new(new OutcomeResult.NotAllowed(@case.Status));
                }

                var others = (await store.CasesAsync(night, reference, ct)).Where(c => c.Value.AgencyId != agencyId).Select(c => c.Value).ToList();
                var transition = referral.Value.RecordOutcome(@case, others, target, note, time.GetUtcNow(), by, world.FallbackAgencyId);
                after = transition.Referral;
                allCases = [transition.Case!, .. others];
                moved = true;
                return new(new OutcomeResult.Recorded(target, transition.Referral!.Status), ReferralChange.From(referral, transition.CausedBySms(messageSid), found.Version));
            },
            cancellationToken);
        if (result is OutcomeResult.NotRoutedToAgency)
        {
            await RecordRefusalAsync(agencyId, night, reference, referralExists, messageSid, cancellationToken);
        }
        else if (moved)
        {
            LogOutcome(night, reference, agencyId.Value, target);
        }
        else if (messageSid is { Length: > 0 })
        {
            // A repeated or refused answer changed nothing, but the provider holds the text: its id goes in the trail.
            await store.AppendAsync(night, reference, [ReferralEvent.SmsReceived(time.GetUtcNow(), Actors.Partner(agencyId), messageSid)], cancellationToken);
        }

        // Also on a repeated report: the step it queues may have been lost with the first attempt (each is idempotent).
        if (result is OutcomeResult.Recorded && after is not null)
        {
            if (target == CaseStatus.Closed && after.Status == ReferralStatus.Closed)
            {
                await partners.ReferralClosedAsync(after, agencyId, cancellationToken);
            }
            else if (target == CaseStatus.Declined && after.Status != ReferralStatus.Closed && Partners.AcknowledgementRules.DeclinedByAll(allCases, world.FallbackAgencyId))
            {
                await partners.DeclinedByAllAsync(after, agencyId, cancellationToken);
            }
        }

        return result;
    }

    /// <summary>The agency's cases of a night in its own minimised view; the listing is logged as a consultation.</summary>
    public async Task<IReadOnlyList<PartnerCaseView>> ListAsync(AgencyId agencyId, NightId night, CancellationToken cancellationToken)
    {
        var cases = await store.AgencysCasesAsync(night, agencyId, cancellationToken);
        var now = time.GetUtcNow();
        foreach (var @case in cases)
        {
            await store.AppendAsync(
                @case.Night,
                @case.Reference,
                [ReferralEvent.Of(now, ReferralEventKinds.Consulted, Actors.Partner(agencyId), (ReferralEventData.Reason, "partner case list"))],
                cancellationToken);
        }

        LogListed(night, agencyId.Value, cases.Count);
        return cases
            .OrderBy(c => c.DisclosedAt)
            .Select(c => new PartnerCaseView(c.Night.ToString(), c.Reference.ToString(), c.Status.ToString().ToLowerInvariant(), c.DisclosedAt, c.View))
            .ToList();
    }

    private async Task RecordRefusalAsync(AgencyId agencyId, NightId night, ReferenceCode reference, bool referralExists, string? messageSid, CancellationToken cancellationToken)
    {
        LogRefused(night, reference, agencyId.Value);
        if (referralExists)
        {
            await store.AppendAsync(
                night,
                reference,
                [ReferralEvent.Of(time.GetUtcNow(), ReferralEventKinds.OutcomeRefused, Actors.Partner(agencyId), (ReferralEventData.Agency, agencyId.Value), (ReferralEventData.Reason, "case not routed to this agency")).WithSmsMessages([messageSid])],
                cancellationToken);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Referral {Night}/{ReferenceCode}: agency {Agency} reported {Outcome}")]
    private partial void LogOutcome(NightId night, ReferenceCode referenceCode, string agency, CaseStatus outcome);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Agency {Agency} tried to report on referral {Night}/{ReferenceCode}, which was not routed to it: refused")]
    private partial void LogRefused(NightId night, ReferenceCode referenceCode, string agency);

    [LoggerMessage(Level = LogLevel.Information, Message = "Agency {Agency} listed its {Count} cases of night {Night}")]
    private partial void LogListed(NightId night, string agency, int count);
}
