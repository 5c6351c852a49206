namespace NightSafe.Core.Ports;

/// <summary>An SMS to send; <see cref="StatusCallback"/> receives Twilio's delivery reports.</summary>
public sealed record OutgoingSms(string To, string Body, Uri? StatusCallback);

/// <summary>What the SMS provider said.</summary>
public abstract record SmsSendResult
{
    private SmsSendResult()
    {
    }

    /// <summary>Accepted for delivery; <paramref name="MessageId"/> is the provider's id (Twilio's SM… sid).</summary>
    public sealed record Accepted(string MessageId) : SmsSendResult;

    /// <summary>Refused for good (invalid number, unsubscribed...): do not retry.</summary>
    public sealed record Refused(string ErrorCode, string Reason, bool RecipientOptedOut) : SmsSendResult;
}

/// <summary>
/// Thrown when the SMS provably did not reach the provider (connection refused, name not resolved) or the provider
/// said it did not act (429), after the adapter's own retries: nothing was sent, so it is safe to send again later.
/// </summary>
public sealed class SmsUnavailableException : Exception
{
    public SmsUnavailableException()
    {
    }

    public SmsUnavailableException(string message)
        : base(message)
    {
    }

    public SmsUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>
/// Thrown when a send may or may not have taken effect (a timeout, a 5xx, a connection lost after the request went
/// out). The provider has no idempotency key, so the send must not be repeated before
/// <see cref="ISmsSender.FindSentAsync"/> shows that the message is not there.
/// </summary>
public sealed class SmsSendUncertainException : Exception
{
    public SmsSendUncertainException()
    {
    }

    public SmsSendUncertainException(string message)
        : base(message)
    {
    }

    public SmsSendUncertainException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>
/// Sends SMS (Twilio). Retries a send itself only when it provably did not reach the provider; permanent refusals
/// come back as <see cref="SmsSendResult.Refused"/>; otherwise <see cref="SmsUnavailableException"/> (nothing sent) or
/// <see cref="SmsSendUncertainException"/> (perhaps sent: reconcile with <see cref="FindSentAsync"/>).
/// </summary>
public interface ISmsSender
{
    Task<SmsSendResult> SendAsync(OutgoingSms sms, CancellationToken cancellationToken);

    /// <summary>
    /// The provider's id of a message with exactly this body sent to <paramref name="recipient"/> since
    /// <paramref name="since"/>, or null when there is none (the reconcile after an uncertain send).
    /// </summary>
    Task<string?> FindSentAsync(string recipient, string body, DateTimeOffset since, CancellationToken cancellationToken);
}
