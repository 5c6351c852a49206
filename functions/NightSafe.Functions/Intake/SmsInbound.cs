using System.Net;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Http;
using NightSafe.Core.Intake;
using NightSafe.Functions.Http;

namespace NightSafe.Functions.Intake;

/// <summary>Twilio's inbound SMS webhook: officers' referrals and commands, opt-outs, everyone else a neutral reply.</summary>
public sealed class SmsInbound(OfficerConversation conversation, TwilioWebhook webhook)
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
        var read = await webhook.ReadSignedAsync(request, Route, cancellationToken);
        if (read.Form is not { } form)
        {
            return request.CreateResponse(read.Refusal);
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
}
