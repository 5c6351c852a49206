using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Http;
using NightSafe.Core.Intake;
using NightSafe.Functions.Http;

namespace NightSafe.Functions.Intake;

/// <summary>Twilio's inbound SMS webhook: officers' referrals and commands, opt-outs, everyone else a neutral reply.</summary>
public sealed class SmsInbound(OfficerConversation conversation, TwilioWebhook webhook)
{
    public const string Route = "sms/inbound";

    private static readonly string[][] Required = [["MessageSid"], ["From"]];

    [Function(nameof(SmsInbound))]
    public async Task<HttpResponseData> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Route)] HttpRequestData request,
        FunctionContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        var cancellationToken = context.CancellationToken;
        var read = await webhook.ReadAsync(request, Route, Required, cancellationToken);
        if (read.Form is not { } form)
        {
            return read.Refusal!;
        }

        using var activity = Trace.Start("sms inbound", context.TraceContext?.TraceParent, System.Diagnostics.ActivityKind.Server);
        var reply = await conversation.ReplyToAsync(
            new InboundSms(form["MessageSid"], form["From"], form.GetValueOrDefault("Body") ?? string.Empty),
            Trace.Current(context.TraceContext?.TraceParent),
            cancellationToken);
        return await Responses.TwimlAsync(request, reply, cancellationToken);
    }
}
