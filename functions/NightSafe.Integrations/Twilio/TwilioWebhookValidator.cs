using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace NightSafe.Integrations.Twilio;

/// <summary>
/// Checks X-Twilio-Signature: base64 HMAC-SHA1, keyed with the auth token, over the URL Twilio called followed by every
/// form field's name and value, names in ordinal order and a repeated name once per value in value order (as Twilio's
/// own libraries sign it; the SDK's validator takes one value per name), compared in constant time. The URL must be
/// the public one Twilio called, which the worker does not always see.
/// </summary>
public sealed class TwilioWebhookValidator(IOptions<TwilioOptions> options)
{
    private readonly byte[] _key = Encoding.UTF8.GetBytes(options?.Value.AuthToken ?? throw new ArgumentNullException(nameof(options)));

    public bool Validate(Uri publicUrl, IEnumerable<KeyValuePair<string, string>> form, string? signature)
    {
        ArgumentNullException.ThrowIfNull(publicUrl);
        ArgumentNullException.ThrowIfNull(form);
        if (string.IsNullOrEmpty(signature) || !publicUrl.IsAbsoluteUri)
        {
            return false;
        }

        var data = new StringBuilder(publicUrl.OriginalString);
        foreach (var (name, value) in form.OrderBy(f => f.Key, StringComparer.Ordinal).ThenBy(f => f.Value, StringComparer.Ordinal))
        {
            data.Append(name).Append(value);
        }

#pragma warning disable CA5350 // HMAC-SHA1 is what Twilio signs webhooks with.
        var expected = HMACSHA1.HashData(_key, Encoding.UTF8.GetBytes(data.ToString()));
#pragma warning restore CA5350
        var presented = new byte[expected.Length];
        return Convert.TryFromBase64String(signature, presented, out var written)
            && written == expected.Length
            && CryptographicOperations.FixedTimeEquals(expected, presented);
    }
}
