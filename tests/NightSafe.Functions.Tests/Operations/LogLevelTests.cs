using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NightSafe.Core.Ports;
using NightSafe.Functions.Hosting;
using NightSafe.Functions.Intake;
using NightSafe.Functions.Routing;
using NightSafe.Functions.Sms;
using NightSafe.Functions.Tests.Doubles;
using Xunit.Abstractions;

namespace NightSafe.Functions.Tests.Operations;

/// <summary>
/// At the default level (Information, with the worker's filters as Program.cs sets them) a referral logs its steps,
/// one line each, and nothing of the Azure SDK, Polly or HttpClient underneath.
/// </summary>
[Collection(LocalHubGroup.Name)]
public sealed partial class LogLevelTests(LocalHub hub, ITestOutputHelper output)
{
    [Fact]
    public async Task A_referral_logs_one_line_per_step_and_no_framework_noise_at_the_default_level()
    {
        var logs = new LogCapture();
        using var host = hub.Build(hub.Settings(), logging: l => l.SetMinimumLevel(LogLevel.Information).AddNightSafeLogFilters().AddProvider(logs));
        await host.StartAsync();
        try
        {
            var context = new TestFunctionContext(host.Services);
            var routing = hub.Queue(QueueNames.Routing);
            var outbound = hub.Queue(QueueNames.OutboundSms);
            foreach (var queue in new[] { routing, outbound })
            {
                await queue.CreateIfNotExistsAsync();
                await queue.ClearMessagesAsync();
            }

            var before = logs.Lines.Count;
            var (_, twiml) = await ActivatorUtilities.CreateInstance<SmsInbound>(host.Services).RunAsync(
                WebhookRequests.InboundSms(hub, "+447700900005", "Harlow spiked outside the Square 07700 900341 consent yes"),
                context).ReadAsync();
            var reference = ReferenceIn().Match(twiml).Groups[1].Value;
            Assert.NotEmpty(reference);

            var item = (await routing.ReceiveMessageAsync()).Value;
            await ActivatorUtilities.CreateInstance<RouteReferral>(host.Services).RunAsync(item.MessageText, item.DequeueCount, context);
            await routing.DeleteMessageAsync(item.MessageId, item.PopReceipt);
            var sent = 0;
            while ((await outbound.ReceiveMessageAsync()).Value is { } sms)
            {
                await ActivatorUtilities.CreateInstance<SmsOutbound>(host.Services).RunAsync(sms.MessageText, sms.MessageId, sms.DequeueCount, context);
                await outbound.DeleteMessageAsync(sms.MessageId, sms.PopReceipt);
                sent++;
            }

            var lines = logs.Lines.Skip(before).Select(l => l.Split(" | ")[0]).ToList();
            foreach (var line in lines)
            {
                output.WriteLine(line);
            }

            // Routing sent the advice and the case alerts itself; anything queued is worked above.
            var atOnce = lines.Count(l => l.Contains($"/{reference}", StringComparison.Ordinal) && l.Contains(" handled at once", StringComparison.Ordinal));
            Assert.True(atOnce + sent > 1, "The referral sent no advice and no case alert.");
            Assert.All(lines, l => Assert.Contains(" NightSafe.", l, StringComparison.Ordinal));
            Assert.DoesNotContain(lines, l => l.Contains("Execution attempt", StringComparison.Ordinal));

            // Its steps: accepted, routed, each SMS sent. Each says so once.
            Assert.Single(lines, l => l.Contains($"{reference} accepted", StringComparison.Ordinal));
            Assert.Single(lines, l => l.Contains($"{reference} routed", StringComparison.Ordinal));
            Assert.Equal(hub.Twilio.Messages.Count(m => m.Body.Contains(reference, StringComparison.Ordinal) || m.To == "+447700900341"), atOnce + sent);
            Assert.Equal(2 + atOnce + sent, lines.Count);
            Assert.Equal(sent, lines.Count(l => l.Contains($"/{reference}", StringComparison.Ordinal) && l.Contains(" handled (delivery 1)", StringComparison.Ordinal)));
        }
        finally
        {
            await host.StopAsync();
        }
    }

    [GeneratedRegex(@"ref ([0-9A-Z]{6})")]
    private static partial Regex ReferenceIn();
}
