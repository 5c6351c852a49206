using NightSafe.Core.Ports;
using NightSafe.LocalStack;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace NightSafe.Integrations.Tests.Twilio;

/// <summary>Deleting Twilio's record of a message through the SDK (MessageResource.DeleteAsync), as erasure does.</summary>
public sealed class TwilioRecordsTests : IDisposable
{
    private const string Sid = "SM0123456789abcdef0123456789abcdef";

    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromMinutes(1));

    private CancellationToken Ct => _timeout.Token;

    [Fact]
    public async Task A_204_is_a_deleted_record_and_the_sdk_sent_delete_to_the_messages_sid()
    {
        using var bed = new TwilioTestBed();
        bed.Server.Given(Request.Create().WithPath(TwilioTestBed.MessageRecordPath(Sid)).UsingDelete()).RespondWith(Response.Create().WithStatusCode(204));

        Assert.True(await bed.Records.DeleteAsync(Sid, Ct));

        var request = Assert.Single(bed.Server.LogEntries).RequestMessage;
        Assert.Equal(("DELETE", TwilioTestBed.MessageRecordPath(Sid)), (request.Method, request.Path));
    }

    [Fact]
    public async Task A_404_means_twilio_does_not_hold_it_and_is_not_a_failure()
    {
        using var bed = new TwilioTestBed();
        bed.Server.Given(Request.Create().WithPath(TwilioTestBed.MessageRecordPath(Sid)).UsingDelete())
            .RespondWith(Response.Create().WithStatusCode(404).WithHeader("Content-Type", "application/json").WithBody(TwilioTestBed.ErrorJson(20404, 404, "The requested resource was not found")));

        Assert.False(await bed.Records.DeleteAsync(Sid, Ct));
    }

    [Fact]
    public async Task A_message_still_on_its_way_is_a_failure_to_retry_with_its_code()
    {
        using var bed = new TwilioTestBed();
        bed.Server.Given(Request.Create().WithPath(TwilioTestBed.MessageRecordPath(Sid)).UsingDelete())
            .RespondWith(Response.Create().WithStatusCode(409).WithHeader("Content-Type", "application/json").WithBody(TwilioTestBed.ErrorJson(20009, 409, "Cannot delete this resource before it is complete")));

        var failure = await Assert.ThrowsAsync<SmsRecordDeletionException>(() => bed.Records.DeleteAsync(Sid, Ct));

        Assert.Equal("http-409/20009", failure.Code);
    }

    [Fact]
    public async Task A_message_s_status_is_fetched_as_twilio_holds_it_and_a_404_is_no_such_message()
    {
        const string missing = "SMffffffffffffffffffffffffffffffff";
        using var bed = new TwilioTestBed();
        bed.Server.Given(Request.Create().WithPath(TwilioTestBed.MessageRecordPath(Sid)).UsingGet())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json")
                .WithBody($$"""{"sid":"{{Sid}}","status":"undelivered","error_code":30003,"direction":"outbound-api"}"""));
        bed.Server.Given(Request.Create().WithPath(TwilioTestBed.MessageRecordPath(missing)).UsingGet())
            .RespondWith(Response.Create().WithStatusCode(404).WithHeader("Content-Type", "application/json").WithBody(TwilioTestBed.ErrorJson(20404, 404, "The requested resource was not found")));

        Assert.Equal(new SmsProviderStatus("undelivered", "30003"), await bed.Records.StatusAsync(Sid, Ct));
        Assert.Null(await bed.Records.StatusAsync(missing, Ct));
    }

    [Fact]
    public async Task A_status_lookup_twilio_cannot_answer_is_unavailable_for_the_next_sweep()
    {
        using var bed = new TwilioTestBed(apiBaseUrl: new Uri($"http://127.0.0.1:{FreeTcpPort.Next()}/"));

        await Assert.ThrowsAsync<SmsUnavailableException>(() => bed.Records.StatusAsync(Sid, Ct));
    }

    [Fact]
    public async Task An_unreachable_twilio_is_a_failure_to_retry()
    {
        using var bed = new TwilioTestBed(apiBaseUrl: new Uri($"http://127.0.0.1:{FreeTcpPort.Next()}/"));

        var failure = await Assert.ThrowsAsync<SmsRecordDeletionException>(() => bed.Records.DeleteAsync(Sid, Ct));

        Assert.Equal("unreachable", failure.Code);
    }

    [Fact]
    public async Task Replies_are_found_from_the_inbound_text_fetched_then_the_messages_to_its_sender_from_the_number_texted_in_the_window()
    {
        using var bed = new TwilioTestBed();
        bed.Server.Given(Request.Create().WithPath(TwilioTestBed.MessageRecordPath(Sid)).UsingGet())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody(
                $$"""{"sid":"{{Sid}}","account_sid":"{{TwilioTestBed.AccountSid}}","direction":"inbound","status":"received","from":"+447700900005","to":"{{TwilioTestBed.From}}","body":"Harlow spiked","date_sent":"Fri, 18 Dec 2026 22:31:05 +0000","date_created":"Fri, 18 Dec 2026 22:31:05 +0000"}"""));
        bed.Server.Given(Request.Create().WithPath(TwilioTestBed.MessagePath).UsingGet())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody(
                $$"""{"messages":[{"sid":"SMreply","direction":"outbound-reply","status":"delivered","from":"{{TwilioTestBed.From}}","to":"+447700900005","body":"NightSafe ref 7KQ2MX: logged.","date_sent":"Fri, 18 Dec 2026 22:31:06 +0000"}],"next_page_uri":null,"page":0,"page_size":1000,"uri":"{{TwilioTestBed.MessagePath}}"}"""));

        var replies = await bed.Records.RepliesToAsync(Sid, TimeSpan.FromMinutes(10), Ct);

        Assert.NotNull(replies);
        Assert.Equal(new DateTimeOffset(2026, 12, 18, 22, 31, 5, TimeSpan.Zero), replies.ReceivedAt);
        var reply = Assert.Single(replies.Sent);
        Assert.Equal(("SMreply", "NightSafe ref 7KQ2MX: logged.", new DateTimeOffset(2026, 12, 18, 22, 31, 6, TimeSpan.Zero)), (reply.MessageSid, reply.Body, reply.SentAt));
        var list = bed.Server.LogEntries.Select(e => e.RequestMessage).Single(r => r.Path == TwilioTestBed.MessagePath);
        Assert.Equal("+447700900005", list.Query!["To"].Single());
        Assert.Equal(TwilioTestBed.From, list.Query["From"].Single());
        // The SDK writes its DateSentAfter and DateSentBefore as Twilio's DateSent>= and DateSent<= filters.
        Assert.Contains("DateSent>=2026-12-18T22%3A31%3A04Z", list.AbsoluteUrl, StringComparison.Ordinal);
        Assert.Contains("DateSent<=2026-12-18T22%3A41%3A06Z", list.AbsoluteUrl, StringComparison.Ordinal);
        Assert.DoesNotContain(bed.Logs.GetSnapshot(), l => l.Message.Contains("900005", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_inbound_text_twilio_no_longer_holds_finds_no_replies_and_an_outage_is_a_failure_to_retry()
    {
        using var bed = new TwilioTestBed();
        bed.Server.Given(Request.Create().WithPath(TwilioTestBed.MessageRecordPath(Sid)).UsingGet())
            .RespondWith(Response.Create().WithStatusCode(404).WithHeader("Content-Type", "application/json").WithBody(TwilioTestBed.ErrorJson(20404, 404, "The requested resource was not found")));
        using var down = new TwilioTestBed(maxAttempts: 1, apiBaseUrl: new Uri($"http://127.0.0.1:{FreeTcpPort.Next()}/"));

        Assert.Null(await bed.Records.RepliesToAsync(Sid, TimeSpan.FromMinutes(10), Ct));
        var failure = await Assert.ThrowsAsync<SmsRecordDeletionException>(() => down.Records.RepliesToAsync(Sid, TimeSpan.FromMinutes(10), Ct));
        Assert.Equal("unreachable", failure.Code);
    }

    public void Dispose() => _timeout.Dispose();
}
