using System.Security.Cryptography;
using System.Text;

namespace NightSafe.TwilioStandIn;

/// <summary>
/// The <c>X-Twilio-Signature</c> Twilio puts on every webhook: HMAC-SHA1, keyed with the account's auth token, over the
/// full URL followed by each POST parameter's name and value in ordinal order of name, then base64.
/// </summary>
public static class TwilioSignature
{
    /// <summary>The header Twilio sends the signature in.</summary>
    public const string HeaderName = "X-Twilio-Signature";

    /// <summary>Computes the signature Twilio would send when posting <paramref name="formFields"/> to <paramref name="url"/>.</summary>
    public static string Compute(string url, IEnumerable<KeyValuePair<string, string>> formFields, string authToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(url);
        ArgumentNullException.ThrowIfNull(formFields);
        ArgumentException.ThrowIfNullOrEmpty(authToken);

        var data = new StringBuilder(url);
        // A name repeated in the form contributes each of its values, in value order, as Twilio's own libraries do.
        foreach (var field in formFields.OrderBy(f => f.Key, StringComparer.Ordinal).ThenBy(f => f.Value, StringComparer.Ordinal))
        {
            data.Append(field.Key).Append(field.Value);
        }

#pragma warning disable CA5350 // HMAC-SHA1 is what Twilio signs webhooks with; the stand-in must sign the same way.
        var mac = HMACSHA1.HashData(Encoding.UTF8.GetBytes(authToken), Encoding.UTF8.GetBytes(data.ToString()));
#pragma warning restore CA5350
        return Convert.ToBase64String(mac);
    }

    /// <summary>True when <paramref name="signature"/> is what Twilio would send for this URL and form (constant-time compare).</summary>
    public static bool Matches(string url, IEnumerable<KeyValuePair<string, string>> formFields, string authToken, string? signature)
    {
        if (string.IsNullOrEmpty(signature))
        {
            return false;
        }

        var expected = Encoding.ASCII.GetBytes(Compute(url, formFields, authToken));
        return CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(signature));
    }

    /// <summary>
    /// A signed form POST as Twilio sends webhooks: urlencoded body, <c>X-Twilio-Signature</c>, Twilio's user agent and
    /// an idempotency token. The caller sends (and disposes) it.
    /// </summary>
    public static HttpRequestMessage SignedPost(Uri url, IEnumerable<KeyValuePair<string, string>> formFields, string authToken)
    {
        ArgumentNullException.ThrowIfNull(url);
        var fields = formFields.ToList();
        var request = new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = new FormUrlEncodedContent(fields),
        };
        request.Headers.TryAddWithoutValidation(HeaderName, Compute(url.OriginalString, fields, authToken));
        request.Headers.TryAddWithoutValidation("User-Agent", "TwilioProxy/1.1");
        request.Headers.TryAddWithoutValidation("I-Twilio-Idempotency-Token", Guid.NewGuid().ToString());
        return request;
    }
}
