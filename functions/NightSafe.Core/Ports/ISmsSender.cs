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

/// <summary>Thrown when the provider stayed unavailable (429/5xx) after the adapter's own retries: retry later.</summary>
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

/// <summary>Sends SMS (Twilio). Retries transient failures itself; permanent ones come back as <see cref="SmsSendResult.Refused"/>.</summary>
public interface ISmsSender
{
    Task<SmsSendResult> SendAsync(OutgoingSms sms, CancellationToken cancellationToken);
}
