using System.Net;
using System.Text;
using Microsoft.Azure.Functions.Worker.Http;
using Microsoft.Extensions.Logging;
using NightSafe.Core;
using NightSafe.Integrations.Twilio;

namespace NightSafe.Functions.Http;

/// <summary>A webhook's form, or the status refusing it (415 not a form, 403 too large or not signed by Twilio).</summary>
public sealed record WebhookRead(IReadOnlyDictionary<string, string>? Form, HttpStatusCode Refusal);

/// <summary>
/// Reads a Twilio webhook's form and checks X-Twilio-Signature against the public URL Twilio called (the worker may
/// see another host), with the query as sent and every value of every form field. A request that fails is logged and
/// gets no form.
/// </summary>
public sealed partial class TwilioWebhook(TwilioWebhookValidator validator, HubSettings settings, ILogger<TwilioWebhook> logger)
{
    public async Task<WebhookRead> ReadSignedAsync(HttpRequestData request, string route, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!RequestBody.Is(request, RequestBody.Form))
        {
            LogWrongType(route);
            return new WebhookRead(null, HttpStatusCode.UnsupportedMediaType);
        }

        var body = await RequestBody.ReadAsync(request.Body, cancellationToken);
        if (body is not null)
        {
            var fields = FormBody.Parse(Encoding.UTF8.GetString(body));
            var publicUrl = new Uri(settings.PublicBaseUrl, "api/" + route + request.Url.Query);
            var signature = request.Headers.TryGetValues("X-Twilio-Signature", out var values) ? values.FirstOrDefault() : null;
            if (validator.Validate(publicUrl, fields, signature))
            {
                return new WebhookRead(FormBody.FirstValues(fields), HttpStatusCode.OK);
            }
        }

        LogRefused(route);
        return new WebhookRead(null, HttpStatusCode.Forbidden);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Twilio webhook {Route} refused: X-Twilio-Signature missing or invalid, or the body too large")]
    private partial void LogRefused(string route);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Twilio webhook {Route} refused with 415: the body is not application/x-www-form-urlencoded")]
    private partial void LogWrongType(string route);
}
