using Microsoft.Extensions.Logging;
using NightSafe.Core.Ports;
using NightSafe.Core.Referrals;

namespace NightSafe.Core.Retention;

/// <summary>
/// Deletes at the SMS provider the messages of erased referrals (Twilio keeps bodies and numbers): the officer's
/// inbound texts, the advice to the person, every alert sent for the referral, partners' SMS answers about it. Their ids are listed when the referral
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
    public async Task<IReadOnlyList<string>> MessageIdsOfAsync(Referral referral, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(referral);
        var ids = new List<string>();
        if (referral.Inbound is { } inbound && inbound.StartsWith(Actors.SmsProvider + "/", StringComparison.Ordinal))
        {
            ids.Add(inbound[(Actors.SmsProvider.Length + 1)..]);
        }

        if (referral.AdviceMessageId is { Length: > 0 } advice)
        {
            ids.Add(advice);
        }

        ids.AddRange(await markers.MessageIdsOfAsync(referral.Key, cancellationToken));
        foreach (var trailEvent in await store.TrailAsync(referral.Night, referral.Reference, cancellationToken))
        {
            ids.AddRange(trailEvent.SmsMessageIds);
            if (trailEvent.Kind is ReferralEventKinds.AdviceSent or ReferralEventKinds.SmsStatus
                && trailEvent.Data.TryGetValue(ReferralEventData.MessageId, out var sent))
            {
                // Every advice message the trail knows (a resend after an unclear outcome has an id of its own).
                ids.Add(sent);
            }
        }
        return [.. ids.Where(IsMessageSid).Distinct(StringComparer.Ordinal)];
    }

    /// <summary>Lists the referral's provider messages for deletion (call before or with its erasure); returns the ids.</summary>
    public async Task<IReadOnlyList<string>> ListAsync(Referral referral, CancellationToken cancellationToken)
    {
        var ids = await MessageIdsOfAsync(referral, cancellationToken);
        if (ids.Count > 0)
        {
            var now = time.GetUtcNow();
            await pending.AddAsync([.. ids.Select(id => new PendingSmsRecordDeletion(id, referral.Key, now))], cancellationToken);
        }

        return ids;
    }

    /// <summary>
    /// Tries every listed deletion once (or only those of <paramref name="onlyReferral"/>): deleted, or not at the
    /// provider (gone already), comes off the list; a failure is recorded and kept. Never throws for a provider fault.
    /// </summary>
    public async Task<SmsRecordDeletionRun> RunAsync(CancellationToken cancellationToken, string? onlyReferral = null)
    {
        var deleted = 0;
        var gone = 0;
        var failed = 0;
        foreach (var deletion in await pending.PendingAsync(cancellationToken))
        {
            if (onlyReferral is not null && deletion.Referral != onlyReferral)
            {
                continue;
            }

            try
            {
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
            LogRun(deleted, gone, failed);
        }

        return new SmsRecordDeletionRun(deleted, gone, failed);
    }

    // Provider ids are letters and digits (Twilio's SM... SIDs); anything else was never one.
    private static bool IsMessageSid(string id) => id.Length is > 0 and <= 64 && id.All(char.IsAsciiLetterOrDigit);

    [LoggerMessage(Level = LogLevel.Warning, Message = "SMS record {MessageSid} of erased referral {Referral} could not be deleted at the provider ({Code}, attempt {Attempt}); it is tried again at the next run")]
    private partial void LogFailed(string messageSid, string referral, string code, int attempt);

    [LoggerMessage(Level = LogLevel.Information, Message = "SMS records of erased referrals: {Deleted} deleted at the provider, {Gone} gone already, {Failed} kept for the next run")]
    private partial void LogRun(int deleted, int gone, int failed);
}

/// <summary>What one run of <see cref="SmsRecordDeletions.RunAsync"/> did.</summary>
public sealed record SmsRecordDeletionRun(int Deleted, int Gone, int Failed);
