using System.Net;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Http;
using Microsoft.Extensions.Logging;
using NightSafe.Core;
using NightSafe.Core.Advice;
using NightSafe.Core.Nights;
using NightSafe.Core.References;
using NightSafe.Functions.Http;
using NightSafe.Functions.Intake;
using NightSafe.Integrations.Twilio;

namespace NightSafe.Functions.Advice;

/// <summary>Twilio's delivery reports (signature checked): an advice SMS's fate goes into its referral's trail.</summary>
public sealed partial class SmsStatus(AdviceDeliveryReports reports, TwilioWebhookValidator validator, HubSettings settings, ILogger<SmsStatus> logger)
{
    public const string Route = "sms/status";

    [Function(nameof(SmsStatus))]
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

        var sid = form.GetValueOrDefault("MessageSid") ?? form.GetValueOrDefault("SmsSid");
        var status = form.GetValueOrDefault("MessageStatus") ?? form.GetValueOrDefault("SmsStatus");
        if (string.IsNullOrEmpty(sid) || string.IsNullOrEmpty(status))
        {
            return await Responses.ProblemAsync(request, HttpStatusCode.BadRequest, "MessageSid and MessageStatus are required.", cancellationToken: cancellationToken);
        }

        var query = System.Web.HttpUtility.ParseQueryString(request.Url.Query);
        if (NightId.TryParse(query["night"], out var night) && ReferenceCode.TryParse(query["ref"], out var reference))
        {
            var errorCode = form.GetValueOrDefault("ErrorCode");
            await reports.RecordAsync(night, reference, new DeliveryReport(sid, status, string.IsNullOrEmpty(errorCode) ? null : errorCode), cancellationToken);
        }
        else
        {
            // Alerts and summaries to inspectors carry no referral; their reports are only logged.
            LogOther(sid, status);
        }

        return request.CreateResponse(HttpStatusCode.NoContent);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "SMS status callback refused: X-Twilio-Signature missing or invalid")]
    private partial void LogForged();

    [LoggerMessage(Level = LogLevel.Information, Message = "SMS {MessageSid} (no referral): {Status}")]
    private partial void LogOther(string messageSid, string status);
}
