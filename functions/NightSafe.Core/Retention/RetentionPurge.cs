using Microsoft.Extensions.Logging;
using NightSafe.Core.Nights;
using NightSafe.Core.Ports;
using NightSafe.Core.World;

namespace NightSafe.Core.Retention;

/// <summary>
/// Erases personal data once it is no longer needed (UK GDPR storage limitation): referrals of nights older than the
/// retention period lose their location, description, subject phone, disclosed case views and notes; the aggregates
/// (town, categories, status, times, outcomes) stay for the figures; each erasure is logged without the erased data.
/// The at-most-once marks of SMS (recipients' keyed hashes, provider message ids) go after the same period. Officers'
/// conversations are forgotten once expired (every few minutes, and with the daily run). Each run also
/// deletes at the SMS provider the messages of erased referrals (<see cref="SmsRecordDeletions"/>), drains the
/// partners' dead-letter queues (<see cref="DeadLetterDrain"/>), and until it is done once gives the referrals stored
/// before the phone index their index rows (<see cref="IReferralStore.BackfillPhoneIndexAsync"/>).
/// </summary>
public sealed partial class RetentionPurge(
    IReferralStore store,
    IInboundLedger ledger,
    ISmsMarkers markers,
    IConversationStore conversations,
    ReferralErasure erasure,
    SmsRecordDeletions providerRecords,
    DeadLetterDrain deadLetters,
    RoutingWorld world,
    HubSettings settings,
    TimeProvider time,
    ILogger<RetentionPurge> logger)
{
    /// <summary>What an erasure removes, named in its audit event.</summary>
    public const string ErasedFields = "location,description,subjectPhone,caseViews,notes";

    /// <summary>The timer's NCRONTAB schedule (UTC): daily at 09:30, after every night has ended.</summary>
    public const string Cron = "0 30 9 * * *";

    /// <summary>The conversations timer's NCRONTAB schedule: every 5 minutes, so an unanswered question outlives its 15 minutes by at most 5.</summary>
    public const string ConversationsCron = "0 */5 * * * *";

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        // A night is kept whole for RetentionDays after it ends; nights before the cutoff are past it.
        var cutoff = new NightId(NightId.For(now, world).Date.AddDays(-settings.RetentionDays));
        var erased = 0;
        var reason = $"retention: {settings.RetentionDays} days";
        await foreach (var referral in store.UnerasedBeforeAsync(cutoff, cancellationToken))
        {
            // The same erasure as on request: its provider messages are listed for deletion first.
            var result = await erasure.EraseOneAsync(referral.Night, referral.Reference, Actors.System, reason, cancellationToken);
            erased += result.Outcome == ErasureOutcome.Erased ? 1 : 0;
        }

        var forgotten = await ledger.PurgeAsync(now.AddDays(-settings.RetentionDays), cancellationToken);

        // After the erasures above, which list each referral's provider messages from its marks.
        var marks = await markers.PurgeAsync(now.AddDays(-settings.RetentionDays), cancellationToken);
        var threads = await conversations.PurgeExpiredAsync(now, cancellationToken);
        LogPurged(erased, cutoff, forgotten, marks, threads);

        // Each is its own step: a provider or broker fault is logged and retried at the next run, never fails the erasure above.
        await StepAsync(ct => BackfillPhoneIndexAsync(cutoff, NightId.For(now, world), ct), "phone index of referrals stored before it", cancellationToken);
        await StepAsync(ct => providerRecords.RunAsync(ct), "SMS records of erased referrals", cancellationToken);
        await StepAsync(deadLetters.RunAsync, "dead-letter queues", cancellationToken);
        return erased;
    }

    /// <summary>
    /// Referrals stored before the phone index existed are found by erasure by phone only once they have their index
    /// row: the nights still holding personal data get theirs, once (the store keeps a marker when all have one).
    /// </summary>
    private async Task<int> BackfillPhoneIndexAsync(NightId first, NightId last, CancellationToken cancellationToken)
    {
        var given = await store.BackfillPhoneIndexAsync(first, last, cancellationToken);
        if (given > 0)
        {
            LogIndexBackfilled(given, first, last);
        }

        return given;
    }

    private async Task StepAsync<T>(Func<CancellationToken, Task<T>> step, string what, CancellationToken cancellationToken)
    {
        try
        {
            await step(cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException and not OutOfMemoryException)
        {
            LogStepFailed(e, what);
        }
    }

    /// <summary>
    /// Forgets officers' conversations past their <see cref="Intake.OfficerThread.Lifetime"/> that nobody read again:
    /// a question left unanswered still holds the officer's words about a person. Returns how many.
    /// </summary>
    public async Task<int> ForgetExpiredConversationsAsync(CancellationToken cancellationToken)
    {
        var forgotten = await conversations.PurgeExpiredAsync(time.GetUtcNow(), cancellationToken);
        if (forgotten > 0)
        {
            LogConversationsForgotten(forgotten);
        }

        return forgotten;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Retention: personal data erased from {Count} referrals of nights before {Cutoff}; {Forgotten} inbound message records, {Marks} SMS marks and {Threads} expired conversations deleted")]
    private partial void LogPurged(int count, NightId cutoff, int forgotten, int marks, int threads);

    [LoggerMessage(Level = LogLevel.Information, Message = "Retention: {Count} referrals of nights {First} to {Last} stored before the phone index were given their index rows")]
    private partial void LogIndexBackfilled(int count, NightId first, NightId last);

    [LoggerMessage(Level = LogLevel.Error, Message = "Retention: {What} could not be dealt with; the next run tries again")]
    private partial void LogStepFailed(Exception exception, string what);

    [LoggerMessage(Level = LogLevel.Information, Message = "Retention: {Count} expired officer conversations forgotten")]
    private partial void LogConversationsForgotten(int count);
}
