namespace NightSafe.Core.Ports;

/// <summary>
/// The SMS provider's own copies of messages: Twilio keeps every message's body and numbers until it is deleted, so
/// the messages of an erased referral are deleted there too.
/// </summary>
public interface ISmsRecords
{
    /// <summary>
    /// Deletes the provider's record of the message. True when it was deleted, false when the provider has no such
    /// message (deleted before, or never there). Throws <see cref="SmsRecordDeletionException"/> when it could not be
    /// deleted now (the provider was unreachable or refused): the deletion is tried again later.
    /// </summary>
    Task<bool> DeleteAsync(string messageSid, CancellationToken cancellationToken);

    /// <summary>
    /// The messages sent to the sender of inbound text <paramref name="inboundSid"/> from the number it was sent to, dated
    /// from its arrival to <paramref name="window"/> after it: the replies the hub answered it with as TwiML, which the
    /// provider made into messages of its own and never named to us. Null when the provider no longer holds the inbound
    /// text (nothing to find from it). Throws <see cref="SmsRecordDeletionException"/> when it cannot tell now.
    /// </summary>
    Task<SmsReplies?> RepliesToAsync(string inboundSid, TimeSpan window, CancellationToken cancellationToken);

    /// <summary>
    /// The provider's status of the message now (the lost delivery report's stand-in), or null when the provider holds
    /// no such message. Throws <see cref="SmsUnavailableException"/> when the provider could not be asked now.
    /// </summary>
    Task<SmsProviderStatus?> StatusAsync(string messageSid, CancellationToken cancellationToken);
}

/// <summary>A message's status as the provider holds it: lower case, as its delivery reports spell it, with its error code.</summary>
public sealed record SmsProviderStatus(string Status, string? ErrorCode)
{
    /// <summary>The message's fate (delivered, undelivered, failed, canceled): see <see cref="Referrals.Referral.IsFinalDeliveryStatus"/>.</summary>
    public bool IsFinal => Referrals.Referral.IsFinalDeliveryStatus(Status);
}

/// <summary>An inbound text's arrival and the messages sent back to its sender soon after (bodies stay in memory, never stored).</summary>
public sealed record SmsReplies(DateTimeOffset ReceivedAt, IReadOnlyList<SmsRecord> Sent);

/// <summary>One message the provider holds: its id, its body and when it was sent (null while not sent yet).</summary>
public sealed record SmsRecord(string MessageSid, string Body, DateTimeOffset? SentAt);

/// <summary>The provider's record of a message could not be deleted now; <see cref="Code"/> says why (no personal data).</summary>
public sealed class SmsRecordDeletionException : Exception
{
    public SmsRecordDeletionException()
    {
    }

    public SmsRecordDeletionException(string message)
        : base(message)
    {
    }

    public SmsRecordDeletionException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public SmsRecordDeletionException(string code, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Code = code;
    }

    /// <summary>A short reason: the provider's HTTP status and error code, or "unreachable".</summary>
    public string Code { get; } = "failed";
}

/// <summary>A provider message that belongs to an erased referral and must be deleted at the provider.</summary>
/// <param name="MessageSid">The provider's id of the message (Twilio's SM... SID).</param>
/// <param name="Referral">The referral it belongs to, "night/reference".</param>
/// <param name="Attempts">How many deletions failed so far.</param>
/// <param name="LastError">Why the last attempt failed (no personal data).</param>
/// <param name="FindReplies">
/// An inbound text: before it is deleted, the hub's TwiML replies to it that name the referral are found at the provider
/// and listed for deletion too (they carry its reference, town and concerns; the provider never told us their ids).
/// </param>
public sealed record PendingSmsRecordDeletion(
    string MessageSid, string Referral, DateTimeOffset QueuedAt, int Attempts = 0, string? LastError = null, DateTimeOffset? LastAttemptAt = null, bool FindReplies = false);

/// <summary>
/// Our list of provider message records still to delete (the SmsDeletions table): written when a referral is erased,
/// worked through by the erasure and each retention run; a failed deletion stays on it, recorded, for the next run.
/// </summary>
public interface ISmsRecordDeletions
{
    /// <summary>Adds the deletions; one already listed stays as it is.</summary>
    Task AddAsync(IReadOnlyList<PendingSmsRecordDeletion> deletions, CancellationToken cancellationToken);

    /// <summary>Every deletion still to do.</summary>
    Task<IReadOnlyList<PendingSmsRecordDeletion>> PendingAsync(CancellationToken cancellationToken);

    /// <summary>The provider's record is gone: takes it off the list.</summary>
    Task CompleteAsync(PendingSmsRecordDeletion deletion, CancellationToken cancellationToken);

    /// <summary>The attempt failed: records it (attempts, error, when) and keeps it for the next run.</summary>
    Task RecordFailureAsync(PendingSmsRecordDeletion deletion, CancellationToken cancellationToken);
}
