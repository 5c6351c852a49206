using System.Net;
using System.Text;

namespace NightSafe.Functions.Http;

/// <summary>An application/x-www-form-urlencoded body, decoded properly ("+" is a space, %XX is UTF-8).</summary>
public static class FormBody
{
    /// <summary>Largest form we read: Twilio's webhooks are a few kilobytes; anything far larger is not Twilio.</summary>
    public const int MaxBytes = 64 * 1024;

    public static IReadOnlyDictionary<string, string> Parse(string body)
    {
        ArgumentNullException.ThrowIfNull(body);
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in body.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            var name = WebUtility.UrlDecode(equals < 0 ? pair : pair[..equals]);
            var value = equals < 0 ? string.Empty : WebUtility.UrlDecode(pair[(equals + 1)..]);
            // Twilio sends each field once; if a name repeats, the first value counts (as Twilio's validator reads it).
            fields.TryAdd(name, value);
        }

        return fields;
    }

    /// <summary>Reads at most <see cref="MaxBytes"/>; null when the body is larger.</summary>
    public static async Task<string?> ReadAsync(Stream body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        var buffer = new byte[MaxBytes + 1];
        var total = 0;
        int read;
        while (total < buffer.Length && (read = await body.ReadAsync(buffer.AsMemory(total), cancellationToken)) > 0)
        {
            total += read;
        }

        return total > MaxBytes ? null : Encoding.UTF8.GetString(buffer, 0, total);
    }
}
