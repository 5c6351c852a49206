using System.Net;
using System.Text.Json;
using NightSafe.Functions.Advice;
using NightSafe.Functions.Intake;
using NightSafe.Functions.Outcomes;
using NightSafe.Functions.Routing;
using NightSafe.Functions.Tests.Doubles;

namespace NightSafe.Functions.Tests.Hardening;

[Collection(LocalHubGroup.Name)]
public sealed class BadInputTests(LocalHub stack)
{
    private TestHttpRequestData Request(string method, string path, string? body, string? contentType) =>
        new(stack.Context(), method, new Uri("http://127.0.0.1:7071/api/" + path), body, contentType);

    private async Task<(string Night, string Reference)> RoutedAsync()
    {
        var (_, accepted) = await stack.Function<ReferralsApi>().SubmitAsync(Request("POST", "referrals", """{"town":"chelmsford","categories":["alone"],"location":"High St"}""", "application/json"), stack.Context()).ReadAsync();
        var created = JsonDocument.Parse(accepted).RootElement;
        var night = created.GetProperty("night").GetString()!;
        var reference = created.GetProperty("reference").GetString()!;
        await stack.Function<RouteReferral>().RunAsync($$"""{"night":"{{night}}","reference":"{{reference}}"}""", 1, stack.Context());
        return (night, reference);
    }

    [Theory]
    [InlineData("declined, attended")]
    [InlineData("accepted,closed")]
    [InlineData("1")]
    [InlineData(" closed")]
    public async Task An_outcome_is_read_by_its_exact_name_only(string outcome)
    {
        var (night, reference) = await RoutedAsync();
        var request = Request("POST", $"partners/street-pastors-chelmsford/cases/{night}/{reference}/outcome", JsonSerializer.Serialize(new { outcome }), "application/json");
        request.Headers.Add(PartnerApi.KeyHeader, stack.PartnerKeys["street-pastors-chelmsford"]);

        var (status, body) = await stack.Function<PartnerApi>().ReportAsync(request, "street-pastors-chelmsford", night, reference, stack.Context()).ReadAsync();

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("outcome", body, StringComparison.Ordinal);
        Assert.DoesNotContain(stack.Events(night, reference), e => e.GetString("Kind") == "outcome");
    }

    [Theory]
    [InlineData("60777")]
    [InlineData("NightSafe")]
    public async Task Stop_or_start_from_a_short_code_or_an_alphanumeric_sender_is_a_quiet_200(string from)
    {
        foreach (var word in new[] { "STOP", "START" })
        {
            var (status, body) = await stack.Function<SmsInbound>().RunAsync(WebhookRequests.InboundSms(stack, from, word), stack.Context()).ReadAsync();

            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Contains("<Response>", body, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/xml")]
    [InlineData(null)]
    public async Task A_json_endpoint_answers_415_to_another_content_type(string? contentType)
    {
        var before = stack.Referrals().Count;

        var (status, _) = await stack.Function<ReferralsApi>().SubmitAsync(Request("POST", "referrals", """{"town":"chelmsford","categories":["alone"]}""", contentType), stack.Context()).ReadAsync();
        var (night, reference) = await RoutedAsync();
        var outcome = Request("POST", $"partners/street-pastors-chelmsford/cases/{night}/{reference}/outcome", """{"outcome":"accepted"}""", contentType);
        outcome.Headers.Add(PartnerApi.KeyHeader, stack.PartnerKeys["street-pastors-chelmsford"]);
        var (outcomeStatus, _) = await stack.Function<PartnerApi>().ReportAsync(outcome, "street-pastors-chelmsford", night, reference, stack.Context()).ReadAsync();

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, status);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, outcomeStatus);
        Assert.Equal(before + 1, stack.Referrals().Count);
    }

    [Fact]
    public async Task A_json_content_type_with_a_charset_is_accepted()
    {
        var (status, _) = await stack.Function<ReferralsApi>().SubmitAsync(Request("POST", "referrals", """{"town":"chelmsford","categories":["alone"]}""", "application/json; charset=utf-8"), stack.Context()).ReadAsync();

        Assert.Equal(HttpStatusCode.Accepted, status);
    }

    [Theory]
    [InlineData("application/json")]
    [InlineData("text/plain")]
    public async Task A_webhook_answers_415_to_anything_but_a_form(string contentType)
    {
        var signed = WebhookRequests.InboundSms(stack, "+447700900003", "HELP");
        signed.Headers.Remove("Content-Type");
        signed.Headers.Add("Content-Type", contentType);
        var status = WebhookRequests.Signed(stack, "sms/status", new Dictionary<string, string> { ["MessageSid"] = "SM" + Guid.NewGuid().ToString("N"), ["MessageStatus"] = "delivered" });
        status.Headers.Remove("Content-Type");
        status.Headers.Add("Content-Type", contentType);

        var (inboundStatus, _) = await stack.Function<SmsInbound>().RunAsync(signed, stack.Context()).ReadAsync();
        var (statusStatus, _) = await stack.Function<SmsStatus>().RunAsync(status, stack.Context()).ReadAsync();

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, inboundStatus);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, statusStatus);
    }
}

[Collection(LocalHubGroup.Name)]
public sealed class RepeatedFieldTests(LocalHub stack)
{
    private TestHttpRequestData Raw(IReadOnlyList<KeyValuePair<string, string>> fields, IEnumerable<KeyValuePair<string, string>> signedOver)
    {
        var body = string.Join('&', fields.Select(f => WebUtility.UrlEncode(f.Key) + "=" + WebUtility.UrlEncode(f.Value)));
        var request = new TestHttpRequestData(stack.Context(), "POST", new Uri("http://127.0.0.1:7071/api/sms/inbound"), body, "application/x-www-form-urlencoded");
        request.Headers.Add("X-Twilio-Signature", NightSafe.TwilioStandIn.TwilioSignature.Compute(LocalHub.PublicBaseUrl + "api/sms/inbound", signedOver, stack.Twilio.AuthToken));
        return request;
    }

    private List<KeyValuePair<string, string>> Form() =>
        [.. NightSafe.TwilioStandIn.InboundSms.Form(stack.Twilio.AccountSid, "+447700900003", "+447700900000", "HELP", "SM" + Guid.NewGuid().ToString("N")),
            KeyValuePair.Create("MediaUrl", "https://api.twilio.com/b"),
            KeyValuePair.Create("MediaUrl", "https://api.twilio.com/a")];

    [Fact]
    public async Task A_request_signed_over_every_value_of_a_repeated_field_is_accepted()
    {
        var form = Form();

        var (status, _) = await stack.Function<SmsInbound>().RunAsync(Raw(form, form), stack.Context()).ReadAsync();

        Assert.Equal(HttpStatusCode.OK, status);
    }

    [Fact]
    public async Task A_request_signed_over_the_first_value_only_is_refused()
    {
        var form = Form();
        var firstOnly = form.GroupBy(f => f.Key).Select(g => g.First()).ToList();

        var (status, _) = await stack.Function<SmsInbound>().RunAsync(Raw(form, firstOnly), stack.Context()).ReadAsync();

        Assert.Equal(HttpStatusCode.Forbidden, status);
    }
}
