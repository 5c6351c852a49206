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
    TownId TownId,
    IReadOnlyList<CategoryId> Categories,
    string? SubjectPhone,
    Consent Consent,
    string? Location,
    string? Description,
    string? Officer,
    string Actor)
{
    /// <summary>How the submission was read from an officer's text (for the audit); null for structured sources.</summary>
    public string? Reading { get; init; }

    /// <summary>
    /// The provider ids of earlier texts that went into this referral (a conversation: the text asked a question and a
    /// later one completed it); the completing text's own is <see cref="Referral.Inbound"/>. Recorded with the referral
    /// so an erasure deletes them at the provider.
    /// </summary>
    public IReadOnlyList<string> EarlierTexts { get; init; } = [];
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
    /// The night and reference a message's referral will have, drawn before the message is claimed so that the claim
    /// records them in its own write: a retry after any failure then finds that referral, and never makes a second.
    /// </summary>
    public InboundReservation Reserve() => new(NightId.For(time.GetUtcNow(), world), ReferenceCode.New());

    /// <summary>
    /// Stores the submission and queues it for routing. With a <paramref name="ticket"/> whose message already stored a
    /// referral, that referral is queued again instead (routing is idempotent), so a retry never makes a second one.
    /// </summary>
    public Task<AcceptedReferral> AcceptAsync(
        ReferralSubmission submission,
        InboundTicket? ticket,
        string? traceParent,
        CancellationToken cancellationToken) =>
        AcceptAsync(submission, ticket, traceParent, null, cancellationToken);

    /// <summary>
    /// As above; <paramref name="alongside"/> (the officer's thread, the inbound claim's answer) runs once the referral is
    /// stored, at the same time as the routing item is queued: one round trip to storage instead of one after another.
    /// Both must succeed for the acceptance to count; a failure of either throws (the caller's retry resumes the referral).
    /// </summary>
    public async Task<AcceptedReferral> AcceptAsync(
        ReferralSubmission submission,
        InboundTicket? ticket,
        string? traceParent,
        Func<AcceptedReferral, CancellationToken, Task>? alongside,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(submission);
        var referral = await StoredForAsync(ticket, cancellationToken);
        if (referral is not null)
        {
            LogResumed(referral.Night, referral.Reference);
        }
        else if (ticket?.Reserved is not null)
        {
            referral = await CreateReservedAsync(submission, ticket, traceParent, cancellationToken);
        }
        else
        {
            referral = await CreateAsync(submission, traceParent, cancellationToken);
            if (ticket is not null)
            {
                await ticket.MarkStoredAsync(referral.Night, referral.Reference, cancellationToken);
            }
        }

        var accepted = new AcceptedReferral(referral, policy.Decide(referral.TownId, referral.Categories, referral.ReceivedAt));
        var queued = routingQueue.EnqueueAsync(
            new RoutingWorkItem(referral.Night.ToString(), referral.Reference.ToString(), referral.TraceParent ?? traceParent),
            cancellationToken);
        await (alongside is null ? queued : Task.WhenAll(queued, alongside(accepted, cancellationToken)));
        LogAccepted(referral.Night, referral.Reference, referral.Source, referral.TownId.Value, referral.Categories.Count);
        return accepted;
    }

    /// <summary>
    /// The referral an earlier attempt at the ticket's message stored, or null when it stored none (nothing is read for a
    /// first attempt: its reservation is fresh).
    /// </summary>
    public async Task<Referral?> StoredForAsync(InboundTicket? ticket, CancellationToken cancellationToken)
    {
        if (ticket?.Stored is { } stored)
        {
            return (await store.FindAsync(stored.Night, stored.Reference, cancellationToken))?.Value
                ?? throw new InvalidOperationException($"Referral {stored.Night}/{stored.Reference} was recorded for this message but is missing.");
        }

        if (ticket is { TakenOver: true, Reserved: { } reserved })
        {
            // Ours only if it names this message: another referral may have drawn the same code meanwhile.
            var found = await store.FindAsync(reserved.Night, reserved.Reference, cancellationToken);
            return found?.Value.Inbound == ticket.InboundKey ? found.Value : null;
        }

        return null;
    }

    private async Task<Referral> CreateReservedAsync(ReferralSubmission submission, InboundTicket ticket, string? traceParent, CancellationToken cancellationToken)
    {
        for (var attempt = 1; attempt <= MaxReferenceAttempts; attempt++)
        {
            var reserved = ticket.Reserved ?? throw new InvalidOperationException("The ticket holds no reservation.");
            var referral = NewReferral(submission, reserved.Night, reserved.Reference, traceParent) with { Inbound = ticket.InboundKey };
            if (await store.TryCreateAsync(referral, [ReceivedEvent(submission, referral.ReceivedAt)], cancellationToken))
            {
                return referral;
            }

            // Taken: by this very write when the SDK retried it after a lost answer, or (one in a million) by another
            // referral, and then the ledger learns the next code before anything is stored under it.
            if ((await store.FindAsync(reserved.Night, reserved.Reference, cancellationToken))?.Value is { } taken && taken.Inbound == ticket.InboundKey)
            {
                return taken;
            }

            LogReferenceClash(reserved.Night, attempt);
            await ticket.ReserveAsync(new InboundReservation(reserved.Night, ReferenceCode.New()), cancellationToken);
        }

        throw new InvalidOperationException($"Could not draw a free reference code for night {ticket.Reserved?.Night} in {MaxReferenceAttempts} attempts.");
    }

    private async Task<Referral> CreateAsync(ReferralSubmission submission, string? traceParent, CancellationToken cancellationToken)
    {
        var night = NightId.For(time.GetUtcNow(), world);
        for (var attempt = 1; attempt <= MaxReferenceAttempts; attempt++)
        {
            var referral = NewReferral(submission, night, ReferenceCode.New(), traceParent);

            // References are unique per night: a clash (one in a million per referral) just draws another.
            if (await store.TryCreateAsync(referral, [ReceivedEvent(submission, referral.ReceivedAt)], cancellationToken))
            {
                return referral;
            }

            LogReferenceClash(night, attempt);
        }

        throw new InvalidOperationException($"Could not draw a free reference code for night {night} in {MaxReferenceAttempts} attempts.");
    }

    private Referral NewReferral(ReferralSubmission submission, NightId night, ReferenceCode reference, string? traceParent) => new()
    {
        Night = night,
        Reference = reference,
        ReceivedAt = time.GetUtcNow(),
        Source = submission.Source,
        TownId = submission.TownId,
        Categories = submission.Categories,
        Priority = world.PriorityOf(submission.Categories),
        Location = Blank(submission.Location),
        Description = Blank(submission.Description),
        SubjectPhone = submission.SubjectPhone,
        Consent = submission.Consent,
        Officer = submission.Officer,
        Advice = submission.Consent == Consent.Given && submission.SubjectPhone is not null ? AdviceState.Pending : AdviceState.NotApplicable,
        TraceParent = traceParent,
    };

    private static ReferralEvent ReceivedEvent(ReferralSubmission submission, DateTimeOffset at) => ReferralEvent.Of(
        at,
        ReferralEventKinds.Received,
        submission.Actor,
        (ReferralEventData.Source, submission.Source.ToString().ToLowerInvariant()),
        (ReferralEventData.Categories, string.Join(',', submission.Categories)),
        (ReferralEventData.Reading, submission.Reading)).WithSmsMessages(submission.EarlierTexts);

    private static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    [LoggerMessage(Level = LogLevel.Information, Message = "Referral {Night}/{ReferenceCode} accepted from {Source}: town {Town}, {CategoryCount} categories; queued for routing")]
    private partial void LogAccepted(NightId night, ReferenceCode referenceCode, ReferralSource source, string town, int categoryCount);

    [LoggerMessage(Level = LogLevel.Information, Message = "Referral {Night}/{ReferenceCode} was stored by an earlier attempt at the same message: resumed, not stored again")]
    private partial void LogResumed(NightId night, ReferenceCode referenceCode);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reference code clash in night {Night} (attempt {Attempt}); drawing another")]
    private partial void LogReferenceClash(NightId night, int attempt);
}
