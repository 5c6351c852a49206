using Microsoft.Extensions.Logging;
using NightSafe.Core.Ports;
using NightSafe.Core.Referrals;

namespace NightSafe.Core.Retention;

/// <summary>
/// Deletes at the SMS provider the messages of erased referrals (Twilio keeps bodies and numbers): the officer's
/// inbound texts and the hub's TwiML replies to them that name the referral, the advice to the person, every alert sent
/// for the referral, partners' SMS answers about it. Their ids are listed when the referral
/// is erased; each run works through the list; a deletion that fails stays listed with its error for the next run
/// and never holds up the erasure of our own data.
/// </summary>
public sealed partial class SmsRecordDeletions(
    IReferralStore store,
    ISmsRecordDeletions pending,
    ISmsRecords records,
    ISmsMarkers markers,
    TimeProvider time,
    ILogger<SmsRecordDeletions> logger)
{
    /// <summary>
    /// The provider message ids of a referral: its inbound text, its advice, every SMS sent under its key, and every text
    /// about it its trail names (earlier texts of the conversation that made it, the officer's STATUS, CLOSE, ADD and
    /// answers, partners' ACC/DEC/ATT/DONE): one read of the referral's own trail, whatever the size of the night.
    /// </summary>
    public async Task<IReadOnlyList<string>> MessageIdsOfAsync(Referral referral, CancellationToken cancellationToken) =>
        [.. (await MessagesOfAsync(referral, cancellationToken)).Select(m => m.Sid)];

    /// <summary>
    /// Lists the referral's provider messages for deletion (call before or with its erasure); returns the ids. Its
    /// inbound texts are listed to have their TwiML replies found first (<see cref="TwimlReplyMatch"/>).
    /// </summary>
    public async Task<IReadOnlyList<string>> ListAsync(Referral referral, CancellationToken cancellationToken)
    {
        var messages = await MessagesOfAsync(referral, cancellationToken);
        if (messages.Count > 0)
        {
            var now = time.GetUtcNow();
            await pending.AddAsync([.. messages.Select(m => new PendingSmsRecordDeletion(m.Sid, referral.Key, now, FindReplies: m.Inbound))], cancellationToken);
        }

        return [.. messages.Select(m => m.Sid)];
    }

    /// <summary>
    /// Tries every listed deletion once (or only those of <paramref name="onlyReferral"/>): deleted, or not at the
    /// provider (gone already), comes off the list; a failure is recorded and kept. An inbound text's TwiML replies that
    /// name its referral are found first and listed, then deleted in the same run; the text itself is deleted only once
    /// they are listed, so a fault in between leaves the search to do again, never replies nobody can find. Never throws
    /// for a provider fault.
    /// </summary>
    public async Task<SmsRecordDeletionRun> RunAsync(CancellationToken cancellationToken, string? onlyReferral = null)
    {
        var deleted = 0;
        var gone = 0;
        var failed = 0;
        var replies = 0;
        var work = new Queue<PendingSmsRecordDeletion>(
            (await pending.PendingAsync(cancellationToken)).Where(d => onlyReferral is null || d.Referral == onlyReferral));
        var tried = new HashSet<string>(StringComparer.Ordinal);
        var found = new HashSet<string>(StringComparer.Ordinal);
        while (work.TryDequeue(out var deletion))
        {
            if (!tried.Add(deletion.MessageSid))
            {
                continue;
            }

            try
            {
                if (deletion.FindReplies)
                {
                    foreach (var reply in await ListRepliesAsync(deletion, cancellationToken))
                    {
                        // Two texts' windows can hold the same reply (a STATUS soon after the referral's text).
                        if (found.Add(reply.MessageSid))
                        {
                            replies++;
                            work.Enqueue(reply);
                        }
                    }
                }

                if (await records.DeleteAsync(deletion.MessageSid, cancellationToken))
                {
                    deleted++;
                }
                else
                {
                    gone++;
                }

                await pending.CompleteAsync(deletion, cancellationToken);
            }
            catch (SmsRecordDeletionException e)
            {
                failed++;
                LogFailed(deletion.MessageSid, deletion.Referral, e.Code, deletion.Attempts + 1);
                await pending.RecordFailureAsync(
                    deletion with { Attempts = deletion.Attempts + 1, LastError = e.Code, LastAttemptAt = time.GetUtcNow() },
                    cancellationToken);
            }
        }

        if (deleted + gone + failed > 0)
        {
            LogRun(deleted, gone, failed, replies);
        }

        return new SmsRecordDeletionRun(deleted, gone, failed, replies);
    }

    /// <summary>
    /// The hub's TwiML replies to an inbound text that name its referral, found at the provider and listed for deletion
    /// (before the text is deleted: its sender and time are what finds them). None when the provider no longer holds it.
    /// </summary>
    private async Task<IReadOnlyList<PendingSmsRecordDeletion>> ListRepliesAsync(PendingSmsRecordDeletion inbound, CancellationToken cancellationToken)
    {
        var answered = await records.RepliesToAsync(inbound.MessageSid, TwimlReplyMatch.Window, cancellationToken);
        if (answered is null)
        {
            return [];
        }

        var reference = inbound.Referral[(inbound.Referral.LastIndexOf('/') + 1)..];
        var now = time.GetUtcNow();
        var replies = answered.Sent
            .Where(m => IsMessageSid(m.MessageSid) && m.MessageSid != inbound.MessageSid && TwimlReplyMatch.IsReplyOf(m, answered.ReceivedAt, reference))
            .Select(m => new PendingSmsRecordDeletion(m.MessageSid, inbound.Referral, now))
            .ToList();
        if (replies.Count > 0)
        {
            await pending.AddAsync(replies, cancellationToken);
        }

        LogReplies(inbound.MessageSid, inbound.Referral, replies.Count, answered.Sent.Count - replies.Count);
        return replies;
    }

    /// <summary>Every provider message of the referral, each once, and whether it is a text the hub received.</summary>
    private async Task<IReadOnlyList<(string Sid, bool Inbound)>> MessagesOfAsync(Referral referral, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(referral);
        var messages = new List<(string Sid, bool Inbound)>();
        if (referral.Inbound is { } inbound && inbound.StartsWith(Actors.SmsProvider + "/", StringComparison.Ordinal))
        {
            messages.Add((inbound[(Actors.SmsProvider.Length + 1)..], true));
        }

        if (referral.AdviceMessageId is { Length: > 0 } advice)
        {
            messages.Add((advice, false));
        }

        messages.AddRange((await markers.MessageIdsOfAsync(referral.Key, cancellationToken)).Select(id => (id, false)));
        foreach (var trailEvent in await store.TrailAsync(referral.Night, referral.Reference, cancellationToken))
        {
            // The texts that caused the event: each was received by the hub, and answered.
            messages.AddRange(trailEvent.SmsMessageIds.Select(id => (id, true)));
            if (trailEvent.Kind is ReferralEventKinds.AdviceSent or ReferralEventKinds.SmsStatus
                && trailEvent.Data.TryGetValue(ReferralEventData.MessageId, out var sent))
            {
                // Every advice message the trail knows (a resend after an unclear outcome has an id of its own).
                messages.Add((sent, false));
            }
        }

        return [.. messages.Where(m => IsMessageSid(m.Sid)).GroupBy(m => m.Sid, StringComparer.Ordinal).Select(g => (g.Key, g.Any(m => m.Inbound)))];
    }

    // Provider ids are letters and digits (Twilio's SM... SIDs); anything else was never one.
    private static bool IsMessageSid(string id) => id.Length is > 0 and <= 64 && id.All(char.IsAsciiLetterOrDigit);

    [LoggerMessage(Level = LogLevel.Warning, Message = "SMS record {MessageSid} of erased referral {Referral} could not be deleted at the provider ({Code}, attempt {Attempt}); it is tried again at the next run")]
    private partial void LogFailed(string messageSid, string referral, string code, int attempt);

    [LoggerMessage(Level = LogLevel.Information, Message = "SMS records of erased referrals: {Deleted} deleted at the provider, {Gone} gone already, {Failed} kept for the next run; {Replies} TwiML replies found")]
    private partial void LogRun(int deleted, int gone, int failed, int replies);

    [LoggerMessage(Level = LogLevel.Information, Message = "Inbound SMS {MessageSid} of erased referral {Referral}: {Replies} TwiML replies naming it listed for deletion, {Others} other messages to its sender left")]
    private partial void LogReplies(string messageSid, string referral, int replies, int others);
}

/// <summary>What one run of <see cref="SmsRecordDeletions.RunAsync"/> did; <paramref name="Replies"/> TwiML replies found (and counted in the others).</summary>
public sealed record SmsRecordDeletionRun(int Deleted, int Gone, int Failed, int Replies = 0);
