using System.Net;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Http;
using Microsoft.Extensions.Logging;
using NightSafe.Core.Advice;
using NightSafe.Core.Nights;
using NightSafe.Core.References;
using NightSafe.Functions.Http;

namespace NightSafe.Functions.Advice;

/// <summary>Twilio's delivery reports (signature checked): an advice SMS's fate goes into its referral's trail.</summary>
public sealed partial class SmsStatus(AdviceDeliveryReports reports, TwilioWebhook webhook, ILogger<SmsStatus> logger)
{
    public const string Route = "sms/status";

    // Each field and the older name Twilio also sends it under.
    private static readonly string[] Sid = ["MessageSid", "SmsSid"];
    private static readonly string[] Status = ["MessageStatus", "SmsStatus"];

    [Function(nameof(SmsStatus))]
    public async Task<HttpResponseData> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Route)] HttpRequestData request,
        FunctionContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        var cancellationToken = context.CancellationToken;
        var read = await webhook.ReadAsync(request, Route, [Sid, Status], cancellationToken);
        if (read.Form is not { } form)
        {
            return read.Refusal!;
        }

        await RecordAsync(request.Url, TwilioWebhook.Value(form, Sid)!, TwilioWebhook.Value(form, Status)!, form.GetValueOrDefault("ErrorCode"), cancellationToken);
        return request.CreateResponse(HttpStatusCode.NoContent);
    }

    /// <summary>The callback's query names the referral (<c>?night=&amp;ref=</c>) when the SMS was its advice.</summary>
    private async Task RecordAsync(Uri url, string sid, string status, string? errorCode, CancellationToken cancellationToken)
    {
        var query = System.Web.HttpUtility.ParseQueryString(url.Query);
        if (NightId.TryParse(query["night"], out var night) && ReferenceCode.TryParse(query["ref"], out var reference))
        {
            await reports.RecordAsync(night, reference, new DeliveryReport(sid, status, string.IsNullOrEmpty(errorCode) ? null : errorCode), cancellationToken);
        }
        else
        {
            // Alerts and summaries to inspectors carry no referral; their reports are only logged.
            LogOther(sid, status);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "SMS {MessageSid} (no referral): {Status}")]
    private partial void LogOther(string messageSid, string status);
}
