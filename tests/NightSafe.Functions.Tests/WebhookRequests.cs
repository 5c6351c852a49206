using System.Net;
using Microsoft.Azure.Functions.Worker.Http;
using NightSafe.Functions.Tests.Doubles;
using NightSafe.TwilioStandIn;

namespace NightSafe.Functions.Tests;

/// <summary>Builds webhook requests as Twilio sends them: a urlencoded form, signed over the public URL.</summary>
internal static class WebhookRequests
{
    /// <summary>The hub's own number, that officers and partners text.</summary>
    public const string HubNumber = "+447700900000";

    public static TestHttpRequestData Signed(LocalHub stack, string route, IReadOnlyDictionary<string, string> form, string? query = null, string? authToken = null)
    {
        var publicUrl = new Uri(LocalHub.PublicBaseUrl + "api/" + route + (query ?? string.Empty));
        var body = string.Join('&', form.Select(f => WebUtility.UrlEncode(f.Key) + "=" + WebUtility.UrlEncode(f.Value)));
        // The worker may see another host than Twilio called (a proxy, the dev host): only the public URL is signed.
        var seen = new Uri("http://127.0.0.1:7071/api/" + route + (query ?? string.Empty));
        var request = new TestHttpRequestData(stack.Context(), "POST", seen, body, "application/x-www-form-urlencoded");
        request.Headers.Add("X-Twilio-Signature", TwilioSignature.Compute(publicUrl.ToString(), form, authToken ?? stack.Twilio.AuthToken));
        return request;
    }

    public static TestHttpRequestData InboundSms(LocalHub stack, string from, string body, string? messageSid = null, string? authToken = null) =>
        Signed(stack, "sms/inbound", TwilioStandIn.InboundSms.Form(stack.Twilio.AccountSid, from, HubNumber, body, messageSid), authToken: authToken);

    /// <summary>The delivery report Twilio posts for <paramref name="message"/> at <paramref name="status"/>, to the callback routing gave an advice SMS.</summary>
    public static TestHttpRequestData DeliveryReport(LocalHub stack, SentMessage message, string status, string night, string reference) =>
        Signed(stack, "sms/status", StatusCallbacks.Form(message with { Status = status }).ToDictionary(), $"?night={night}&ref={reference}");

    public static async Task<(HttpStatusCode Status, string Body)> ReadAsync(this Task<HttpResponseData> response)
    {
        var r = (TestHttpResponseData)await response;
        return (r.StatusCode, r.Text());
    }
}
