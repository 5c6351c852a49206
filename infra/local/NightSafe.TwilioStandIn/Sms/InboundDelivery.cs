namespace NightSafe.TwilioStandIn;

/// <summary>
/// One inbound SMS as the stand-in handed it to the app's messaging webhook: the inbound message it holds, the webhook's
/// HTTP status and answer, and the reply messages it made from the answer's TwiML (none unless the answer was a 2xx).
/// </summary>
public sealed record InboundDelivery(SentMessage Inbound, int StatusCode, string Answer, IReadOnlyList<SentMessage> Replies)
{
    public bool Succeeded => StatusCode is >= 200 and < 300;

    /// <summary>The first reply's body, as the texter's phone shows it; null when the answer sent nothing.</summary>
    public string? Reply => Replies.Count > 0 ? Replies[0].Body : null;
}

/// <summary>What a messaging webhook answered: its HTTP status and body.</summary>
public sealed record WebhookAnswer(int StatusCode, string Body);
