using System.Globalization;

namespace NightSafe.Integrations.Twilio;

/// <summary>What Twilio's answers to a send mean for NightSafe: refused for good, or unavailable for now.</summary>
public static class TwilioErrors
{
    /// <summary>The recipient replied STOP to this sender: Twilio will not deliver to them.</summary>
    public const int Unsubscribed = 21610;

    /// <summary>Twilio refused the credentials: our configuration, not the message, is at fault.</summary>
    public const int AuthenticationFailed = 20003;

    /// <summary>
    /// Whether a failed send is refused for good: a 4xx answer other than 429 (too many requests) and 408 (timeout),
    /// except a refusal of our credentials (401 / 20003), which must not fail the message and is retried later instead.
    /// </summary>
    public static bool IsRefusal(int status, int code) =>
        status is >= 400 and < 500 and not 408 and not 429 and not 401 && code != AuthenticationFailed;

    /// <summary>
    /// Whether Twilio's answer says it did not create the message and the send may simply be repeated later: 429 (too
    /// many requests) or a refusal of our credentials. Anything else that is not a refusal (5xx, 408) is uncertain.
    /// </summary>
    public static bool DidNotAct(int status, int code) => status is 429 or 401 || code == AuthenticationFailed;

    /// <summary>The error code recorded for a refusal: Twilio's, or the HTTP status when Twilio gave none.</summary>
    public static string CodeFor(int status, int code) =>
        code != 0 ? code.ToString(CultureInfo.InvariantCulture) : string.Create(CultureInfo.InvariantCulture, $"http-{status}");

    /// <summary>A reason to record that never repeats Twilio's own text (which can quote the phone number).</summary>
    public static string Describe(int code) => code switch
    {
        21211 => "invalid 'To' number",
        21408 => "sending to this region is not enabled",
        21610 => "the recipient replied STOP to this sender",
        21612 => "Twilio cannot route to this number",
        21614 => "the 'To' number is not a mobile number",
        21606 or 21659 or 21660 => "the sender cannot send to this number",
        21617 => "the message body is too long",
        30003 => "the handset is unreachable",
        30005 => "unknown or inactive number",
        30006 => "landline or unreachable carrier",
        30007 => "blocked as spam by the carrier",
        _ => "refused by Twilio",
    };
}
