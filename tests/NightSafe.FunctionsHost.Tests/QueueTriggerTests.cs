using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;

namespace NightSafe.FunctionsHost.Tests;

/// <summary>Storage-queue triggers on Azurite through the real worker: output bindings, retries and the poison queue.</summary>
[Collection(DevHostGroup.Name)]
public sealed partial class QueueTriggerTests(DevHostFixture fixture)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_queue_message_runs_the_function_and_its_output_binding_reaches_azurite()
    {
        var input = await Queues.OpenAsync(fixture.StorageConnectionString, "relay-in");
        var output = await Queues.OpenAsync(fixture.StorageConnectionString, "relay-out");
        var text = "relay-" + Guid.NewGuid().ToString("N");

        var sent = (await input.SendMessageAsync(text)).Value;

        string? relayed = null;
        await Eventually.UntilAsync(async () => (relayed = (await Queues.PeekTextsAsync(output)).FirstOrDefault(m => m.StartsWith(text, StringComparison.Ordinal))) is not null, Deadline, "the relayed message in relay-out");
        Assert.Equal($"{text}|dequeue=1|id={sent.MessageId}", relayed);
        await Eventually.UntilAsync(async () => (await input.GetPropertiesAsync()).Value.ApproximateMessagesCount == 0, Deadline, "the input message deleted after success");
    }

    [Fact]
    public async Task A_message_failing_every_time_moves_to_poison_after_max_dequeue_count_with_dequeue_count_rising()
    {
        var work = await Queues.OpenAsync(fixture.StorageConnectionString, "work-items");
        var poison = await Queues.OpenAsync(fixture.StorageConnectionString, "work-items-poison");
        var text = "please fail " + Guid.NewGuid().ToString("N");

        var sent = (await work.SendMessageAsync(text)).Value;

        await Eventually.UntilAsync(async () => (await Queues.PeekTextsAsync(poison)).Contains(text), Deadline, "the failing message in work-items-poison");
        Assert.DoesNotContain((await work.PeekMessagesAsync(32)).Value, m => m.MessageId == sent.MessageId);

        // The worker's own log lines (RpcLog) are forwarded with their level and category: one per attempt, DequeueCount 1, 2, 3 (host.json maxDequeueCount).
        var attempts = fixture.Logs
            .Where(r => r.Message.Contains(sent.MessageId, StringComparison.Ordinal) && r.Message.StartsWith("Work item", StringComparison.Ordinal))
            .ToList();
        Assert.All(attempts, r => Assert.Equal(LogLevel.Information, r.Level));
        Assert.All(attempts, r => Assert.Equal("NightSafe.FunctionsHost.TestApp.QueueFunctions", r.Category));
        Assert.Equal([1, 2, 3], attempts.Select(r => int.Parse(Attempt().Match(r.Message).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Contains(fixture.Logs, r => r.Level == LogLevel.Warning && r.Message.Contains(sent.MessageId, StringComparison.Ordinal) && r.Message.Contains("work-items-poison", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_message_that_is_not_base64_moves_untouched_to_poison_and_the_queue_keeps_flowing()
    {
        var raw = new Azure.Storage.Queues.QueueClient(fixture.StorageConnectionString, "relay-in", new Azure.Storage.Queues.QueueClientOptions { MessageEncoding = Azure.Storage.Queues.QueueMessageEncoding.None });
        var poison = new Azure.Storage.Queues.QueueClient(fixture.StorageConnectionString, "relay-in-poison", new Azure.Storage.Queues.QueueClientOptions { MessageEncoding = Azure.Storage.Queues.QueueMessageEncoding.None });
        var relayed = await Queues.OpenAsync(fixture.StorageConnectionString, "relay-out");
        var input = await Queues.OpenAsync(fixture.StorageConnectionString, "relay-in");
        var garbled = "not base64 at all! " + Guid.NewGuid().ToString("N");
        var fine = "after-garbled-" + Guid.NewGuid().ToString("N");

        await raw.SendMessageAsync(garbled);
        await input.SendMessageAsync(fine);

        await Eventually.UntilAsync(async () => await poison.ExistsAsync() && (await poison.PeekMessagesAsync(32)).Value.Any(m => m.Body.ToString() == garbled), Deadline, "the garbled message in relay-in-poison");
        await Eventually.UntilAsync(async () => (await Queues.PeekTextsAsync(relayed)).Any(m => m.StartsWith(fine + "|", StringComparison.Ordinal)), Deadline, "the next message relayed");
    }

    [Fact]
    public async Task A_message_that_succeeds_is_not_retried()
    {
        var work = await Queues.OpenAsync(fixture.StorageConnectionString, "work-items");
        var sent = (await work.SendMessageAsync("fine " + Guid.NewGuid().ToString("N"))).Value;

        await Eventually.UntilAsync(
            () => fixture.Logs.Any(r => r.Message.Contains("Executed 'ProcessWork' (Succeeded", StringComparison.Ordinal))
                  && fixture.Logs.Any(r => r.Message.Contains(sent.MessageId, StringComparison.Ordinal)),
            Deadline,
            "ProcessWork to succeed on the message");
        await Eventually.UntilAsync(async () => !(await work.PeekMessagesAsync(32)).Value.Any(m => m.MessageId == sent.MessageId), Deadline, "the message deleted");
        Assert.Single(fixture.Logs, r => r.Message.Contains(sent.MessageId, StringComparison.Ordinal) && r.Message.StartsWith("Work item", StringComparison.Ordinal));
    }

    [GeneratedRegex(@"attempt (\d+)")]
    private static partial Regex Attempt();
}
