using System.Net.Http.Headers;
using System.Text;
using System.Web;
using NightSafe.Core.Ports;
using NightSafe.LocalStack;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace NightSafe.Integrations.Tests.Twilio;

public sealed class TwilioSmsSenderTests : IDisposable
{
    private static readonly OutgoingSms Advice = new(
        "+447700900123",
        "NightSafe: if you think your drink was spiked, stay with friends and call 111.",
        new Uri("https://nightsafe.example/api/sms/status?ref=7KQ2MX"));

    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromMinutes(1));

    private CancellationToken Ct => _timeout.Token;

    [Fact]
    public async Task The_SDK_posts_to_the_stand_in_the_form_Twilio_expects()
    {
        using var bed = new TwilioTestBed();
        Created(bed, "SM11111111111111111111111111111111");

        var result = await bed.Sender.SendAsync(Advice, Ct);

        Assert.Equal(new SmsSendResult.Accepted("SM11111111111111111111111111111111"), result);
        var request = Assert.Single(bed.Server.LogEntries).RequestMessage;
        Assert.Equal("POST", request.Method);
        Assert.Equal(TwilioTestBed.MessagePath, request.Path);
        var form = HttpUtility.ParseQueryString(request.Body!);
        Assert.Equal(Advice.To, form["To"]);
        Assert.Equal(TwilioTestBed.From, form["From"]);
        Assert.Equal(Advice.Body, form["Body"]);
        Assert.Equal(Advice.StatusCallback!.ToString(), form["StatusCallback"]);
        Assert.Null(form["MessagingServiceSid"]);
        var authorization = AuthenticationHeaderValue.Parse(request.Headers!["Authorization"].Single());
        Assert.Equal("Basic", authorization.Scheme);
        Assert.Equal($"{TwilioTestBed.AccountSid}:{TwilioTestBed.AuthToken}", Encoding.UTF8.GetString(Convert.FromBase64String(authorization.Parameter!)));
    }

    [Fact]
    public async Task A_messaging_service_sends_instead_of_a_from_number()
    {
        const string service = "MG0123456789abcdef0123456789abcdef";
        using var bed = new TwilioTestBed(messagingServiceSid: service);
        Created(bed, "SM22222222222222222222222222222222");

        await bed.Sender.SendAsync(Advice with { StatusCallback = null }, Ct);

        var form = HttpUtility.ParseQueryString(Assert.Single(bed.Server.LogEntries).RequestMessage.Body!);
        Assert.Equal(service, form["MessagingServiceSid"]);
        Assert.Null(form["From"]);
        Assert.Null(form["StatusCallback"]);
        Assert.Equal(Advice.To, form["To"]);
    }

    [Fact]
    public async Task The_stand_in_can_sit_under_a_path()
    {
        using var bed = new TwilioTestBed();
        bed.Server.Given(Request.Create().WithPath("/twilio" + TwilioTestBed.MessagePath).UsingPost())
            .RespondWith(Response.Create().WithStatusCode(201).WithHeader("Content-Type", "application/json").WithBody(TwilioTestBed.MessageJson("SM33333333333333333333333333333333")));
        using var underPath = new TwilioTestBed(apiBaseUrl: new Uri(bed.Server.Url + "/twilio/"));

        var result = await underPath.Sender.SendAsync(Advice, Ct);

        Assert.Equal(new SmsSendResult.Accepted("SM33333333333333333333333333333333"), result);
        Assert.Equal("/twilio" + TwilioTestBed.MessagePath, Assert.Single(bed.Server.LogEntries).RequestMessage.Path);
    }

    [Fact]
    public async Task Too_many_requests_is_retried_and_then_accepted()
    {
        using var bed = new TwilioTestBed();
        bed.Server.Given(Request.Create().WithPath(TwilioTestBed.MessagePath).UsingPost()).InScenario("busy").WillSetStateTo("free")
            .RespondWith(Response.Create().WithStatusCode(429).WithHeader("Retry-After", "1").WithHeader("Content-Type", "application/json")
                .WithBody(TwilioTestBed.ErrorJson(20429, 429, "Too Many Requests")));
        bed.Server.Given(Request.Create().WithPath(TwilioTestBed.MessagePath).UsingPost()).InScenario("busy").WhenStateIs("free")
            .RespondWith(Response.Create().WithStatusCode(201).WithHeader("Content-Type", "application/json").WithBody(TwilioTestBed.MessageJson("SM44444444444444444444444444444444")));

        var result = await bed.Sender.SendAsync(Advice, Ct);

        Assert.Equal(new SmsSendResult.Accepted("SM44444444444444444444444444444444"), result);
        Assert.Equal(2, bed.Requests);
        var bodies = bed.Server.LogEntries.Select(e => e.RequestMessage.Body).ToList();
        Assert.Equal(bodies[0], bodies[1]);
    }

    [Fact]
    public async Task An_attempt_that_times_out_is_posted_once_and_reported_uncertain()
    {
        using var bed = new TwilioTestBed(attemptTimeout: TimeSpan.FromSeconds(1));
        var slowFirst = new HeldResponse(TwilioTestBed.MessageJson("SM66666666666666666666666666666666"));
        bed.Server.Given(Request.Create().WithPath(TwilioTestBed.MessagePath).UsingPost()).RespondWith(Response.Create().WithCallback(slowFirst.AnswerAsync));

        try
        {
            // Twilio may have created the message: a second POST could text the person twice.
            await Assert.ThrowsAnyAsync<Exception>(() => bed.Sender.SendAsync(Advice, Ct));

            Assert.Equal(1, slowFirst.Requests);
        }
        finally
        {
            slowFirst.Release();
        }
    }

    [Theory]
    [InlineData(503, true)]
    [InlineData(500, true)]
    [InlineData(500, false)]
    [InlineData(502, false)]
    public async Task A_server_error_is_posted_once_and_reported_uncertain(int status, bool twilioBody)
    {
        using var bed = new TwilioTestBed(maxAttempts: 3);
        var response = Response.Create().WithStatusCode(status);
        bed.Server.Given(Request.Create().WithPath(TwilioTestBed.MessagePath).UsingPost())
            .RespondWith(twilioBody ? response.WithHeader("Content-Type", "application/json").WithBody(TwilioTestBed.ErrorJson(20500, status, "Internal Server Error")) : response);

        var error = await Assert.ThrowsAnyAsync<Exception>(() => bed.Sender.SendAsync(Advice, Ct));

        Assert.Equal(1, bed.Requests);
        Assert.IsType<SmsSendUncertainException>(error);
        Assert.Contains(status.ToString(System.Globalization.CultureInfo.InvariantCulture), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Too_many_requests_every_time_is_unavailable_after_every_attempt()
    {
        using var bed = new TwilioTestBed(maxAttempts: 3);
        Failed(bed, 429, 20429, "Too Many Requests");

        await Assert.ThrowsAsync<SmsUnavailableException>(() => bed.Sender.SendAsync(Advice, Ct));

        Assert.Equal(3, bed.Requests);
    }

    [Fact]
    public async Task A_reconcile_finds_a_message_with_the_same_body_sent_since_the_attempt()
    {
        using var bed = new TwilioTestBed();
        var since = new DateTimeOffset(2026, 12, 18, 23, 30, 0, TimeSpan.Zero);
        bed.Server.Given(Request.Create().WithPath(TwilioTestBed.MessagePath).UsingGet())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody($$"""
                {"messages":[
                  {"sid":"SMaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa","to":"{{Advice.To}}","body":"another text","direction":"outbound-api","date_created":"Fri, 18 Dec 2026 23:31:00 +0000"},
                  {"sid":"SMbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb","to":"{{Advice.To}}","body":"{{Advice.Body}}","direction":"outbound-api","date_created":"Fri, 18 Dec 2026 23:20:00 +0000"},
                  {"sid":"SMcccccccccccccccccccccccccccccccc","to":"{{Advice.To}}","body":"{{Advice.Body}}","direction":"outbound-api","date_created":"Fri, 18 Dec 2026 23:30:05 +0000"}
                ],"page":0,"page_size":50,"next_page_uri":null,"uri":"{{TwilioTestBed.MessagePath}}"}
                """));

        var found = await bed.Sender.FindSentAsync(Advice.To, Advice.Body, since, Ct);
        var none = await bed.Sender.FindSentAsync(Advice.To, "a text never sent", since, Ct);

        Assert.Equal("SMcccccccccccccccccccccccccccccccc", found);
        Assert.Null(none);
        var query = Uri.UnescapeDataString(bed.Server.LogEntries[0].RequestMessage.Url);
        Assert.Contains("To=" + Advice.To, query, StringComparison.Ordinal);
        Assert.Contains("DateSent>=2026-12-18T23:30:00", query, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_reconcile_reads_past_the_first_page_when_the_number_got_many_texts_since()
    {
        // A duty phone gets every alert of its agency: after an outage, far more than one page of them is newer than the
        // uncertain one. Reading only the first page missed it, and the alert went again.
        using var bed = new TwilioTestBed();
        var since = new DateTimeOffset(2026, 12, 18, 23, 30, 0, TimeSpan.Zero);
        FullFirstPage(bed, "23:40:00");
        bed.Server.Given(Request.Create().WithPath(TwilioTestBed.MessagePath).WithParam("Page", "1").UsingGet())
            .AtPriority(1)
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody($$"""
                {"messages":[
                  {"sid":"SMdddddddddddddddddddddddddddddddd","to":"{{Advice.To}}","body":"{{Advice.Body}}","direction":"outbound-api","date_created":"Fri, 18 Dec 2026 23:30:05 +0000","date_sent":"Fri, 18 Dec 2026 23:30:06 +0000"}
                ],"page":1,"page_size":50,"next_page_uri":null,"uri":"{{TwilioTestBed.MessagePath}}"}
                """));

        var found = await bed.Sender.FindSentAsync(Advice.To, Advice.Body, since, Ct);

        Assert.Equal("SMdddddddddddddddddddddddddddddddd", found);
    }

    [Fact]
    public async Task A_reconcile_stops_reading_once_past_the_attempt()
    {
        // Messages older than the attempt cannot be it: a number's whole history is not read page by page.
        using var bed = new TwilioTestBed();
        var since = new DateTimeOffset(2026, 12, 18, 23, 30, 0, TimeSpan.Zero);
        FullFirstPage(bed, "22:00:00");
        bed.Server.Given(Request.Create().WithPath(TwilioTestBed.MessagePath).WithUrl(new WireMock.Matchers.RegexMatcher("DateSent(%3E|>)", ignoreCase: true)).UsingGet())
            .AtPriority(1)
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody(
                $$"""{"messages":[],"page":0,"page_size":50,"next_page_uri":null,"uri":"{{TwilioTestBed.MessagePath}}"}"""));

        var found = await bed.Sender.FindSentAsync(Advice.To, Advice.Body, since, Ct);

        Assert.Null(found);
        Assert.DoesNotContain(bed.Server.LogEntries, e => e.RequestMessage.Url.Contains("Page=1", StringComparison.Ordinal));
    }

    /// <summary>A first page of 50 other texts to the same number, all created at <paramref name="at"/> that night, with a next page.</summary>
    private static void FullFirstPage(TwilioTestBed bed, string at)
    {
        var others = string.Join(",", Enumerable.Range(0, 50).Select(i =>
            $$"""{"sid":"SM{{i:D32}}","to":"{{Advice.To}}","body":"alert {{i}}","direction":"outbound-api","date_created":"Fri, 18 Dec 2026 {{at}} +0000","date_sent":"Fri, 18 Dec 2026 {{at}} +0000"}"""));
        var next = TwilioTestBed.MessagePath + "?To=" + Uri.EscapeDataString(Advice.To) + "&PageSize=50&Page=1&PageToken=PASM" + 49.ToString("D32", System.Globalization.CultureInfo.InvariantCulture);
        bed.Server.Given(Request.Create().WithPath(TwilioTestBed.MessagePath).UsingGet())
            .AtPriority(2)
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody(
                $$"""{"messages":[{{others}}],"page":0,"page_size":50,"next_page_uri":"{{next}}","uri":"{{TwilioTestBed.MessagePath}}"}"""));
    }

    [Fact]
    public async Task An_invalid_number_is_refused_without_a_retry()
    {
        using var bed = new TwilioTestBed();
        Failed(bed, 400, 21211, "The 'To' number +447700900123 is not a valid phone number.");

        var result = await bed.Sender.SendAsync(Advice, Ct);

        var refused = Assert.IsType<SmsSendResult.Refused>(result);
        Assert.Equal("21211", refused.ErrorCode);
        Assert.False(refused.RecipientOptedOut);
        Assert.DoesNotContain("900123", refused.Reason, StringComparison.Ordinal);
        Assert.Equal(1, bed.Requests);
    }

    [Fact]
    public async Task An_unsubscribed_recipient_is_refused_as_opted_out_without_a_retry()
    {
        using var bed = new TwilioTestBed();
        Failed(bed, 400, 21610, "Attempt to send to unsubscribed recipient");

        var result = await bed.Sender.SendAsync(Advice, Ct);

        Assert.Equal(new SmsSendResult.Refused("21610", "the recipient replied STOP to this sender", RecipientOptedOut: true), result);
        Assert.Equal(1, bed.Requests);
    }

    [Fact]
    public async Task A_refusal_without_a_Twilio_body_is_recorded_by_its_status()
    {
        using var bed = new TwilioTestBed();
        bed.Server.Given(Request.Create().WithPath(TwilioTestBed.MessagePath).UsingPost()).RespondWith(Response.Create().WithStatusCode(400));

        var refused = Assert.IsType<SmsSendResult.Refused>(await bed.Sender.SendAsync(Advice, Ct));

        Assert.Equal("http-400", refused.ErrorCode);
        Assert.Equal(1, bed.Requests);
    }

    [Fact]
    public async Task Refused_credentials_are_our_fault_so_the_send_is_unavailable_not_refused()
    {
        using var bed = new TwilioTestBed();
        Failed(bed, 401, 20003, "Authenticate");

        await Assert.ThrowsAsync<SmsUnavailableException>(() => bed.Sender.SendAsync(Advice, Ct));
        Assert.Equal(1, bed.Requests);
    }

    [Fact]
    public async Task A_stand_in_that_is_not_there_is_unavailable()
    {
        using var bed = new TwilioTestBed(apiBaseUrl: new Uri($"http://127.0.0.1:{FreeTcpPort.Next()}/"));

        await Assert.ThrowsAsync<SmsUnavailableException>(() => bed.Sender.SendAsync(Advice, Ct));
    }

    [Fact]
    public async Task Cancelling_the_caller_cancels_the_request_in_flight()
    {
        using var bed = new TwilioTestBed(attemptTimeout: TimeSpan.FromSeconds(60));
        var hung = new HeldResponse(TwilioTestBed.MessageJson("SM77777777777777777777777777777777"));
        bed.Server.Given(Request.Create().WithPath(TwilioTestBed.MessagePath).UsingPost()).RespondWith(Response.Create().WithCallback(hung.AnswerAsync));
        using var cancel = new CancellationTokenSource();

        try
        {
            var sending = bed.Sender.SendAsync(Advice, cancel.Token);
            await hung.Arrived.WaitAsync(TimeSpan.FromSeconds(10), Ct);
            await cancel.CancelAsync();

            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => sending.WaitAsync(TimeSpan.FromSeconds(10), Ct));
            Assert.Equal(1, hung.Requests);
        }
        finally
        {
            hung.Release();
        }
    }

    [Fact]
    public async Task Logs_name_the_number_only_masked()
    {
        using var bed = new TwilioTestBed();
        Failed(bed, 400, 21211, "The 'To' number +447700900123 is not a valid phone number.");
        await bed.Sender.SendAsync(Advice, Ct);
        bed.Server.ResetMappings();
        Created(bed, "SM88888888888888888888888888888888");
        await bed.Sender.SendAsync(Advice, Ct);

        var lines = bed.Logs.GetSnapshot().Select(r => r.Message + " " + r.Exception + " " + string.Join(' ', r.StructuredState?.Select(s => s.Value) ?? [])).ToList();

        Assert.Contains(lines, line => line.Contains("+44*******123", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, line => line.Contains("7700900123", StringComparison.Ordinal) || line.Contains(Advice.Body, StringComparison.Ordinal));
    }

    private static void Created(TwilioTestBed bed, string sid) =>
        bed.Server.Given(Request.Create().WithPath(TwilioTestBed.MessagePath).UsingPost())
            .RespondWith(Response.Create().WithStatusCode(201).WithHeader("Content-Type", "application/json").WithBody(TwilioTestBed.MessageJson(sid)));

    private static void Failed(TwilioTestBed bed, int status, int code, string message) =>
        bed.Server.Given(Request.Create().WithPath(TwilioTestBed.MessagePath).UsingPost())
            .RespondWith(Response.Create().WithStatusCode(status).WithHeader("Content-Type", "application/json").WithBody(TwilioTestBed.ErrorJson(code, status, message)));

    public void Dispose() => _timeout.Dispose();
}
