using System.Globalization;

namespace NightSafe.TwilioStandIn;

/// <summary>The form Twilio posts to a number's messaging webhook when an SMS arrives.</summary>
public static class InboundSms
{
    /// <summary>The API version Twilio reports on messaging webhooks.</summary>
    public const string ApiVersion = "2010-04-01";

    // Enough of the E.164 country codes for the numbers a UK service meets; longest prefix wins.
    private static readonly (string Prefix, string Country)[] CountryCodes =
    [
        ("+353", "IE"), ("+44", "GB"), ("+33", "FR"), ("+34", "ES"), ("+49", "DE"), ("+31", "NL"), ("+32", "BE"),
        ("+39", "IT"), ("+48", "PL"), ("+351", "PT"), ("+61", "AU"), ("+91", "IN"), ("+1", "US"),
    ];

    /// <summary>
    /// The fields Twilio sends for an inbound SMS from <paramref name="from"/> to <paramref name="to"/> (your Twilio number).
    /// A new <c>SM…</c> SID is made when <paramref name="messageSid"/> is null; pass the same SID to imitate a webhook retry.
    /// </summary>
    public static IReadOnlyDictionary<string, string> Form(string accountSid, string from, string to, string body, string? messageSid = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(accountSid);
        ArgumentException.ThrowIfNullOrEmpty(from);
        ArgumentException.ThrowIfNullOrEmpty(to);
        ArgumentNullException.ThrowIfNull(body);

        var sid = messageSid ?? TwilioSid.New("SM");
        return new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["ToCountry"] = CountryOf(to),
            ["ToState"] = string.Empty,
            ["SmsMessageSid"] = sid,
            ["NumMedia"] = "0",
            ["ToCity"] = string.Empty,
            ["FromZip"] = string.Empty,
            ["SmsSid"] = sid,
            ["FromState"] = string.Empty,
            ["SmsStatus"] = "received",
            ["FromCity"] = string.Empty,
            ["Body"] = body,
            ["FromCountry"] = CountryOf(from),
            ["To"] = to,
            ["ToZip"] = string.Empty,
            ["NumSegments"] = SmsSegments.Count(body).ToString(CultureInfo.InvariantCulture),
            ["MessageSid"] = sid,
            ["AccountSid"] = accountSid,
            ["From"] = from,
            ["ApiVersion"] = ApiVersion,
        };
    }

    /// <summary>ISO country Twilio reports for an E.164 number, or empty when unknown.</summary>
    public static string CountryOf(string e164)
    {
        ArgumentNullException.ThrowIfNull(e164);
        var best = string.Empty;
        var bestLength = 0;
        foreach (var (prefix, country) in CountryCodes)
        {
            if (prefix.Length > bestLength && e164.StartsWith(prefix, StringComparison.Ordinal))
            {
                best = country;
                bestLength = prefix.Length;
            }
        }

        return best;
    }
}
