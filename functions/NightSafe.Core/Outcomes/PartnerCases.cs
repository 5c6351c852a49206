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
public sealed partial class PartnerCases(IReferralStore store, TimeProvider time, ILogger<PartnerCases> logger)
{
    private const int MaxAttempts = 5;

    public async Task<OutcomeResult> ReportAsync(
        string agencyId,
        NightId night,
        ReferenceCode reference,
        PartnerOutcome outcome,
        string? note,
        CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var found = await store.FindCaseAsync(night, reference, agencyId, cancellationToken);
            if (found is null)
            {
                await RecordRefusalAsync(agencyId, night, reference, cancellationToken);
                return new OutcomeResult.NotRoutedToAgency();
            }

            var @case = found.Value;
            var target = outcome switch
            {
                PartnerOutcome.Accepted => CaseStatus.Accepted,
                PartnerOutcome.Declined => CaseStatus.Declined,
                PartnerOutcome.Attended => CaseStatus.Attended,
                _ => CaseStatus.Closed,
            };
            var referral = await store.FindAsync(night, reference, cancellationToken)
                ?? throw new InvalidOperationException($"Case {night}/{reference}/{agencyId} exists without its referral.");
            if (@case.Status == target)
            {
                return new OutcomeResult.Recorded(target, referral.Value.Status);
            }

            if (!CanMove(@case.Status, target))
            {
                return new OutcomeResult.NotAllowed(@case.Status);
            }

            var now = time.GetUtcNow();
            var updated = @case with
            {
                Status = target,
                UpdatedAt = now,
                AcceptedAt = @case.AcceptedAt ?? (target is CaseStatus.Accepted or CaseStatus.Attended or CaseStatus.Closed ? now : null),
            };
            var others = (await store.CasesAsync(night, reference, cancellationToken)).Where(c => c.Value.AgencyId != agencyId).Select(c => c.Value);
            var allFinished = updated.IsFinished && others.All(c => c.IsFinished);
            var current = referral.Value;
            var nextReferral = current.Status switch
            {
                ReferralStatus.Closed => current,
                _ when allFinished => current with { Status = ReferralStatus.Closed, ClosedAt = now },
                ReferralStatus.Routed or ReferralStatus.Received => current with { Status = ReferralStatus.InProgress },
                _ => current,
            };
            var events = new List<ReferralEvent>
            {
                ReferralEvent.Of(now, ReferralEventKinds.Outcome, Actors.Partner(agencyId), (ReferralEventData.Agency, agencyId), (ReferralEventData.Status, target.ToString().ToLowerInvariant()), (ReferralEventData.Note, current.NoteToKeep(note))),
            };
            if (nextReferral.Status == ReferralStatus.Closed && current.Status != ReferralStatus.Closed)
            {
                events.Add(ReferralEvent.Of(now, ReferralEventKinds.Closed, Actors.System, (ReferralEventData.Reason, "every agency closed or declined its case")));
            }

            try
            {
                await store.SaveAsync(
                    new ReferralChange(night, reference)
                    {
                        // The referral is always written with its version, so two partners finishing at once cannot
                        // both miss that every case is finished.
                        Referral = nextReferral,
                        ReferralVersion = referral.Version,
                        Cases = [(updated, found.Version)],
                        Events = events,
                    },
                    cancellationToken);
                LogOutcome(night, reference, agencyId, target);
                return new OutcomeResult.Recorded(target, nextReferral.Status);
            }
            catch (ConcurrencyConflictException) when (attempt < MaxAttempts)
            {
                // Another report on the same referral landed first: read again and re-apply.
            }
        }
    }

    /// <summary>The agency's cases of a night in its own minimised view; the listing is logged as a consultation.</summary>
    public async Task<IReadOnlyList<PartnerCaseView>> ListAsync(string agencyId, NightId night, CancellationToken cancellationToken)
    {
        var cases = await store.CasesForAgencyAsync(night, agencyId, cancellationToken);
        var now = time.GetUtcNow();
        foreach (var @case in cases)
        {
            await store.AppendAsync(
                @case.Night,
                @case.Reference,
                [ReferralEvent.Of(now, ReferralEventKinds.Consulted, Actors.Partner(agencyId), (ReferralEventData.Reason, "partner case list"))],
                cancellationToken);
        }

        LogListed(night, agencyId, cases.Count);
        return cases
            .OrderBy(c => c.DisclosedAt)
            .Select(c => new PartnerCaseView(c.Night.ToString(), c.Reference.ToString(), c.Status.ToString().ToLowerInvariant(), c.DisclosedAt, c.View))
            .ToList();
    }

    /// <summary>Forward only: accepted, then attended, then closed; declining is possible until attended.</summary>
    private static bool CanMove(CaseStatus from, CaseStatus to) => (from, to) switch
    {
        (CaseStatus.Sent, _) => true,
        (CaseStatus.Accepted, CaseStatus.Attended or CaseStatus.Closed or CaseStatus.Declined) => true,
        (CaseStatus.Attended, CaseStatus.Closed) => true,
        _ => false,
    };

    private async Task RecordRefusalAsync(string agencyId, NightId night, ReferenceCode reference, CancellationToken cancellationToken)
    {
        LogRefused(night, reference, agencyId);
        if (await store.FindAsync(night, reference, cancellationToken) is not null)
        {
            await store.AppendAsync(
                night,
                reference,
                [ReferralEvent.Of(time.GetUtcNow(), ReferralEventKinds.OutcomeRefused, Actors.Partner(agencyId), (ReferralEventData.Agency, agencyId), (ReferralEventData.Reason, "case not routed to this agency"))],
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
