using Microsoft.Extensions.Logging;
using NightSafe.Core.Nights;
using NightSafe.Core.Phones;
using NightSafe.Core.Ports;
using NightSafe.Core.References;
using NightSafe.Core.Referrals;
using NightSafe.Core.World;

namespace NightSafe.Core.Retention;

/// <summary>Where one referral stands after an erasure request.</summary>
public enum ErasureOutcome
{
    /// <summary>Its personal data was erased now.</summary>
    Erased,

    /// <summary>It had been erased before (by retention or an earlier request): nothing left to erase.</summary>
    AlreadyErased,

    /// <summary>No referral with that night and reference.</summary>
    NotFound,
}

/// <summary>One referral's erasure: when, and how many of its provider messages are listed for deletion.</summary>
public sealed record ReferralErasureResult(NightId Night, ReferenceCode Reference, ErasureOutcome Outcome, DateTimeOffset? ErasedAt, int ProviderMessages = 0)
{
    public string Key => $"{Night}/{Reference}";
}

/// <summary>An erasure by phone number: the number (masked) and each referral that held it.</summary>
public abstract record PhoneErasureResult
{
    private PhoneErasureResult()
    {
    }

    /// <summary>Not a phone number we could have stored (UK or E.164).</summary>
    public sealed record Invalid(string Reason) : PhoneErasureResult;

    /// <summary>Every referral of the nights searched whose subject phone it was, now erased.</summary>
    public sealed record Done(MaskedPhone Phone, NightId From, NightId To, IReadOnlyList<ReferralErasureResult> Referrals) : PhoneErasureResult;
}

/// <summary>
/// Erasure on request (UK GDPR art. 17; DPA 2018 s.47): the control room erases one referral now, or every referral
/// holding a person's phone number. It is the retention erasure (<see cref="IReferralStore.EraseAsync"/>: location,
/// description, subject phone, disclosed case views, notes), logged in the trail with the principal who asked and
/// without the erased data, and it lists the referral's messages for deletion at the SMS provider.
/// </summary>
public sealed partial class ReferralErasure(
    IReferralStore store,
    SmsRecordDeletions providerRecords,
    RoutingWorld world,
    HubSettings settings,
    TimeProvider time,
    ILogger<ReferralErasure> logger)
{
    /// <summary>The reason an erasure on request records.</summary>
    public const string OnRequest = "on request";

    /// <summary>The reason an erasure of a phone number's referrals records.</summary>
    public const string PhoneOnRequest = "on request: every referral holding a phone number";

    /// <summary>The erasure event: what was erased, by whom, why; never the erased data.</summary>
    public static ReferralEvent ErasureEvent(DateTimeOffset at, string actor, string reason) =>
        ReferralEvent.Of(at, ReferralEventKinds.Erased, actor, (ReferralEventData.Fields, RetentionPurge.ErasedFields), (ReferralEventData.Reason, reason));

    /// <summary>
    /// Erases one referral now on <paramref name="actor"/>'s request. Idempotent: a second request finds it erased
    /// and changes nothing. Its provider messages are listed and deleted now where the provider answers; a failure
    /// stays listed for the retention run.
    /// </summary>
    public async Task<ReferralErasureResult> EraseAsync(NightId night, ReferenceCode reference, string actor, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(actor);
        var result = await EraseOneAsync(night, reference, actor, OnRequest, cancellationToken);
        if (result.Outcome == ErasureOutcome.Erased)
        {
            await DeleteProviderRecordsAsync(result.Key, cancellationToken);
        }

        return result;
    }

    /// <summary>
    /// Erases every referral whose subject phone is <paramref name="phone"/>, in every night the hub still holds
    /// personal data for (the retention window up to tonight; older nights are erased by retention already).
    /// Found through the store's phone index, not by reading every referral.
    /// </summary>
    public async Task<PhoneErasureResult> EraseHoldingPhoneAsync(string? phone, string actor, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(actor);
        if (!UkPhoneNumber.TryNormalise(phone, out var e164))
        {
            return new PhoneErasureResult.Invalid("phone must be a UK number or an E.164 number");
        }

        var now = time.GetUtcNow();
        var to = NightId.For(now, world);
        var from = new NightId(to.Date.AddDays(-settings.RetentionDays - 1));
        var holding = await store.HoldingPhoneAsync(e164, from, to, cancellationToken);
        var results = new List<ReferralErasureResult>();
        foreach (var referral in holding.OrderBy(r => r.Night).ThenBy(r => r.Reference.ToString(), StringComparer.Ordinal))
        {
            results.Add(await EraseOneAsync(referral.Night, referral.Reference, actor, PhoneOnRequest, cancellationToken));
        }

        var erasedCount = results.Count(r => r.Outcome == ErasureOutcome.Erased);
        LogPhoneErased(new MaskedPhone(e164), erasedCount, from, to, actor);
        if (erasedCount > 0)
        {
            await DeleteProviderRecordsAsync(null, cancellationToken);
        }

        return new PhoneErasureResult.Done(new MaskedPhone(e164), from, to, results);
    }

    /// <summary>
    /// The one erasure both retention and requests use: lists the provider messages, then erases (the list first, so
    /// a crash between them leaves a deletion to do, never an erased referral whose messages nobody will delete).
    /// </summary>
    internal async Task<ReferralErasureResult> EraseOneAsync(NightId night, ReferenceCode reference, string actor, string reason, CancellationToken cancellationToken) =>
        await OptimisticConcurrency.RetryAsync(async _ =>
        {
            var stored = await store.FindAsync(night, reference, cancellationToken);
            if (stored is null)
            {
                return new ReferralErasureResult(night, reference, ErasureOutcome.NotFound, null);
            }

            if (stored.Value.ErasedAt is { } before)
            {
                return new ReferralErasureResult(night, reference, ErasureOutcome.AlreadyErased, before);
            }

            var listed = await providerRecords.ListAsync(stored.Value, cancellationToken);
            var now = time.GetUtcNow();
            await store.EraseAsync(night, reference, now, ErasureEvent(now, actor, reason), cancellationToken);
            LogErased(night, reference, reason, actor, listed.Count);
            return new ReferralErasureResult(night, reference, ErasureOutcome.Erased, now, listed.Count);
        });

    /// <summary>Our data is erased by now: a fault here leaves the deletions listed for the retention run, and the answer stands.</summary>
    private async Task DeleteProviderRecordsAsync(string? onlyReferral, CancellationToken cancellationToken)
    {
        try
        {
            await providerRecords.RunAsync(cancellationToken, onlyReferral);
        }
        catch (Exception e) when (e is not OperationCanceledException and not OutOfMemoryException)
        {
            LogProviderRecordsDeferred(e);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "SMS records of an erased referral could not be deleted now; they stay listed for the retention run")]
    private partial void LogProviderRecordsDeferred(Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Referral {Night}/{ReferenceCode}: personal data erased ({Reason}) by {Actor}; {ProviderMessages} SMS records listed for deletion at the provider")]
    private partial void LogErased(NightId night, ReferenceCode referenceCode, string reason, string actor, int providerMessages);

    [LoggerMessage(Level = LogLevel.Information, Message = "Erasure of phone {Phone}: {Count} referrals erased in nights {From} to {To}, requested by {Actor}")]
    private partial void LogPhoneErased(MaskedPhone phone, int count, NightId from, NightId to, string actor);
}
