using System.Net;
using System.Text;
using Microsoft.Azure.Functions.Worker.Http;
using Microsoft.Extensions.Logging;
using NightSafe.Core;
using NightSafe.Integrations.Twilio;

namespace NightSafe.Functions.Http;

/// <summary>A webhook's form, or the status refusing it (415 not a form, 403 too large or not signed by Twilio).</summary>
public sealed record WebhookRead(IReadOnlyDictionary<string, string>? Form, HttpStatusCode Refusal);

/// <summary>A webhook's signed form holding every required field, or the answer refusing it.</summary>
public sealed record WebhookForm(IReadOnlyDictionary<string, string>? Form, HttpResponseData? Refusal);

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

    /// <summary>
    /// The signed form (<see cref="ReadSignedAsync"/>) when each of <paramref name="required"/> has a value: each entry
    /// names a field and the older names Twilio also sends it under (<see cref="Value"/>). Otherwise the answer: 415 or
    /// 403 as read, 400 naming the required fields.
    /// </summary>
    public async Task<WebhookForm> ReadAsync(HttpRequestData request, string route, IReadOnlyList<string[]> required, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(required);
        var read = await ReadSignedAsync(request, route, cancellationToken);
        if (read.Form is not { } form)
        {
            return new WebhookForm(null, request.CreateResponse(read.Refusal));
        }

        return required.All(names => !string.IsNullOrEmpty(Value(form, names)))
            ? new WebhookForm(form, null)
            : new WebhookForm(null, await Responses.ProblemAsync(request, HttpStatusCode.BadRequest, $"{string.Join(" and ", required.Select(names => names[0]))} are required.", cancellationToken: cancellationToken));
    }

    /// <summary>The value of the first of <paramref name="names"/> the form holds (a field, then its older names), or null.</summary>
    public static string? Value(IReadOnlyDictionary<string, string> form, params string[] names)
    {
        ArgumentNullException.ThrowIfNull(form);
        ArgumentNullException.ThrowIfNull(names);
        return names.Select(form.GetValueOrDefault).FirstOrDefault(value => value is not null);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Twilio webhook {Route} refused: X-Twilio-Signature missing or invalid, or the body too large")]
    private partial void LogRefused(string route);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Twilio webhook {Route} refused with 415: the body is not application/x-www-form-urlencoded")]
    private partial void LogWrongType(string route);
}
