using System.Collections.Frozen;
using Microsoft.Extensions.Logging;

namespace NightSafe.TwilioStandIn;

/// <summary>How the Twilio stand-in listens, authenticates and behaves for particular numbers.</summary>
public sealed record TwilioStandInOptions
{
    /// <summary>Numbers with scripted behaviour unless told otherwise (all in Ofcom's drama range).</summary>
    public static readonly IReadOnlyDictionary<string, NumberBehaviour> DefaultNumbers = new Dictionary<string, NumberBehaviour>(StringComparer.Ordinal)
    {
        ["+447700900997"] = NumberBehaviour.InvalidNumber,
        ["+447700900998"] = NumberBehaviour.Unsubscribed,
        ["+447700900999"] = NumberBehaviour.RateLimited(times: 2),
        ["+447700900996"] = NumberBehaviour.Undelivered(errorCode: 30003),
        ["+447700900995"] = NumberBehaviour.AcceptedThenServerError,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>Port on 127.0.0.1; 0 picks a free one (read it back from <see cref="TwilioStandInServer.BaseUrl"/>).</summary>
    public int Port { get; init; }

    /// <summary>The account SID clients authenticate as; <c>AC</c> + 32 hex is generated when null.</summary>
    public string? AccountSid { get; init; }

    /// <summary>The auth token for basic auth and for signing callbacks; generated when null.</summary>
    public string? AuthToken { get; init; }

    /// <summary>Where the stand-in logs; nothing is logged when null.</summary>
    public ILoggerFactory? LoggerFactory { get; init; }

    /// <summary>Clock for message dates.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Behaviour per recipient number (E.164, exact match). Numbers not listed are accepted and delivered.</summary>
    public IReadOnlyDictionary<string, NumberBehaviour> Numbers { get; init; } = DefaultNumbers;

    /// <summary>The sender assigned to messages created with a MessagingServiceSid and no From.</summary>
    public string MessagingServiceFrom { get; init; } = "+447700900000";

    /// <summary>Wait before each status step (queued → sent → delivered); zero moves on at once.</summary>
    public TimeSpan StatusStepDelay { get; init; } = TimeSpan.Zero;

    /// <summary>Attempts per status callback when the connection fails (refused, reset, timed out).</summary>
    public int CallbackAttempts { get; init; } = 3;

    /// <summary>Wait after a failed callback attempt, doubled on each retry.</summary>
    public TimeSpan CallbackRetryDelay { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>How long one callback POST may take, as Twilio allows a webhook 15 seconds.</summary>
    public TimeSpan CallbackTimeout { get; init; } = TimeSpan.FromSeconds(15);
}

/// <summary>A Twilio REST error: HTTP status, Twilio error code and message.</summary>
public sealed record TwilioError(int Status, int Code, string Message)
{
    /// <summary>Twilio's documentation page for <see cref="Code"/>.</summary>
    public string MoreInfo => $"https://www.twilio.com/docs/errors/{Code}";
}

/// <summary>What the stand-in does when asked to message a number.</summary>
public sealed record NumberBehaviour
{
    /// <summary>The error answered to a create, or null to accept it.</summary>
    public TwilioError? Rejection { get; init; }

    /// <summary>How many creates get <see cref="Rejection"/> before they are accepted; null refuses every time.</summary>
    public int? RejectTimes { get; init; }

    /// <summary>
    /// When set, the message is accepted (recorded, delivered, listed) but the create is answered with this error: a
    /// Twilio that took the message and then failed to say so, as after a 500 or a lost answer.
    /// </summary>
    public TwilioError? AnswerAfterAccepting { get; init; }

    /// <summary>When set, an accepted message ends <c>undelivered</c> with this error code instead of <c>delivered</c>.</summary>
    public int? DeliveryErrorCode { get; init; }

    /// <summary>400, code 21211: the To number is not a valid phone number.</summary>
    public static NumberBehaviour InvalidNumber { get; } = new()
    {
        Rejection = new TwilioError(400, 21211, "Invalid 'To' Phone Number"),
    };

    /// <summary>400, code 21610: the recipient replied STOP.</summary>
    public static NumberBehaviour Unsubscribed { get; } = new()
    {
        Rejection = new TwilioError(400, 21610, "Attempt to send to unsubscribed recipient"),
    };

    /// <summary>429, code 20429 for the first <paramref name="times"/> creates, then accepted.</summary>
    public static NumberBehaviour RateLimited(int times) => new()
    {
        Rejection = new TwilioError(429, 20429, "Too Many Requests"),
        RejectTimes = times,
    };

    /// <summary>Accepted and delivered, but every create is answered 500 (code 20500): the sender cannot know it went.</summary>
    public static NumberBehaviour AcceptedThenServerError { get; } = new()
    {
        AnswerAfterAccepting = new TwilioError(500, 20500, "Internal Server Error"),
    };

    /// <summary>Accepted, then ends <c>undelivered</c> with <paramref name="errorCode"/> (30003: unreachable handset).</summary>
    public static NumberBehaviour Undelivered(int errorCode) => new() { DeliveryErrorCode = errorCode };
}
