using Microsoft.Extensions.Options;

namespace NightSafe.Integrations.Twilio;

/// <summary>
/// Sends the Twilio SDK's requests to <see cref="TwilioOptions.ApiBaseUrl"/> when it is set (a local stand-in), so the
/// SDK stays the client everywhere. Any *.twilio.com host is rewritten, so no request can reach the real Twilio then.
/// </summary>
internal sealed class TwilioApiRedirect(IOptions<TwilioOptions> options) : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (options.Value.ApiBaseUrl is { } apiBase && request.RequestUri is { } uri && IsTwilio(uri))
        {
            request.RequestUri = Rebase(uri, apiBase);
        }

        return base.SendAsync(request, cancellationToken);
    }

    /// <summary>The same path and query under <paramref name="apiBase"/> (which may have a path of its own).</summary>
    public static Uri Rebase(Uri uri, Uri apiBase)
    {
        ArgumentNullException.ThrowIfNull(uri);
        ArgumentNullException.ThrowIfNull(apiBase);
        var basePath = apiBase.AbsolutePath.TrimEnd('/');
        return new Uri(apiBase.GetLeftPart(UriPartial.Authority) + basePath + uri.PathAndQuery);
    }

    private static bool IsTwilio(Uri uri) =>
        uri.Host.Equals("twilio.com", StringComparison.OrdinalIgnoreCase) || uri.Host.EndsWith(".twilio.com", StringComparison.OrdinalIgnoreCase);
}
