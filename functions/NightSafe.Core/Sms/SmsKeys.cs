using NightSafe.Core.Nights;
using NightSafe.Core.References;

namespace NightSafe.Core.Sms;

/// <summary>What an outbound SMS's key says about the message (<see cref="Ports.OutboundSmsItem.Key"/>).</summary>
public static class SmsKeys
{
    /// <summary>
    /// The referral ("night/reference") a message belongs to, when its key names one: every referral's message key
    /// holds its <c>Referral.Key</c> (<c>advice/2026-12-18/7KQ2MX</c>, <c>case-alert/2026-12-18/7KQ2MX/agency/first</c>,
    /// <c>alert/manual-routing/2026-12-18/7KQ2MX</c>); a night's summary (<c>summary/2026-12-18</c>) belongs to none.
    /// </summary>
    public static string? ReferralOf(string? key)
    {
        if (string.IsNullOrEmpty(key))
        {
            return null;
        }

        var parts = key.Split('/');
        for (var i = 0; i + 1 < parts.Length; i++)
        {
            if (NightId.TryParse(parts[i], out var night) && ReferenceCode.TryParse(parts[i + 1], out var reference))
            {
                return $"{night}/{reference}";
            }
        }

        return null;
    }
}
