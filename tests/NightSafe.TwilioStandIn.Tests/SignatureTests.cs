using Twilio.Security;

namespace NightSafe.TwilioStandIn.Tests;

public sealed class SignatureTests
{
    private const string Token = "0123456789abcdef0123456789abcdef";

    public static TheoryData<string, Dictionary<string, string>> Requests => new()
    {
        { "https://nightsafe.example/api/sms/inbound", new() { ["Body"] = "spiked Market St near Rose & Crown", ["From"] = "+447700900101" } },
        { "http://127.0.0.1:7071/api/sms/inbound?code=abc%2Bdef", new() { ["Body"] = "a+b c", ["To"] = "+447700900000", ["NumMedia"] = "0" } },
        { "https://nightsafe.example/api/sms/status", new() { ["Body"] = "Ça va? ж 😀 €", ["ToZip"] = string.Empty, ["a"] = "1", ["B"] = "2", ["_"] = "3" } },
        { "https://nightsafe.example/hook", new() },
    };

    [Theory]
    [MemberData(nameof(Requests))]
    public void Compute_agrees_with_twilios_request_validator(string url, Dictionary<string, string> form)
    {
        var signature = TwilioSignature.Compute(url, form, Token);

        Assert.True(new RequestValidator(Token).Validate(url, form, signature));
        Assert.True(TwilioSignature.Matches(url, form, Token, signature));
    }

    [Fact]
    public void A_changed_field_url_or_token_breaks_the_signature()
    {
        var form = new Dictionary<string, string> { ["Body"] = "CLOSE K7M2P home", ["From"] = "+447700900101" };
        var signature = TwilioSignature.Compute("https://nightsafe.example/api/sms/inbound", form, Token);
        var tampered = new Dictionary<string, string>(form) { ["Body"] = "CLOSE K7M2P gone" };
        var validator = new RequestValidator(Token);

        Assert.False(validator.Validate("https://nightsafe.example/api/sms/inbound", tampered, signature));
        Assert.False(validator.Validate("https://nightsafe.example/api/sms/inbound2", form, signature));
        Assert.False(new RequestValidator(Token + "x").Validate("https://nightsafe.example/api/sms/inbound", form, signature));
        Assert.False(TwilioSignature.Matches("https://nightsafe.example/api/sms/inbound", tampered, Token, signature));
    }

    [Fact]
    public void Fields_are_sorted_by_ordinal_name_whatever_order_they_come_in()
    {
        KeyValuePair<string, string>[] fields = [new("b", "2"), new("B", "1"), new("a", "3")];

        Assert.Equal(
            TwilioSignature.Compute("https://x.example/", fields, Token),
            TwilioSignature.Compute("https://x.example/", fields.Reverse(), Token));
        Assert.NotEqual(
            TwilioSignature.Compute("https://x.example/", fields, Token),
            TwilioSignature.Compute("https://x.example/", [new("b", "1"), new("B", "2"), new("a", "3")], Token));
    }
}
