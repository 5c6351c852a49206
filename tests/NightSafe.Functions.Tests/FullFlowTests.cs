using NightSafe.Core.World;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Azure.Messaging.ServiceBus;
using Microsoft.Extensions.DependencyInjection;
using NightSafe.Core.Ports;
using NightSafe.Core.Routing;
using NightSafe.Functions.Advice;
using NightSafe.Functions.Intake;
using NightSafe.Functions.Outcomes;
using NightSafe.Functions.Routing;
using NightSafe.Functions.Summaries;
using NightSafe.Functions.Tests.Doubles;

namespace NightSafe.Functions.Tests;

[Collection(LocalHubGroup.Name)]
public sealed partial class FullFlowTests(LocalHub hub)
{
    private const string Officer = "+447700900005";
    private const string Description = "blonde woman in a green coat crying by the cash machine";
    private const string Note = "Spoke to Jane Doe, sister collecting her from 12 Acacia Avenue";

    [Fact]
    public async Task A_referral_flows_from_sms_to_partners_and_no_log_line_holds_a_phone_number_or_free_text()
    {
        var logsBefore = hub.Logs.Lines.Count;
        var routingQueue = hub.Queue(QueueNames.Routing);
        await routingQueue.CreateIfNotExistsAsync();
        await routingQueue.ClearMessagesAsync();

        // 1. The officer's text.
        var (_, twiml) = await hub.Function<SmsInbound>().RunAsync(
            WebhookRequests.InboundSms(hub, Officer, $"Basildon spiked, {Description}, outside Toby Carvery 07700 900321 consent yes"),
            hub.Context()).ReadAsync();
        var reference = ReferenceIn().Match(twiml).Groups[1].Value;
        Assert.NotEmpty(reference);

        // 2. Routing, from the message intake put on the real queue.
        var queued = (await routingQueue.ReceiveMessageAsync()).Value;
        Assert.NotNull(queued);
        var item = JsonDocument.Parse(queued.MessageText).RootElement;
        Assert.Equal(reference, item.GetProperty("reference").GetString());
        Assert.StartsWith("00-", item.GetProperty("traceparent").GetString(), StringComparison.Ordinal);
        var night = item.GetProperty("night").GetString()!;
        await hub.Function<RouteReferral>().RunAsync(queued.MessageText, queued.DequeueCount, hub.Context());

        // 3. Each agency's case arrives on its own subscription, with only its fields.
        var routing = hub.Services.GetRequiredService<RoutingPolicy>();
        var agencies = routing.Decide(new TownId("basildon"), [new CategoryId("spiking")], hub.Time.GetUtcNow()).Assignments.Select(a => a.AgencyId.Value).ToList();
        await using var client = new ServiceBusClient(hub.ServiceBusConnectionString);
        foreach (var agency in agencies)
        {
            await using var receiver = client.CreateReceiver("cases", agency);
            var message = await ReceiveForAsync(receiver, $"{night}/{reference}/{agency}");
            Assert.Equal(agency, message.ApplicationProperties["agency"]);
            // One trace per referral: the case message carries the trace the webhook started.
            Assert.Equal(TraceId(item.GetProperty("traceparent").GetString()!), TraceId((string)message.ApplicationProperties["traceparent"]));
            var fields = JsonDocument.Parse(message.Body.ToString()).RootElement.EnumerateObject().Select(p => p.Name);
            var allowed = CaseFields.For(hub.World.AgencyNamed(agency)!, Core.Intake.Parsing.Consent.Given).Concat(CaseMessage.EnvelopeKeys);
            Assert.All(fields, f => Assert.Contains(f, allowed));
            await receiver.CompleteMessageAsync(message);
        }

        await using (var elsewhere = client.CreateReceiver("cases", "street-pastors-chelmsford"))
        {
            var strays = await elsewhere.PeekMessagesAsync(100);
            Assert.DoesNotContain(strays, m => m.MessageId.Contains(reference, StringComparison.Ordinal));
        }

        // 4. The advice SMS went out once, from its own queue; its delivery report comes back signed.
        Assert.Equal(0, await hub.SendQueuedSmsAsync());
        var advice = await hub.Twilio.WaitForAsync(ms => ms.Any(m => m.To == "+447700900321"), TimeSpan.FromSeconds(10), CancellationToken.None);
        var sent = Assert.Single(advice, m => m.To == "+447700900321");
        var (statusCode, _) = await hub.Function<SmsStatus>().RunAsync(WebhookRequests.DeliveryReport(hub, sent, "delivered", night, reference), hub.Context()).ReadAsync();
        Assert.Equal(HttpStatusCode.NoContent, statusCode);

        // 5. A partner reports back with a note; the officer asks for the status, then closes it.
        var outcome = new TestHttpRequestData(hub.Context(), "POST", new Uri($"http://127.0.0.1/api/partners/{agencies[0]}/cases/{night}/{reference}/outcome"), JsonSerializer.Serialize(new { outcome = "accepted", note = Note }), "application/json");
        outcome.Headers.Add(PartnerApi.KeyHeader, hub.PartnerKeys[agencies[0]]);
        Assert.Equal(HttpStatusCode.OK, (await hub.Function<PartnerApi>().ReportAsync(outcome, agencies[0], night, reference, hub.Context()).ReadAsync()).Status);
        var (_, status) = await hub.Function<SmsInbound>().RunAsync(WebhookRequests.InboundSms(hub, Officer, "STATUS " + reference), hub.Context()).ReadAsync();
        Assert.Contains("delivered", status, StringComparison.Ordinal);
        await hub.Function<SmsInbound>().RunAsync(WebhookRequests.InboundSms(hub, Officer, $"CLOSE {reference} {Note}"), hub.Context()).ReadAsync();

        // 6. The night's summary.
        await hub.Function<SummaryFunctions>().QueueAsync($$"""{"night":"{{night}}"}""", hub.Context());
        await hub.SendQueuedSmsAsync();

        var lines = hub.Logs.Lines.Skip(logsBefore).ToList();
        Assert.Contains(lines, l => l.Contains(reference, StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => PhoneNumber().IsMatch(l));
        Assert.DoesNotContain(lines, l => l.Contains("Jane", StringComparison.Ordinal) || l.Contains("Acacia", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Contains("green coat", StringComparison.Ordinal) || l.Contains("Toby Carvery", StringComparison.Ordinal));
    }

    private static async Task<ServiceBusReceivedMessage> ReceiveForAsync(ServiceBusReceiver receiver, string messageId)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (DateTime.UtcNow < deadline)
        {
            var message = await receiver.ReceiveMessageAsync(TimeSpan.FromSeconds(2));
            if (message?.MessageId == messageId)
            {
                return message;
            }

            if (message is not null)
            {
                await receiver.CompleteMessageAsync(message);
            }
        }

        throw new TimeoutException($"No message {messageId} on {receiver.EntityPath} within 20 s.");
    }

    private static string TraceId(string traceParent) => traceParent.Split('-')[1];

    [GeneratedRegex(@"ref ([0-9A-Z]{6})")]
    private static partial Regex ReferenceIn();

    // UK mobiles in the forms the app sees: +44 7..., 447..., 07..., %2B447... (URL-encoded).
    [GeneratedRegex(@"(\+|%2B)?44\s?7\d{3}\s?\d{6}|\b07\d{3}\s?\d{6}\b", RegexOptions.IgnoreCase)]
    private static partial Regex PhoneNumber();
}
