using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;

namespace NightSafe.ServiceBusEmulator.Protocol;

/// <summary>Checks Service Bus SAS tokens: <c>SharedAccessSignature sr=…&amp;sig=…&amp;se=…&amp;skn=…</c>.</summary>
internal static class SharedAccessSignature
{
    private const string Prefix = "SharedAccessSignature ";

    /// <summary>The token's resource path (lower case) and expiry when it is valid for the key; otherwise null and why.</summary>
    public static (string? Resource, DateTimeOffset Expires, string? Problem) Validate(string? token, string keyName, string key, DateTimeOffset now)
    {
        if (token is null || !token.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return (null, default, "not a shared access signature");
        }

        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in token[Prefix.Length..].Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0)
            {
                fields[pair[..equals]] = pair[(equals + 1)..];
            }
        }

        if (!fields.TryGetValue("sr", out var resource) || !fields.TryGetValue("sig", out var signature)
            || !fields.TryGetValue("se", out var expiry) || !fields.TryGetValue("skn", out var name))
        {
            return (null, default, "the token lacks sr, sig, se or skn");
        }

        if (!string.Equals(WebUtility.UrlDecode(name), keyName, StringComparison.Ordinal))
        {
            return (null, default, "unknown key name");
        }

        if (!long.TryParse(WebUtility.UrlDecode(expiry), NumberStyles.None, CultureInfo.InvariantCulture, out var expirySeconds))
        {
            return (null, default, "invalid expiry");
        }

        var expires = DateTimeOffset.FromUnixTimeSeconds(expirySeconds);
        if (expires <= now)
        {
            return (null, default, "the token has expired");
        }

        // The signature covers the resource exactly as it appears (URL-encoded) in the token.
        var expected = HMACSHA256.HashData(Encoding.UTF8.GetBytes(key), Encoding.UTF8.GetBytes(resource + "\n" + WebUtility.UrlDecode(expiry)));
        byte[] actual;
        try
        {
            actual = Convert.FromBase64String(WebUtility.UrlDecode(signature));
        }
        catch (FormatException)
        {
            return (null, default, "the signature is not base64");
        }

        if (!CryptographicOperations.FixedTimeEquals(expected, actual))
        {
            return (null, default, "the signature does not match the key");
        }

        return (EntityAddress.PathOf(WebUtility.UrlDecode(resource)), expires, null);
    }
}
