using System.Diagnostics;
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
public sealed record InboundOutcome(string? Reply, bool Repeat, bool Rejected)
{
    /// <summary>The key had been used with other content (see <see cref="InboundReservation.Fingerprint"/>): nothing was done.</summary>
    public bool KeyReused { get; init; }
}

/// <summary>The handler's hold on one inbound message: names the referral it stores, so a retry resumes that one.</summary>
public sealed class InboundTicket
{
    private readonly IInboundLedger _ledger;

    internal InboundTicket(IInboundLedger ledger, InboundClaim claim)
    {
        _ledger = ledger;
        Claim = claim;
    }

    internal InboundClaim Claim { get; private set; }

    /// <summary>The referral an earlier attempt certainly stored for this message, if any: resume it instead of creating another.</summary>
    public (NightId Night, ReferenceCode Reference)? Stored =>
        Claim.State == InboundState.Stored && Claim.Night is { } night && Claim.Reference is { } reference ? (night, reference) : null;

    /// <summary>The night and reference reserved with the claim: the referral this message stores, if it is one.</summary>
    public InboundReservation? Reserved =>
        Claim.State == InboundState.Claimed && Claim.Night is { } night && Claim.Reference is { } reference ? new(night, reference) : null;

    /// <summary>An earlier attempt had this message and failed: it may have stored the <see cref="Reserved"/> referral already.</summary>
    public bool TakenOver => Claim.TakenOver;

    /// <summary>How the referral stored for this message names it (<see cref="Referrals.Referral.Inbound"/>).</summary>
    public string InboundKey => Claim.InboundKey;

    public async Task MarkStoredAsync(NightId night, ReferenceCode reference, CancellationToken cancellationToken) =>
        Claim = await _ledger.RecordStoredAsync(Claim, night, reference, cancellationToken);

    /// <summary>The reply the handler already recorded as this message's answer (<see cref="CompleteAsync(string, CancellationToken)"/>), if it did.</summary>
    internal string? CompletedWith { get; private set; }

    /// <summary>
    /// Records <paramref name="reply"/> as the message's answer now, so the handler can write it alongside its own last
    /// writes rather than after them; the gate then records nothing more. Should the handler fail after this, a retry
    /// gets this reply, and the referral it names, if still waiting for routing, is queued then (<see cref="ReceivedRequeue"/>).
    /// </summary>
    public async Task CompleteAsync(string reply, CancellationToken cancellationToken)
    {
        await _ledger.CompleteAsync(Claim, reply, cancellationToken);
        CompletedWith = reply;
    }

    /// <summary>As <see cref="CompleteAsync(string, CancellationToken)"/>, saving the officer's thread in the same write.</summary>
    public async Task CompleteAsync(string reply, string officerPhoneE164, OfficerThread thread, CancellationToken cancellationToken)
    {
        await _ledger.CompleteAsync(Claim, reply, officerPhoneE164, thread, cancellationToken);
        CompletedWith = reply;
    }

    /// <summary>Reserves another reference (the reserved one was taken) before a referral is stored under it.</summary>
    public async Task ReserveAsync(InboundReservation reservation, CancellationToken cancellationToken) =>
        Claim = await _ledger.ReserveAsync(Claim, reservation, cancellationToken);
}

/// <summary>
/// Handles each inbound message once: Twilio retries webhooks that time out and queues redeliver, so the first
/// attempt claims the message, a repeat gets the stored reply, and a failed attempt releases it for the retry. A copy
/// that finds the message in flight waits for that attempt's reply, and takes the message over when none comes.
/// </summary>
public sealed partial class InboundGate(IInboundLedger ledger, ReceivedRequeue requeue, ILogger<InboundGate> logger)
{
    /// <summary>An unfinished claim older than this is presumed dead (its process crashed) and taken over.</summary>
    public static readonly TimeSpan StaleAfter = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long a copy that finds the message in flight waits for the first attempt's reply: well under the 15 s Twilio
    /// gives a webhook, so that the officer's acknowledgement reaches them whichever copy Twilio listens to.
    /// </summary>
    public static readonly TimeSpan WaitForFirstAttempt = TimeSpan.FromSeconds(8);

    private static readonly TimeSpan FirstPoll = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan LongestPoll = TimeSpan.FromSeconds(1);

    /// <summary>Passes a message that never stores a referral through once.</summary>
    public Task<InboundOutcome> PassAsync(
        string source,
        string key,
        Func<InboundTicket, CancellationToken, Task<InboundResult>> handle,
        CancellationToken cancellationToken) =>
        PassAsync(source, key, null, handle, cancellationToken);

    /// <summary>
    /// Passes the message through once. <paramref name="reservation"/> (night and reference of the referral it would store)
    /// is written with the claim, so a retry after a failure at any later step resumes that referral.
    /// </summary>
    public async Task<InboundOutcome> PassAsync(
        string source,
        string key,
        InboundReservation? reservation,
        Func<InboundTicket, CancellationToken, Task<InboundResult>> handle,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(handle);
        var claim = await ClaimOrWaitAsync(source, key, reservation, cancellationToken);
        if (IsReuse(claim, reservation))
        {
            LogKeyReused(source);
            return new InboundOutcome(null, Repeat: true, Rejected: false) { KeyReused = true };
        }

        switch (claim.State)
        {
            case InboundState.Done:
                LogRepeat(source, claim.State);
                if (reservation is not null)
                {
                    // The answer may have been recorded by an attempt that died before its routing item was queued.
                    await requeue.QueueIfWaitingAsync(claim, cancellationToken);
                }

                return new InboundOutcome(claim.Reply, Repeat: true, Rejected: false);
            case InboundState.Rejected:
                LogRepeat(source, claim.State);
                return new InboundOutcome(null, Repeat: true, Rejected: true);
            case InboundState.Busy:
                // Another copy took the claim over at the same moment: it answers; a second answer would be a second SMS.
                LogStillBusy(source, WaitForFirstAttempt.TotalSeconds);
                return new InboundOutcome(null, Repeat: true, Rejected: false);
        }

        var ticket = new InboundTicket(ledger, claim);
        try
        {
            // Recording the answer is part of the attempt: if it fails, the retry resumes (the claim names the referral).
            switch (await handle(ticket, cancellationToken))
            {
                case InboundResult.Replied when ticket.CompletedWith is { } recorded:
                    return new InboundOutcome(recorded, Repeat: false, Rejected: false);
                case InboundResult.Replied replied:
                    await ledger.CompleteAsync(ticket.Claim, replied.Reply, cancellationToken);
                    return new InboundOutcome(replied.Reply, Repeat: false, Rejected: false);
                case InboundResult.Rejected rejected:
                    await ledger.RejectAsync(ticket.Claim, rejected.Reason, cancellationToken);
                    return new InboundOutcome(null, Repeat: false, Rejected: true);
                case var other:
                    throw new InvalidOperationException($"Unknown inbound result {other.GetType().Name}.");
            }
        }
        catch when (ticket.CompletedWith is not null)
        {
            // Answered already: a retry gets that answer; there is no claim left to release.
            throw;
        }
        catch
        {
            await ReleaseQuietlyAsync(ticket.Claim);
            throw;
        }
    }

    /// <summary>
    /// Claims the message; when another attempt has it in flight, polls (backing off) until that attempt answers, gives
    /// it up (this copy then owns it) or the wait runs out.
    /// </summary>
    private async Task<InboundClaim> ClaimOrWaitAsync(string source, string key, InboundReservation? reservation, CancellationToken cancellationToken)
    {
        var claim = await ledger.ClaimAsync(source, key, StaleAfter, reservation, cancellationToken);
        if (claim.State != InboundState.Busy || IsReuse(claim, reservation))
        {
            return claim;
        }

        LogWaiting(source);
        var started = Stopwatch.GetTimestamp();
        var poll = FirstPoll;
        while (claim.State == InboundState.Busy)
        {
            var left = WaitForFirstAttempt - Stopwatch.GetElapsedTime(started);
            if (left <= TimeSpan.Zero)
            {
                break;
            }

            await Task.Delay(poll < left ? poll : left, cancellationToken);
            poll = poll * 2 < LongestPoll ? poll * 2 : LongestPoll;
            claim = await ledger.ClaimAsync(source, key, StaleAfter, reservation, cancellationToken);
        }

        if (claim.State == InboundState.Busy && !IsReuse(claim, reservation))
        {
            // A copy comes once the first attempt's request was given up (Twilio retries after a timeout or an error, a
            // queue redelivers after its visibility timeout), so that attempt's reply can no longer reach anyone; most
            // often its worker died. Answering nothing would leave the officer without a reference and the referral
            // waiting minutes for the sweep (or, died before storing, lost). This copy takes the claim over instead: the
            // claim's reservation makes it resume the same referral, and the first attempt, if alive after all, holds a
            // stale version of the claim and can record nothing more.
            LogTakingOver(source, WaitForFirstAttempt.TotalSeconds);
            claim = await ledger.ClaimAsync(source, key, TimeSpan.Zero, reservation, cancellationToken);
        }

        return claim;
    }

    // Claims made before fingerprints were kept hold none: those are taken at their word.
    private static bool IsReuse(InboundClaim claim, InboundReservation? reservation) =>
        reservation?.Fingerprint is { } fingerprint && claim.Fingerprint is { } held && !string.Equals(held, fingerprint, StringComparison.Ordinal);

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

    [LoggerMessage(Level = LogLevel.Warning, Message = "Inbound {Source} key reused with other content: refused, nothing done")]
    private partial void LogKeyReused(string source);

    [LoggerMessage(Level = LogLevel.Information, Message = "Inbound {Source} message already in flight: waiting for the first attempt's reply")]
    private partial void LogWaiting(string source);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Inbound {Source} message still in flight after {Seconds} s: the first attempt is presumed dead and this copy takes it over")]
    private partial void LogTakingOver(string source, double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Inbound {Source} message taken over by another copy after {Seconds} s: this copy answers nothing")]
    private partial void LogStillBusy(string source, double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not release an inbound {Source} claim after a failure; it will be taken over when stale")]
    private partial void LogReleaseFailed(Exception exception, string source);
}
