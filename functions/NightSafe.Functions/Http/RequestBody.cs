using System.Net.Http.Headers;
using Microsoft.Azure.Functions.Worker.Http;

namespace NightSafe.Functions.Http;

/// <summary>
/// Reading request bodies within a bound, and checking their media type before reading. The host's own limit
/// (FUNCTIONS_REQUEST_BODY_SIZE_LIMIT, set in the Bicep and the dev host) stops a huge body before the worker
/// buffers it; this one stops a body larger than any NightSafe accepts before it is parsed.
/// </summary>
public static class RequestBody
{
    /// <summary>Largest body any NightSafe endpoint reads: a referral or a Twilio form is a few kilobytes.</summary>
    public const int MaxBytes = 64 * 1024;

    public const string Json = "application/json";
    public const string Form = "application/x-www-form-urlencoded";

    /// <summary>
    /// True when the request's Content-Type is <paramref name="mediaType"/> (parameters allowed; a charset, when
    /// given, must be UTF-8). A missing or other type is refused: 415.
    /// </summary>
    public static bool Is(HttpRequestData request, string mediaType)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!request.Headers.TryGetValues("Content-Type", out var values) || values.FirstOrDefault() is not { } header
            || !MediaTypeHeaderValue.TryParse(header, out var parsed))
        {
            return false;
        }

        return string.Equals(parsed.MediaType, mediaType, StringComparison.OrdinalIgnoreCase)
            && (parsed.CharSet is null || string.Equals(parsed.CharSet.Trim('"'), "utf-8", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Reads at most <see cref="MaxBytes"/>; null when the body is larger.</summary>
    public static async Task<byte[]?> ReadAsync(Stream body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        var buffer = new byte[MaxBytes + 1];
        var total = 0;
        int read;
        while (total < buffer.Length && (read = await body.ReadAsync(buffer.AsMemory(total), cancellationToken)) > 0)
        {
            total += read;
        }

        return total > MaxBytes ? null : buffer.AsSpan(0, total).ToArray();
    }
}
