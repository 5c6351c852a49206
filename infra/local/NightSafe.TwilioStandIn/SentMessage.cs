namespace NightSafe.TwilioStandIn;

/// <summary>A message the stand-in accepted, as it stands at the moment of the snapshot.</summary>
public sealed record SentMessage
{
    public required string Sid { get; init; }

    public required string AccountSid { get; init; }

    public required string To { get; init; }

    /// <summary>The sender; null until sent when the message was created through a messaging service without From.</summary>
    public string? From { get; init; }

    public string? MessagingServiceSid { get; init; }

    public required string Body { get; init; }

    /// <summary>"outbound-api" for a message created through the API, "inbound" for one that arrived at the account's number, "outbound-reply" for one made from a webhook's TwiML answer.</summary>
    public string Direction { get; init; } = MessageDirection.OutboundApi;

    /// <summary>Twilio's status: queued, sent, delivered or undelivered (received for an inbound message).</summary>
    public required string Status { get; init; }

    public required int NumSegments { get; init; }

    public required int NumMedia { get; init; }

    public required SmsEncoding Encoding { get; init; }

    /// <summary>The StatusCallback URL exactly as the client sent it, or null.</summary>
    public string? StatusCallback { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public required DateTimeOffset UpdatedAt { get; init; }

    public DateTimeOffset? SentAt { get; init; }

    public int? ErrorCode { get; init; }

    public string? ErrorMessage { get; init; }

    /// <summary>Every status callback posted for this message, in order.</summary>
    public IReadOnlyList<StatusCallbackPost> Callbacks { get; init; } = [];

    /// <summary>
    /// True once the status is final and, when a StatusCallback was given, its final callback has been posted. An inbound
    /// message is final once received.
    /// </summary>
    public bool IsSettled =>
        Status is MessageStatus.Received
        || (Status is MessageStatus.Delivered or MessageStatus.Undelivered or MessageStatus.Failed
            && (StatusCallback is null || Callbacks.Any(c => c.Status == Status)));
}

/// <summary>One status callback post and how it went.</summary>
/// <param name="Status">The MessageStatus posted.</param>
/// <param name="StatusCode">The HTTP status the receiver answered, or null when no answer came after every attempt.</param>
/// <param name="Attempts">Connection attempts made (1 when the first one got an answer).</param>
/// <param name="Error">Why the last attempt failed when <paramref name="StatusCode"/> is null.</param>
/// <param name="PostedAt">When the post finished.</param>
public sealed record StatusCallbackPost(string Status, int? StatusCode, int Attempts, string? Error, DateTimeOffset PostedAt)
{
    public bool Succeeded => StatusCode is >= 200 and < 300;
}

/// <summary>A create the stand-in refused with a Twilio error (no message resource exists for it, as at Twilio).</summary>
public sealed record RefusedMessage(string? To, int Status, int Code, DateTimeOffset At);

/// <summary>Message statuses the stand-in uses, spelt as Twilio spells them.</summary>
public static class MessageDirection
{
    public const string OutboundApi = "outbound-api";
    public const string Inbound = "inbound";

    /// <summary>A message Twilio made from the TwiML a messaging webhook answered with.</summary>
    public const string OutboundReply = "outbound-reply";
}

public static class MessageStatus
{
    /// <summary>An inbound message, as Twilio holds it once it reached the webhook.</summary>
    public const string Received = "received";

    public const string Queued = "queued";
    public const string Sent = "sent";
    public const string Delivered = "delivered";
    public const string Undelivered = "undelivered";
    public const string Failed = "failed";
}
