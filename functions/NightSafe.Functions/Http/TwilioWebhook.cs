using Microsoft.Azure.Functions.Worker.Http;
using Microsoft.Extensions.Logging;
using NightSafe.Core;
using NightSafe.Integrations.Twilio;

namespace NightSafe.Functions.Http;

/// <summary>
/// Reads a Twilio webhook's form and checks X-Twilio-Signature against the public URL Twilio called (the worker may
/// see another host), with the query as sent and every form field. A request that fails is logged and gets no form.
/// </summary>
public sealed partial class TwilioWebhook(TwilioWebhookValidator validator, HubSettings settings, ILogger<TwilioWebhook> logger)
{
    /// <summary>The form fields, or null when the body is too large or the signature does not match (answer 403).</summary>
    public async Task<IReadOnlyDictionary<string, string>?> ReadSignedAsync(HttpRequestData request, string route, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var body = await FormBody.ReadAsync(request.Body, cancellationToken);
        if (body is not null)
        {
            var form = FormBody.Parse(body);
            var publicUrl = new Uri(settings.PublicBaseUrl, "api/" + route + request.Url.Query);
            var signature = request.Headers.TryGetValues("X-Twilio-Signature", out var values) ? values.FirstOrDefault() : null;
            if (validator.Validate(publicUrl, form, signature))
            {
                return form;
            }
        }

        LogRefused(route);
        return null;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Twilio webhook {Route} refused: X-Twilio-Signature missing or invalid, or the body too large")]
    private partial void LogRefused(string route);
}
