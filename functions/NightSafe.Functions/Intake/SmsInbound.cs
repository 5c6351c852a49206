using System.Net;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Http;
using Microsoft.Extensions.Logging;
using NightSafe.Core;
using NightSafe.Core.Intake;
using NightSafe.Functions.Http;
using NightSafe.Integrations.Twilio;

namespace NightSafe.Functions.Intake;

/// <summary>Twilio's inbound SMS webhook: officers' referrals and commands, opt-outs, everyone else a neutral reply.</summary>
public sealed partial class SmsInbound(OfficerConversation conversation, TwilioWebhookValidator validator, HubSettings settings, ILogger<SmsInbound> logger)
{
    public const string Route = "sms/inbound";

    [Function(nameof(SmsInbound))]
    public async Task<HttpResponseData> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Route)] HttpRequestData request,
        FunctionContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        var cancellationToken = context.CancellationToken;
        var form = await TwilioForm.ReadSignedAsync(request, validator, settings, Route, cancellationToken);
        if (form is null)
        {
            LogForged();
            return request.CreateResponse(HttpStatusCode.Forbidden);
        }

        if (!form.TryGetValue("MessageSid", out var sid) || string.IsNullOrEmpty(sid) || !form.TryGetValue("From", out var from) || string.IsNullOrEmpty(from))
        {
            return await Responses.ProblemAsync(request, HttpStatusCode.BadRequest, "MessageSid and From are required.", cancellationToken: cancellationToken);
        }

        using var activity = Trace.Start("sms inbound", context.TraceContext?.TraceParent, System.Diagnostics.ActivityKind.Server);
        var reply = await conversation.ReplyToAsync(
            new InboundSms(sid, from, form.GetValueOrDefault("Body") ?? string.Empty),
            Trace.Current(context.TraceContext?.TraceParent),
            cancellationToken);
        return await Responses.TwimlAsync(request, reply, cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Inbound SMS webhook refused: X-Twilio-Signature missing or invalid")]
    private partial void LogForged();
}

/// <summary>Reads a Twilio webhook's form and checks its signature against the public URL Twilio called.</summary>
public static class TwilioForm
{
    /// <summary>The form fields, or null when the body is too large or the signature does not match.</summary>
    public static async Task<IReadOnlyDictionary<string, string>?> ReadSignedAsync(
        HttpRequestData request,
        TwilioWebhookValidator validator,
        HubSettings settings,
        string route,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(validator);
        ArgumentNullException.ThrowIfNull(settings);
        var body = await FormBody.ReadAsync(request.Body, cancellationToken);
        if (body is null)
        {
            return null;
        }

        var form = FormBody.Parse(body);
        // Twilio signs the URL it called: the public one (the worker may see another host), with the query as sent.
        var publicUrl = new Uri(settings.PublicBaseUrl, "api/" + route + request.Url.Query);
        var signature = request.Headers.TryGetValues("X-Twilio-Signature", out var values) ? values.FirstOrDefault() : null;
        return validator.Validate(publicUrl, form, signature) ? form : null;
    }
}
