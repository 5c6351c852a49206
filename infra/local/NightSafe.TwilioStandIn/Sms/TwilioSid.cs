using System.Security.Cryptography;

namespace NightSafe.TwilioStandIn;

/// <summary>Twilio resource identifiers: a two-letter prefix and 32 lowercase hex digits.</summary>
public static class TwilioSid
{
    /// <summary>A new random SID with <paramref name="prefix"/> (SM for messages, AC for accounts, MG for messaging services).</summary>
    public static string New(string prefix)
    {
        ArgumentException.ThrowIfNullOrEmpty(prefix);
        return prefix + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
    }

    /// <summary>A random auth token shaped like Twilio's (32 lowercase hex digits).</summary>
    public static string NewAuthToken() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
}
