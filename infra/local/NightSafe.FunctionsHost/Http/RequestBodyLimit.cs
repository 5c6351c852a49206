using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace NightSafe.FunctionsHost.Http;

/// <summary>
/// The host's limit on request bodies, as the Azure Functions host applies it: app setting
/// <c>FUNCTIONS_REQUEST_BODY_SIZE_LIMIT</c> in bytes, 104857600 (100 MB) when unset. A body declared larger is refused
/// with 413 before any of it is read; a chunked body is cut off with 413 once it passes the limit. Either way the
/// worker is never invoked, so it never buffers what the host would not accept.
/// </summary>
internal static class RequestBodyLimit
{
    public const string Setting = "FUNCTIONS_REQUEST_BODY_SIZE_LIMIT";

    /// <summary>The Functions host's default.</summary>
    public const long Default = 100L * 1024 * 1024;

    public static long From(AppSettings settings)
    {
        var text = settings[Setting];
        if (string.IsNullOrWhiteSpace(text))
        {
            return Default;
        }

        return long.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var limit) && limit > 0
            ? limit
            : throw new InvalidOperationException($"{Setting} must be a positive whole number of bytes, not '{text}'.");
    }

    /// <summary>Sets the request's limit; false (413 answered) when its Content-Length is already over it.</summary>
    public static bool Apply(HttpContext context, long limit)
    {
        if (context.Request.ContentLength > limit)
        {
            context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
            return false;
        }

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
        {
            feature.MaxRequestBodySize = limit;
        }

        return true;
    }
}
