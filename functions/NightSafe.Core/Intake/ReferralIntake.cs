using Microsoft.Extensions.Logging;
using NightSafe.Core.Intake.Parsing;
using NightSafe.Core.Nights;
using NightSafe.Core.Ports;
using NightSafe.Core.References;
using NightSafe.Core.Referrals;
using NightSafe.Core.Routing;
using NightSafe.Core.World;

namespace NightSafe.Core.Intake;

/// <summary>A referral to take in, from any source, already validated against routing.json.</summary>
/// <param name="Officer">Who referred, as stored (an officer's collar number or a calling system's name).</param>
/// <param name="Actor">Who referred, as the audit trail names actors (see <see cref="Actors"/>).</param>
public sealed record ReferralSubmission(
    ReferralSource Source,
    string TownId,
    IReadOnlyList<string> Categories,
    string? SubjectPhone,
    Consent Consent,
    string? Location,
    string? Description,
    string? Officer,
    string Actor)
{
    /// <summary>How the submission was read from an officer's text (for the audit); null for structured sources.</summary>
    public string? Reading { get; init; }
}

/// <summary>A stored referral and what will happen to it next.</summary>
/// <param name="Plan">Which agencies routing will reach (as of when the referral was received).</param>
public sealed record AcceptedReferral(Referral Referral, RoutingDecision Plan);

/// <summary>Stores a referral (once per inbound message) and queues it for routing.</summary>
public sealed partial class ReferralIntake(
    IReferralStore store,
    IRoutingQueue routingQueue,
    RoutingPolicy policy,
    RoutingWorld world,
    TimeProvider time,
    ILogger<ReferralIntake> logger)
{
    private const int MaxReferenceAttempts = 8;

    /// <summary>
    /// Stores the submission and queues it for routing. With a <paramref name="ticket"/> whose message already stored a
    /// referral, that referral is queued again instead (routing is idempotent), so a retry never makes a second one.
    /// </summary>
    public async Task<AcceptedReferral> AcceptAsync(
        ReferralSubmission submission,
        InboundTicket? ticket,
        string? traceParent,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(submission);
        var referral = ticket?.Stored is { } stored
            ? (await store.FindAsync(stored.Night, stored.Reference, cancellationToken))?.Value
                ?? throw new InvalidOperationException($"Referral {stored.Night}/{stored.Reference} was recorded for this message but is missing.")
            : await CreateAsync(submission, traceParent, cancellationToken);

        if (ticket is not null && ticket.Stored is null)
        {
            await ticket.MarkStoredAsync(referral.Night, referral.Reference, cancellationToken);
        }

        await routingQueue.EnqueueAsync(
            new RoutingWorkItem(referral.Night.ToString(), referral.Reference.ToString(), referral.TraceParent ?? traceParent),
            cancellationToken);
        LogAccepted(referral.Night, referral.Reference, referral.Source, referral.TownId, referral.Categories.Count);
        return new AcceptedReferral(referral, policy.Decide(referral.TownId, referral.Categories, referral.ReceivedAt));
    }

    private async Task<Referral> CreateAsync(ReferralSubmission submission, string? traceParent, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var night = NightId.For(now, world);
        var hasNumber = submission.SubjectPhone is not null;
        for (var attempt = 1; attempt <= MaxReferenceAttempts; attempt++)
        {
            var referral = new Referral
            {
                Night = night,
                Reference = ReferenceCode.New(),
                ReceivedAt = now,
                Source = submission.Source,
                TownId = submission.TownId,
                Categories = submission.Categories,
                Priority = world.PriorityOf(submission.Categories),
                Location = Blank(submission.Location),
                Description = Blank(submission.Description),
                SubjectPhone = submission.SubjectPhone,
                Consent = submission.Consent,
                Officer = submission.Officer,
                Advice = submission.Consent == Consent.Given && hasNumber ? AdviceState.Pending : AdviceState.NotApplicable,
                TraceParent = traceParent,
            };

            var received = ReferralEvent.Of(
                now,
                ReferralEventKinds.Received,
                submission.Actor,
                (ReferralEventData.Source, submission.Source.ToString().ToLowerInvariant()),
                (ReferralEventData.Categories, string.Join(',', submission.Categories)),
                (ReferralEventData.Reading, submission.Reading));

            // References are unique per night: a clash (one in a million per referral) just draws another.
            if (await store.TryCreateAsync(referral, [received], cancellationToken))
            {
                return referral;
            }

            LogReferenceClash(night, attempt);
        }

        throw new InvalidOperationException($"Could not draw a free reference code for night {night} in {MaxReferenceAttempts} attempts.");
    }

    private static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    [LoggerMessage(Level = LogLevel.Information, Message = "Referral {Night}/{ReferenceCode} accepted from {Source}: town {Town}, {CategoryCount} categories; queued for routing")]
    private partial void LogAccepted(NightId night, ReferenceCode referenceCode, ReferralSource source, string town, int categoryCount);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reference code clash in night {Night} (attempt {Attempt}); drawing another")]
    private partial void LogReferenceClash(NightId night, int attempt);
}
