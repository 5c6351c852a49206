using Microsoft.Extensions.Logging;
using NightSafe.Core.Nights;
using NightSafe.Core.Ports;
using NightSafe.Core.References;

namespace NightSafe.Core.Intake;

/// <summary>What handling an inbound message produced.</summary>
public abstract record InboundResult
{
    private InboundResult()
    {
    }

    /// <summary>Handled; <paramref name="Reply"/> is what the sender gets now and on every retry (empty: no reply).</summary>
    public sealed record Replied(string Reply) : InboundResult;

    /// <summary>Refused as invalid; recorded with the reason so it is not retried.</summary>
    public sealed record Rejected(string Reason) : InboundResult;
}

/// <summary>The outcome of passing a message through the gate.</summary>
/// <param name="Reply">The reply to send; null when there is none (refused, or another attempt is answering).</param>
/// <param name="Repeat">True when this message had been seen before (a webhook retry or a redelivery).</param>
public sealed record InboundOutcome(string? Reply, bool Repeat, bool Rejected);

/// <summary>The handler's hold on one inbound message: lets it record the referral it stored, so a retry resumes.</summary>
public sealed class InboundTicket
{
    private readonly IInboundLedger _ledger;

    internal InboundTicket(IInboundLedger ledger, InboundClaim claim)
    {
        _ledger = ledger;
        Claim = claim;
    }

    internal InboundClaim Claim { get; private set; }

    /// <summary>The referral an earlier attempt stored for this message, if any: resume it instead of creating another.</summary>
    public (NightId Night, ReferenceCode Reference)? Stored =>
        Claim.State == InboundState.Stored && Claim.Night is { } night && Claim.Reference is { } reference ? (night, reference) : null;

    public async Task MarkStoredAsync(NightId night, ReferenceCode reference, CancellationToken cancellationToken) =>
        Claim = await _ledger.RecordStoredAsync(Claim, night, reference, cancellationToken);
}

/// <summary>
/// Handles each inbound message once: Twilio retries webhooks that time out and queues redeliver, so the first
/// attempt claims the message, a repeat gets the stored reply, and a failed attempt releases it for the retry.
/// </summary>
public sealed partial class InboundGate(IInboundLedger ledger, ILogger<InboundGate> logger)
{
    /// <summary>An unfinished claim older than this is presumed dead (its process crashed) and taken over.</summary>
    public static readonly TimeSpan StaleAfter = TimeSpan.FromSeconds(30);

    public async Task<InboundOutcome> PassAsync(
        string source,
        string key,
        Func<InboundTicket, CancellationToken, Task<InboundResult>> handle,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(handle);
        var claim = await ledger.ClaimAsync(source, key, StaleAfter, cancellationToken);
        switch (claim.State)
        {
            case InboundState.Done:
                LogRepeat(source, claim.State);
                return new InboundOutcome(claim.Reply, Repeat: true, Rejected: false);
            case InboundState.Rejected:
                LogRepeat(source, claim.State);
                return new InboundOutcome(null, Repeat: true, Rejected: true);
            case InboundState.Busy:
                // Another attempt is answering this very message; a second answer would be a second SMS.
                LogRepeat(source, claim.State);
                return new InboundOutcome(null, Repeat: true, Rejected: false);
        }

        var ticket = new InboundTicket(ledger, claim);
        InboundResult result;
        try
        {
            result = await handle(ticket, cancellationToken);
        }
        catch
        {
            await ReleaseQuietlyAsync(ticket.Claim);
            throw;
        }

        switch (result)
        {
            case InboundResult.Replied replied:
                await ledger.CompleteAsync(ticket.Claim, replied.Reply, cancellationToken);
                return new InboundOutcome(replied.Reply, Repeat: false, Rejected: false);
            case InboundResult.Rejected rejected:
                await ledger.RejectAsync(ticket.Claim, rejected.Reason, cancellationToken);
                return new InboundOutcome(null, Repeat: false, Rejected: true);
            default:
                throw new InvalidOperationException($"Unknown inbound result {result.GetType().Name}.");
        }
    }

    private async Task ReleaseQuietlyAsync(InboundClaim claim)
    {
        try
        {
            await ledger.ReleaseAsync(claim, CancellationToken.None);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The original failure matters more; the claim goes stale and is taken over by a later retry.
            LogReleaseFailed(e, claim.Source);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Inbound {Source} message seen before ({State}); not handled again")]
    private partial void LogRepeat(string source, InboundState state);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not release an inbound {Source} claim after a failure; it will be taken over when stale")]
    private partial void LogReleaseFailed(Exception exception, string source);
}
