using System.Net;

namespace NightSafe.Functions.Http;

/// <summary>An application/x-www-form-urlencoded body, decoded properly ("+" is a space, %XX is UTF-8).</summary>
public static class FormBody
{
    /// <summary>
    /// Every field in the order sent, a repeated name once per value: Twilio signs each value of a repeated name, so
    /// the signature is checked over all of them.
    /// </summary>
    public static IReadOnlyList<KeyValuePair<string, string>> Parse(string body)
    {
        ArgumentNullException.ThrowIfNull(body);
        var fields = new List<KeyValuePair<string, string>>();
        foreach (var pair in body.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            var name = WebUtility.UrlDecode(equals < 0 ? pair : pair[..equals]);
            var value = equals < 0 ? string.Empty : WebUtility.UrlDecode(pair[(equals + 1)..]);
            fields.Add(KeyValuePair.Create(name, value));
        }

        return fields;
    }

    /// <summary>Reads at most <see cref="RequestBody.MaxBytes"/> as UTF-8; null when the body is larger.</summary>
    public static async Task<string?> ReadAsync(Stream body, CancellationToken cancellationToken) =>
        await RequestBody.ReadAsync(body, cancellationToken) is { } bytes ? System.Text.Encoding.UTF8.GetString(bytes) : null;

    /// <summary>The fields a handler reads: the first value of each name.</summary>
    public static IReadOnlyDictionary<string, string> FirstValues(IEnumerable<KeyValuePair<string, string>> fields)
    {
        ArgumentNullException.ThrowIfNull(fields);
        var first = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in fields)
        {
            first.TryAdd(name, value);
        }

        return first;
    }
}
