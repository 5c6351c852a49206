using Twilio.Security;

namespace NightSafe.TwilioStandIn.Tests;

public sealed class InboundSmsTests
{
    private const string Account = "AC0123456789abcdef0123456789abcdef";
    private const string Token = "fedcba9876543210fedcba9876543210";
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(15);

    [Fact]
    public void Form_carries_what_twilio_sends_for_an_inbound_sms()
    {
        var form = InboundSms.Form(Account, "+447700900101", "+447700900000", "drunk Market Sq consent yes");

        Assert.Matches("^SM[0-9a-f]{32}$", form["MessageSid"]);
        Assert.Equal(form["MessageSid"], form["SmsSid"]);
        Assert.Equal(form["MessageSid"], form["SmsMessageSid"]);
        Assert.Equal(Account, form["AccountSid"]);
        Assert.Equal("+447700900101", form["From"]);
        Assert.Equal("+447700900000", form["To"]);
        Assert.Equal("drunk Market Sq consent yes", form["Body"]);
        Assert.Equal("0", form["NumMedia"]);
        Assert.Equal("1", form["NumSegments"]);
        Assert.Equal("received", form["SmsStatus"]);
        Assert.Equal("2010-04-01", form["ApiVersion"]);
        Assert.Equal("GB", form["FromCountry"]);
        Assert.Equal("GB", form["ToCountry"]);
    }

    [Fact]
    public void Form_keeps_a_given_sid_and_counts_segments()
    {
        var form = InboundSms.Form(Account, "+353871234567", "+447700900000", new string('x', 161), messageSid: "SM" + new string('a', 32));

        Assert.Equal("SM" + new string('a', 32), form["MessageSid"]);
        Assert.Equal("2", form["NumSegments"]);
        Assert.Equal("IE", form["FromCountry"]);
        Assert.NotEqual(form["MessageSid"], InboundSms.Form(Account, "+447700900101", "+447700900000", "x")["MessageSid"]);
    }

    [Fact]
    public async Task A_signed_post_arrives_intact_and_validates_with_twilios_validator()
    {
        await using var listener = await CallbackListener.StartAsync();
        var url = listener.Url("/api/sms/inbound");
        var form = InboundSms.Form(Account, "+447700900101", "+447700900000", "spiked? Rose & Crown + 2 friends, 100% consent ж");

        using var http = new HttpClient();
        using var request = TwilioSignature.SignedPost(url, form, Token);
        using var response = await http.SendAsync(request);
        var received = (await listener.WaitForAsync(r => r.Count == 1, Deadline)).Single();

        Assert.True(response.IsSuccessStatusCode);
        Assert.Equal(form.OrderBy(f => f.Key, StringComparer.Ordinal), received.Form.OrderBy(f => f.Key, StringComparer.Ordinal));
        Assert.True(new RequestValidator(Token).Validate(url.OriginalString, received.Form.ToDictionary(), received.Signature));
    }
}
