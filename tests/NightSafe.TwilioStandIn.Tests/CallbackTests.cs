using Twilio.Rest.Api.V2010.Account;
using Twilio.Security;

namespace NightSafe.TwilioStandIn.Tests;

public sealed class CallbackTests : StandInTest
{
    [Fact]
    public async Task Callbacks_arrive_sent_then_delivered_signed_as_twilio_signs()
    {
        await using var listener = await CallbackListener.StartAsync();
        var callbackUrl = listener.Url("/api/sms/status?night=2026-12-18&ref=K7M2P");

        var message = await SendAsync(Person, "Get home safe", callbackUrl);
        var received = await listener.WaitForAsync(r => r.Count >= 2, Deadline);

        Assert.Equal(["sent", "delivered"], received.Select(r => r.Form["MessageStatus"]));
        var validator = new RequestValidator(Server.AuthToken);
        var impostor = new RequestValidator("some-other-token");
        foreach (var callback in received)
        {
            Assert.Equal("/api/sms/status?night=2026-12-18&ref=K7M2P", callback.PathAndQuery);
            Assert.True(validator.Validate(callbackUrl.OriginalString, callback.Form.ToDictionary(), callback.Signature));
            Assert.False(impostor.Validate(callbackUrl.OriginalString, callback.Form.ToDictionary(), callback.Signature));
            Assert.Equal(message.Sid, callback.Form["MessageSid"]);
            Assert.Equal(message.Sid, callback.Form["SmsSid"]);
            Assert.Equal(callback.Form["MessageStatus"], callback.Form["SmsStatus"]);
            Assert.Equal(Server.AccountSid, callback.Form["AccountSid"]);
            Assert.Equal(Sender, callback.Form["From"]);
            Assert.Equal(Person, callback.Form["To"]);
            Assert.Equal("2010-04-01", callback.Form["ApiVersion"]);
            Assert.False(callback.Form.ContainsKey("ErrorCode"));
            Assert.StartsWith("TwilioProxy/", callback.UserAgent, StringComparison.Ordinal);
        }

        var settled = await Server.WaitForAsync(m => m.Single().IsSettled, Deadline);
        Assert.Equal(["sent", "delivered"], settled.Single().Callbacks.Select(c => c.Status));
        Assert.All(settled.Single().Callbacks, c => Assert.Equal((200, 1), (c.StatusCode, c.Attempts)));
    }

    [Fact]
    public async Task Undeliverable_number_ends_undelivered_with_30003()
    {
        await using var listener = await CallbackListener.StartAsync();

        var message = await SendAsync("+447700900996", "Get home safe", listener.Url("/status"));
        var received = await listener.WaitForAsync(r => r.Count >= 2, Deadline);
        await Server.WaitForAsync(m => m.Single().IsSettled, Deadline);
        var fetched = await MessageResource.FetchAsync(message.Sid, client: Client);

        Assert.Equal(["sent", "undelivered"], received.Select(r => r.Form["MessageStatus"]));
        Assert.Equal("30003", received[1].Form["ErrorCode"]);
        Assert.False(received[0].Form.ContainsKey("ErrorCode"));
        Assert.True(new RequestValidator(Server.AuthToken).Validate(listener.Url("/status").OriginalString, received[1].Form.ToDictionary(), received[1].Signature));
        Assert.Equal("undelivered", fetched.Status.ToString());
        Assert.Equal(30003, fetched.ErrorCode);
        Assert.False(string.IsNullOrEmpty(fetched.ErrorMessage));
    }

    [Fact]
    public async Task A_dropped_connection_is_retried()
    {
        await using var listener = await CallbackListener.StartAsync(dropFirst: 1);

        await SendAsync(Person, "Get home safe", listener.Url("/status"));
        var settled = await Server.WaitForAsync(m => m.Single().IsSettled, Deadline);

        var callbacks = settled.Single().Callbacks;
        Assert.Equal((200, 2), (callbacks[0].StatusCode, callbacks[0].Attempts));
        Assert.Equal((200, 1), (callbacks[1].StatusCode, callbacks[1].Attempts));
        Assert.Equal(3, listener.Arrivals);
        Assert.Equal(["sent", "delivered"], listener.Received.Select(r => r.Form["MessageStatus"]));
    }

    [Fact]
    public async Task A_receiver_that_never_answers_is_recorded_after_every_attempt()
    {
        var nobody = new Uri($"http://127.0.0.1:{UnusedPort()}/status");

        await SendAsync(Person, "Get home safe", nobody);
        var settled = await Server.WaitForAsync(m => m.Single().IsSettled, Deadline);

        var message = settled.Single();
        Assert.Equal("delivered", message.Status);
        Assert.All(message.Callbacks, c => Assert.Equal((null, 3), (c.StatusCode, c.Attempts)));
        Assert.All(message.Callbacks, c => Assert.False(string.IsNullOrEmpty(c.Error)));
    }

    [Fact]
    public async Task An_http_error_answer_is_recorded_and_not_retried()
    {
        await using var listener = await CallbackListener.StartAsync(answerStatus: 500);

        await SendAsync(Person, "Get home safe", listener.Url("/status"));
        var settled = await Server.WaitForAsync(m => m.Single().IsSettled, Deadline);

        Assert.All(settled.Single().Callbacks, c => Assert.Equal((500, 1), (c.StatusCode, c.Attempts)));
        Assert.Equal(2, listener.Arrivals);
    }

    [Fact]
    public async Task The_create_response_does_not_wait_for_callbacks()
    {
        await using var listener = await CallbackListener.StartAsync(hold: true);

        var created = await SendAsync(Person, "Get home safe", listener.Url("/status")).WaitAsync(Deadline);
        await Eventually.TrueAsync(() => listener.Arrivals == 1, Deadline, "the first callback to reach the listener");

        Assert.Equal("queued", created.Status.ToString());
        Assert.Empty(listener.Received);
        Assert.Empty(Server.Messages.Single().Callbacks);
        listener.Release();
        var settled = await Server.WaitForAsync(m => m.Single().IsSettled, Deadline);
        Assert.Equal(2, settled.Single().Callbacks.Count);
    }

    [Fact]
    public async Task Messages_without_a_status_callback_still_progress()
    {
        await SendAsync(Person, "one");
        await SendAsync("+447700900996", "two");

        var settled = await Server.WaitForAsync(m => m.Count == 2 && m.All(x => x.IsSettled), Deadline);

        Assert.Equal(["delivered", "undelivered"], settled.Select(m => m.Status));
        Assert.All(settled, m => Assert.Empty(m.Callbacks));
        Assert.All(settled, m => Assert.NotNull(m.SentAt));
    }

    [Fact]
    public async Task An_invalid_status_callback_url_is_21609()
    {
        using var http = RawClient();
        using var form = new FormUrlEncodedContent([new("To", Person), new("From", Sender), new("Body", "hi"), new("StatusCallback", "not a url")]);

        using var response = await http.PostAsync(MessagesPath, form);

        Assert.Equal(400, (int)response.StatusCode);
        Assert.Contains("21609", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private static int UnusedPort()
    {
        using var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        probe.Start();
        return ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
    }
}
