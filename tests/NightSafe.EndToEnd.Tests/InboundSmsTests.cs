using System.Globalization;
using System.Net;
using Azure.Messaging.ServiceBus;
using NightSafe.Cli.Partners;
using NightSafe.Cli.Sms;
using NightSafe.Cli.Stack;
using NightSafe.Core.Intake;
using NightSafe.TwilioStandIn;

namespace NightSafe.EndToEnd.Tests;

/// <summary>
/// Issue 4 against NightSafe.Functions: the dev host runs the real worker; a signed inbound SMS gets TwiML with a
/// reference code, and the referral is routed by the queue trigger onto the agency's subscription.
/// </summary>
public sealed class InboundSmsTests(HubFixture fixture, ITestOutputHelper output) : IClassFixture<HubFixture>
{
    private const string Officer = "+447700900001";

    private OfflineHub Hub => fixture.Hub;

    [Fact]
    public async Task Signed_inbound_SMS_is_answered_with_a_reference_and_its_case_reaches_the_agency_subscription()
    {
        try
        {
            var phone = new OfficerPhone(fixture.Http, Hub.Functions.BaseUrl, Hub.PublicBaseUrl, Hub.Twilio.AccountSid, Hub.Twilio.AuthToken, OfflineHub.HubNumber);
            var reply = await OfficerReplyAsync(phone, "Chelmsford spiked outside Bar 9, female 20s, 07700 900123, consent y");

            Assert.Equal(HttpStatusCode.OK, reply.Status);
            Assert.StartsWith($"NightSafe ref {reply.Reference}: spiking in Chelmsford logged.", reply.Message, StringComparison.Ordinal);
            var reference = Assert.NotNull(reply.Reference).ToString();

            await using var bus = new ServiceBusClient(Hub.ServiceBus.ConnectionString);
            await using var receiver = bus.CreateReceiver("cases", "street-pastors-chelmsford");
            var message = await Eventually.ValueAsync(() => receiver.ReceiveMessageAsync(TimeSpan.FromSeconds(2)), TimeSpan.FromSeconds(30), "the case on street-pastors-chelmsford");
            var received = ReceivedCase.From("street-pastors-chelmsford", message, TimeSpan.Zero);
            Assert.Equal(reference, received.Reference);
            Assert.Equal($"{Hub.Night}/{reference}/street-pastors-chelmsford", message.MessageId);
            Assert.Equal("street-pastors-chelmsford", received.AgencyProperty);
            Assert.Equal("+447700900123", received.Body["subjectPhone"]?.GetValue<string>());
            await receiver.CompleteMessageAsync(message);

            var hub = new HubApi(fixture.Http, Hub.Functions.BaseUrl, Hub.ControlRoomKey, Hub.Functions.MasterKey);
            var routed = await Eventually.ValueAsync(
                async () => await hub.ReadReferralAsync(Hub.Night.ToString(), reference, CancellationToken.None) is { Status: "Routed" } view ? view : null,
                TimeSpan.FromSeconds(30),
                "the referral to be Routed");
            Assert.Contains(routed.Cases, c => c.Agency == "street-pastors-chelmsford");
            // The council team does not get the number: it is not in its shares, consent or not.
            Assert.DoesNotContain("subjectPhone", routed.Cases.Single(c => c.Agency == "community-safety-chelmsford").Fields);
        }
        finally
        {
            fixture.WriteLogTail(output);
        }
    }

    [Fact]
    public async Task Texted_through_the_stand_in_the_text_and_the_hubs_twiml_reply_are_held_as_twilio_holds_them()
    {
        try
        {
            const string officer = "+447700900002";
            var phone = new OfficerPhone(fixture.Http, Hub.Functions.BaseUrl, Hub.PublicBaseUrl, Hub.Twilio.AccountSid, Hub.Twilio.AuthToken, OfflineHub.HubNumber) { StandIn = Hub.Twilio };

            var reply = await phone.TextAsync(officer, "HELP", CancellationToken.None);

            Assert.Equal(HttpStatusCode.OK, reply.Status);
            Assert.False(string.IsNullOrEmpty(reply.Message));
            var held = Hub.Twilio.Messages.Where(m => m.To == officer || m.From == officer).ToList();
            var inbound = Assert.Single(held, m => m.Direction == MessageDirection.Inbound);
            Assert.Equal((OfflineHub.HubNumber, "HELP", MessageStatus.Received), (inbound.To, inbound.Body, inbound.Status));
            var answer = Assert.Single(held, m => m.Direction == MessageDirection.OutboundReply);
            Assert.Equal((OfflineHub.HubNumber, reply.Message, MessageStatus.Delivered), (answer.From, answer.Body, answer.Status));
            Assert.True(answer.SentAt >= inbound.SentAt);
        }
        finally
        {
            fixture.WriteLogTail(output);
        }
    }

    [Fact]
    public async Task Inbound_SMS_signed_with_another_token_is_refused_403_by_the_app_under_the_dev_host()
    {
        var form = TwilioStandIn.InboundSms.Form(Hub.Twilio.AccountSid, Officer, OfflineHub.HubNumber, "Chelmsford drunk female, consent y");
        using var request = TwilioSignature.SignedPost(new Uri(Hub.PublicBaseUrl, OfficerPhone.Route), form, "not-the-auth-token");

        using var response = await fixture.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task Cold_start_first_invocation_is_served_after_the_host_is_ready_and_is_printed()
    {
        var phone = new OfficerPhone(fixture.Http, Hub.Functions.BaseUrl, Hub.PublicBaseUrl, Hub.Twilio.AccountSid, Hub.Twilio.AuthToken, OfflineHub.HubNumber);
        await OfficerReplyAsync(phone, "help");

        var ready = Assert.NotNull(Hub.Functions.ReadyAfter);
        var served = Assert.NotNull(Hub.Functions.FirstInvocationServedAfter);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Cold start: Functions host ready {ready.TotalMilliseconds:0} ms after start; first invocation served {served.TotalMilliseconds:0} ms after start."));
        Assert.True(served >= ready, $"The first invocation ({served}) cannot be served before every function was loaded ({ready}).");
    }

    /// <summary>
    /// Sends the text, asking again while the app answers an officer as a stranger: the roster is seeded by a hosted
    /// service that may finish just after the worker starts serving.
    /// </summary>
    private static async Task<OfficerReply> OfficerReplyAsync(OfficerPhone phone, string body) =>
        await Eventually.ValueAsync(
            async () => await phone.TextAsync(Officer, body, CancellationToken.None) is { } reply && reply.Message != OfficerReplies.Neutral ? reply : null,
            TimeSpan.FromSeconds(30),
            "an officer's reply (the roster seeded)");
}
