using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using Microsoft.Extensions.Options;
using NightSafe.Integrations.Twilio;

namespace NightSafe.Integrations.Tests.Twilio;

public sealed class TwilioRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 18, 23, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("POST", null, SocketError.ConnectionRefused, true)]
    [InlineData("POST", null, SocketError.HostNotFound, true)]
    [InlineData("POST", null, SocketError.ConnectionReset, false)]
    [InlineData("POST", null, SocketError.TimedOut, false)]
    [InlineData("POST", 429, null, true)]
    [InlineData("POST", 500, null, false)]
    [InlineData("POST", 503, null, false)]
    [InlineData("POST", 408, null, false)]
    [InlineData("GET", 500, null, true)]
    [InlineData("GET", null, SocketError.ConnectionReset, true)]
    public void A_send_is_repeated_only_when_it_provably_did_not_reach_twilio(string method, int? status, SocketError? socket, bool retried)
    {
        using var response = status is { } code ? new HttpResponseMessage((HttpStatusCode)code) : null;
        var error = socket is { } s ? new HttpRequestException("failed", new SocketException((int)s)) : null;

        Assert.Equal(retried, TwilioRetry.ShouldRetry(new HttpMethod(method), response, error));
    }

    [Fact]
    public void A_timeout_of_a_send_is_not_repeated_but_a_timeout_of_a_read_is()
    {
        var timeout = new Polly.Timeout.TimeoutRejectedException();

        Assert.False(TwilioRetry.ShouldRetry(HttpMethod.Post, null, timeout));
        Assert.True(TwilioRetry.ShouldRetry(HttpMethod.Get, null, timeout));
    }

    [Fact]
    public void Retry_after_seconds_are_honoured_up_to_the_longest_wait()
    {
        using var response = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
        response.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromSeconds(2));

        Assert.Equal(TimeSpan.FromSeconds(2), TwilioRetry.RetryAfter(response, Now, TimeSpan.FromSeconds(15)));
        Assert.Equal(TimeSpan.FromSeconds(1), TwilioRetry.RetryAfter(response, Now, TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public void Retry_after_a_date_waits_until_then_and_a_past_date_not_at_all()
    {
        using var response = new HttpResponseMessage(HttpStatusCode.ServiceUnavailable);
        response.Headers.RetryAfter = new RetryConditionHeaderValue(Now.AddSeconds(5));
        Assert.Equal(TimeSpan.FromSeconds(5), TwilioRetry.RetryAfter(response, Now, TimeSpan.FromSeconds(15)));

        response.Headers.RetryAfter = new RetryConditionHeaderValue(Now.AddSeconds(-5));
        Assert.Equal(TimeSpan.Zero, TwilioRetry.RetryAfter(response, Now, TimeSpan.FromSeconds(15)));
    }

    [Fact]
    public void Without_retry_after_the_backoff_decides()
    {
        using var response = new HttpResponseMessage(HttpStatusCode.ServiceUnavailable);

        Assert.Null(TwilioRetry.RetryAfter(response, Now, TimeSpan.FromSeconds(15)));
        Assert.Null(TwilioRetry.RetryAfter(null, Now, TimeSpan.FromSeconds(15)));
    }

    [Theory]
    [InlineData(400, 21211, true)]
    [InlineData(400, 21610, true)]
    [InlineData(400, 21614, true)]
    [InlineData(400, 21408, true)]
    [InlineData(400, 21612, true)]
    [InlineData(404, 20404, true)]
    [InlineData(400, 0, true)]
    [InlineData(429, 20429, false)]
    [InlineData(408, 0, false)]
    [InlineData(401, 20003, false)]
    [InlineData(403, 20003, false)]
    [InlineData(500, 20500, false)]
    [InlineData(503, 0, false)]
    [InlineData(0, 0, false)]
    public void Only_refusals_of_the_message_are_permanent(int status, int code, bool permanent) =>
        Assert.Equal(permanent, TwilioErrors.IsRefusal(status, code));

    [Theory]
    [InlineData("https://api.twilio.com/2010-04-01/Accounts/AC1/Messages.json", "http://127.0.0.1:5099/", "http://127.0.0.1:5099/2010-04-01/Accounts/AC1/Messages.json")]
    [InlineData("https://api.twilio.com/2010-04-01/Accounts/AC1/Messages.json?PageSize=50", "http://localhost:7071/twilio", "http://localhost:7071/twilio/2010-04-01/Accounts/AC1/Messages.json?PageSize=50")]
    public void The_redirect_keeps_path_and_query_under_the_stand_in(string original, string apiBase, string expected) =>
        Assert.Equal(new Uri(expected), TwilioApiRedirect.Rebase(new Uri(original), new Uri(apiBase)));

    [Fact]
    public void The_validator_accepts_Twilios_documented_example_and_refuses_any_change()
    {
        // Twilio's documented example: auth token 12345, this URL and form, and the signature Twilio computed for them.
        var validator = new TwilioWebhookValidator(Options.Create(new TwilioOptions { AuthToken = "12345" }));
        var url = new Uri("https://mycompany.com/myapp.php?foo=1&bar=2");
        var form = new Dictionary<string, string>
        {
            ["CallSid"] = "CA1234567890ABCDE",
            ["Caller"] = "+12349013030",
            ["Digits"] = "1234",
            ["From"] = "+12349013030",
            ["To"] = "+18005551212",
        };
        const string signature = "0/KCTR6DLpKmkAf8muzZqo1nDgQ=";

        Assert.True(validator.Validate(url, form, signature));
        Assert.False(validator.Validate(url, new Dictionary<string, string>(form) { ["Digits"] = "1235" }, signature));
        Assert.False(validator.Validate(url, new Dictionary<string, string>(form) { ["Body"] = "extra" }, signature));
        Assert.False(validator.Validate(new Uri("https://mycompany.com/myapp.php?foo=1&bar=3"), form, signature));
        Assert.False(validator.Validate(url, form, "1/KCTR6DLpKmkAf8muzZqo1nDgQ="));
        Assert.False(validator.Validate(url, form, null));
        Assert.False(validator.Validate(url, form, string.Empty));
    }
}
