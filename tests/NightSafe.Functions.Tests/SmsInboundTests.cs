using System.Net;
using NightSafe.Functions.Intake;

namespace NightSafe.Functions.Tests;

[Collection(LocalHubGroup.Name)]
public sealed class SmsInboundTests(LocalHub stack)
{
    private const string Officer = "+447700900003"; // on routing.json's roster seed

    private static string NewSid() => "SM" + Guid.NewGuid().ToString("N");

    [Fact]
    public async Task A_signed_officer_text_is_stored_queued_and_answered_with_twiml_holding_the_reference()
    {
        var before = stack.Referrals().Count;

        var (status, body) = await stack.Function<SmsInbound>().RunAsync(WebhookRequests.InboundSms(stack, Officer, "Harlow drunk+alone outside the Water Gardens, 07700 900123, consent y"), stack.Context()).ReadAsync();

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.StartsWith("<?xml", body, StringComparison.Ordinal);
        Assert.Contains("<Response><Message>NightSafe ref ", body, StringComparison.Ordinal);
        var referrals = stack.Referrals();
        Assert.Equal(before + 1, referrals.Count);
        var stored = referrals.Single(r => body.Contains(r.RowKey[2..], StringComparison.Ordinal));
        Assert.Equal("harlow", stored.GetString("TownId"));
        // "+" in a urlencoded body is a space: the words either side were read as two.
        Assert.Contains("alone", stored.GetString("Categories"), StringComparison.Ordinal);
        Assert.Contains("intoxicated", stored.GetString("Categories"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_forged_signature_is_refused_with_403_and_nothing_is_stored()
    {
        var before = stack.Referrals().Count;
        var forged = WebhookRequests.InboundSms(stack, Officer, "Harlow spiked outside the Playhouse", authToken: "not-the-auth-token");

        var (status, body) = await stack.Function<SmsInbound>().RunAsync(forged, stack.Context()).ReadAsync();

        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Empty(body);
        Assert.Equal(before, stack.Referrals().Count);
    }

    [Fact]
    public async Task A_changed_field_after_signing_is_refused()
    {
        var form = NightSafe.TwilioStandIn.InboundSms.Form(stack.Twilio.AccountSid, Officer, "+447700900000", "Harlow spiked", NewSid());
        var request = WebhookRequests.Signed(stack, "sms/inbound", form);
        var tampered = form.ToDictionary(f => f.Key, f => f.Key == "Body" ? "Harlow spiked at the station" : f.Value);
        var resigned = WebhookRequests.Signed(stack, "sms/inbound", tampered);
        resigned.Headers.Remove("X-Twilio-Signature");
        resigned.Headers.Add("X-Twilio-Signature", request.Headers.GetValues("X-Twilio-Signature").Single());

        var (status, _) = await stack.Function<SmsInbound>().RunAsync(resigned, stack.Context()).ReadAsync();

        Assert.Equal(HttpStatusCode.Forbidden, status);
    }

    [Fact]
    public async Task An_unknown_number_gets_a_neutral_reply_and_no_referral()
    {
        var before = stack.Referrals().Count;

        var (status, body) = await stack.Function<SmsInbound>().RunAsync(WebhookRequests.InboundSms(stack, "+447700900555", "Harlow spiked outside the Playhouse"), stack.Context()).ReadAsync();

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("service for police and partner staff", body, StringComparison.Ordinal);
        Assert.Equal(before, stack.Referrals().Count);
    }

    [Fact]
    public async Task The_same_MessageSid_twice_creates_one_referral_and_the_same_reply()
    {
        var before = stack.Referrals().Count;
        var sid = NewSid();

        var first = await stack.Function<SmsInbound>().RunAsync(WebhookRequests.InboundSms(stack, Officer, "Grays injury, head cut outside the Theatre", sid), stack.Context()).ReadAsync();
        var second = await stack.Function<SmsInbound>().RunAsync(WebhookRequests.InboundSms(stack, Officer, "Grays injury, head cut outside the Theatre", sid), stack.Context()).ReadAsync();

        Assert.Equal(before + 1, stack.Referrals().Count);
        Assert.Equal(first, second);
    }
}
