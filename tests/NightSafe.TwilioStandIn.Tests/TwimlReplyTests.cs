using Twilio.Exceptions;
using Twilio.Rest.Api.V2010.Account;
using Twilio.Security;
using Twilio.Types;

namespace NightSafe.TwilioStandIn.Tests;

/// <summary>
/// An inbound SMS delivered to the app's webhook as Twilio delivers one, and the TwiML answer turned into messages of
/// their own (outbound-reply), which the Messages API lists, fetches and deletes like any other: erasure must find them.
/// </summary>
public sealed class TwimlReplyTests : StandInTest
{
    private const string Officer = "+447700900101";
    private const string Hub = Sender;

    [Fact]
    public async Task A_twiml_answer_becomes_a_delivered_reply_from_the_number_texted_to_the_texter_listed_fetched_and_deleted_like_any_message()
    {
        await using var app = await CallbackListener.StartAsync();
        app.AnswerBody = """<?xml version="1.0" encoding="UTF-8"?><Response><Message>NightSafe ref 7KQ2MX: spiking in Chelmsford logged &amp; routed.</Message></Response>""";
        var signedUrl = new Uri("https://nightsafe.example/api/sms/inbound");
        using var http = new HttpClient();

        var delivery = await Server.DeliverInboundAsync(http, app.Url("/api/sms/inbound"), signedUrl, Officer, Hub, "Chelmsford spiked 07700 900123 consent y");

        var webhook = Assert.Single(app.Received);
        Assert.Equal(delivery.Inbound.Sid, webhook.Form["MessageSid"]);
        Assert.True(new RequestValidator(Server.AuthToken).Validate(signedUrl.OriginalString, webhook.Form.ToDictionary(), webhook.Signature));
        Assert.Equal(200, delivery.StatusCode);
        var reply = Assert.Single(delivery.Replies);
        Assert.Equal("NightSafe ref 7KQ2MX: spiking in Chelmsford logged & routed.", delivery.Reply);

        var fetched = await MessageResource.FetchAsync(reply.Sid, client: Client);
        Assert.Equal(
            (Hub, Officer, MessageResource.DirectionEnum.OutboundReply, MessageResource.StatusEnum.Delivered, "NightSafe ref 7KQ2MX: spiking in Chelmsford logged & routed."),
            (fetched.From.ToString(), fetched.To, fetched.Direction, fetched.Status, fetched.Body));
        var inbound = await MessageResource.FetchAsync(delivery.Inbound.Sid, client: Client);
        Assert.True(fetched.DateSent >= inbound.DateSent);
        Assert.True(fetched.DateSent <= inbound.DateSent!.Value.AddSeconds(5));

        // As the erasure looks for it: sent to the texter, from the number texted, from the inbound text's time on.
        var listed = await MessageResource.ReadAsync(
            new ReadMessageOptions { To = new PhoneNumber(Officer), From = new PhoneNumber(Hub), DateSentAfter = inbound.DateSent!.Value.AddSeconds(-1) }, Client);
        Assert.Equal([reply.Sid], listed.Select(m => m.Sid));

        Assert.True(await MessageResource.DeleteAsync(reply.Sid, client: Client));
        var gone = await Assert.ThrowsAsync<ApiException>(() => MessageResource.FetchAsync(reply.Sid, client: Client));
        Assert.Equal(404, gone.Status);
        Assert.Equal([delivery.Inbound.Sid], Server.Messages.Select(m => m.Sid));
    }

    [Fact]
    public async Task Every_message_verb_is_a_reply_and_an_empty_failed_or_non_twiml_answer_sends_nothing()
    {
        var two = await Server.DeliverInboundAsync(Officer, Hub, "STATUS 7KQ2MX", (_, _) => Task.FromResult(new WebhookAnswer(200,
            "<Response><Message>NightSafe 7KQ2MX: routed.</Message><Message><Body>Reply HELP for commands.</Body></Message></Response>")));
        var empty = await Server.DeliverInboundAsync(Officer, Hub, "STOP", (_, _) => Task.FromResult(new WebhookAnswer(200, "<Response></Response>")));
        var failed = await Server.DeliverInboundAsync(Officer, Hub, "HELP", (_, _) => Task.FromResult(new WebhookAnswer(500, "<Response><Message>oops</Message></Response>")));
        var text = await Server.DeliverInboundAsync(Officer, Hub, "HELP", (_, _) => Task.FromResult(new WebhookAnswer(200, "not xml")));

        Assert.Equal(["NightSafe 7KQ2MX: routed.", "Reply HELP for commands."], two.Replies.Select(r => r.Body));
        Assert.All(two.Replies, r => Assert.Equal((Hub, Officer, MessageDirection.OutboundReply), (r.From, r.To, r.Direction)));
        Assert.Empty(empty.Replies);
        Assert.Empty(failed.Replies);
        Assert.Empty(text.Replies);
        Assert.Equal(6, Server.Messages.Count);
        Assert.Equal(2, Server.Messages.Count(m => m.Direction == MessageDirection.OutboundReply));
    }

    [Fact]
    public async Task A_webhook_retry_of_the_same_message_sid_holds_one_inbound_text()
    {
        var first = await Server.DeliverInboundAsync(Officer, Hub, "HELP", (_, _) => Task.FromResult(new WebhookAnswer(502, string.Empty)));
        var retry = await Server.DeliverInboundAsync(Officer, Hub, "HELP", (form, _) => Task.FromResult(new WebhookAnswer(200, "<Response><Message>Commands: ...</Message></Response>")), first.Inbound.Sid);

        Assert.Equal(first.Inbound.Sid, retry.Inbound.Sid);
        Assert.Single(Server.Messages, m => m.Direction == MessageDirection.Inbound);
        Assert.Single(retry.Replies);
    }

    [Fact]
    public async Task A_phone_in_another_process_texts_through_the_stand_ins_inbound_endpoint_and_reads_the_replies()
    {
        await using var app = await CallbackListener.StartAsync();
        app.AnswerBody = "<Response><Message>NightSafe ref 7KQ2MX: logged.</Message></Response>";
        var signedUrl = "https://nightsafe.example/api/sms/inbound";
        using var http = RawClient();
        using var anonymous = new HttpClient { BaseAddress = Server.BaseUrl };
        var text = new Dictionary<string, string> { ["From"] = Officer, ["To"] = Hub, ["Body"] = "Chelmsford spiked", ["Url"] = app.Url("/api/sms/inbound").ToString(), ["SignedUrl"] = signedUrl };

        using var refused = await anonymous.PostAsync(TwilioStandInServer.InboundPath(Server.AccountSid), new FormUrlEncodedContent(text));
        using var response = await http.PostAsync(TwilioStandInServer.InboundPath(Server.AccountSid), new FormUrlEncodedContent(text));

        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        var answer = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        var webhook = Assert.Single(app.Received);
        Assert.True(new RequestValidator(Server.AuthToken).Validate(signedUrl, webhook.Form.ToDictionary(), webhook.Signature));
        Assert.Equal(webhook.Form["MessageSid"], answer.GetProperty("inbound_sid").GetString());
        Assert.Equal(200, answer.GetProperty("webhook_status").GetInt32());
        var reply = Assert.Single(answer.GetProperty("replies").EnumerateArray());
        Assert.Equal("NightSafe ref 7KQ2MX: logged.", reply.GetProperty("body").GetString());
        var held = await MessageResource.FetchAsync(reply.GetProperty("sid").GetString()!, client: Client);
        Assert.Equal((MessageResource.DirectionEnum.OutboundReply, Officer), (held.Direction, held.To));
        Assert.Equal(2, Server.Messages.Count);
    }

    [Fact]
    public async Task A_webhook_that_never_answers_leaves_the_text_held_and_sends_nothing_back()
    {
        await using var app = await CallbackListener.StartAsync(dropFirst: 1);
        using var http = RawClient();

        using var response = await http.PostAsync(TwilioStandInServer.InboundPath(Server.AccountSid), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["From"] = Officer, ["To"] = Hub, ["Body"] = "HELP", ["Url"] = app.Url("/api/sms/inbound").ToString(),
        }));

        var answer = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(0, answer.GetProperty("webhook_status").GetInt32());
        Assert.Empty(answer.GetProperty("replies").EnumerateArray());
        var inbound = Assert.Single(Server.Messages);
        Assert.Equal((answer.GetProperty("inbound_sid").GetString(), MessageDirection.Inbound), (inbound.Sid, inbound.Direction));
    }

    [Fact]
    public async Task A_message_created_through_the_api_stays_outbound_api()
    {
        var sent = await SendAsync(Person, "Get home safe");

        var settled = await Server.WaitForAsync(m => m.Single().IsSettled, Deadline);

        Assert.Equal(MessageResource.DirectionEnum.OutboundApi, sent.Direction);
        Assert.Equal(MessageDirection.OutboundApi, settled.Single().Direction);
    }
}
