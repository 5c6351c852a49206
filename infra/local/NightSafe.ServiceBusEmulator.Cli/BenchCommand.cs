using System.Diagnostics;
using System.Globalization;
using Azure.Messaging.ServiceBus;

namespace NightSafe.ServiceBusEmulator.Cli;

/// <summary>
/// Throughput through the real SDK against an in-process broker: messages/s sent (batched and one per call), and
/// received+completed (peek-lock) with 1 and with 16 concurrent receivers.
/// </summary>
internal static class BenchCommand
{
    private const int BatchSize = 100;
    private const int Senders = 4;

    public static async Task<int> RunAsync(string[] args)
    {
        Arguments arguments;
        try
        {
            arguments = Arguments.Parse(args, new HashSet<string> { "--messages", "--body-bytes" }, new HashSet<string>());
        }
        catch (Exception exception) when (exception is ArgumentException or FormatException)
        {
            await Console.Error.WriteLineAsync(exception.Message);
            await Console.Error.WriteLineAsync("usage: servicebus-emulator bench [--messages 20000] [--body-bytes 256]");
            return 2;
        }

        var messages = arguments.Number("--messages", 20_000);
        var body = new byte[arguments.Number("--body-bytes", 256)];
        var topology = EmulatorTopology.Empty.WithQueue("bench-single").WithQueue("bench-1").WithQueue("bench-16");
        await using var broker = await ServiceBusEmulatorServer.StartAsync(new ServiceBusEmulatorOptions { Topology = topology });
        await using var client = new ServiceBusClient(broker.ConnectionString);

        await Console.Out.WriteLineAsync($"Service Bus emulator bench: {messages} messages of {body.Length} bytes, {Environment.ProcessorCount} cores, SDK and broker in one process");
        var rows = new List<(string Phase, int Count, TimeSpan Elapsed)>();

        // Warm the JIT and connection so the first row does not pay for start-up.
        await SendBatchedAsync(client, "bench-single", 200, body);
        await ReceiveAndCompleteAsync(client, "bench-single", 200, 1);

        var singles = Math.Min(messages, 5_000);
        rows.Add(("send, one message per call, 16 concurrent senders", singles, await TimeAsync(() => SendOneByOneAsync(client, "bench-single", singles, body))));
        rows.Add(($"send, batches of up to {BatchSize}, {Senders} concurrent senders", messages, await TimeAsync(() => SendBatchedAsync(client, "bench-1", messages, body))));
        rows.Add(("receive+complete, 1 receiver", messages, await TimeAsync(() => ReceiveAndCompleteAsync(client, "bench-1", messages, 1))));
        rows.Add(("receive+complete one at a time, 1 receiver, no prefetch", singles, await TimeAsync(() => ReceiveOneByOneAsync(client, "bench-single", singles))));
        await SendBatchedAsync(client, "bench-16", messages, body);
        rows.Add(("receive+complete, 16 receivers", messages, await TimeAsync(() => ReceiveAndCompleteAsync(client, "bench-16", messages, 16))));

        await Console.Out.WriteLineAsync();
        await Console.Out.WriteLineAsync($"{"phase",-58} {"messages",9} {"seconds",8} {"msg/s",9}");
        foreach (var (phase, count, elapsed) in rows)
        {
            await Console.Out.WriteLineAsync(string.Create(
                CultureInfo.InvariantCulture,
                $"{phase,-58} {count,9} {elapsed.TotalSeconds,8:F2} {count / elapsed.TotalSeconds,9:F0}"));
        }

        await Console.Out.WriteLineAsync($"receivers are peek-lock; batched rows: PrefetchCount 200, ReceiveMessagesAsync({BatchSize}), each batch's completions awaited together");
        var left = broker.GetMessageCount("bench-single") + broker.GetMessageCount("bench-1") + broker.GetMessageCount("bench-16");
        await Console.Out.WriteLineAsync(left == 0 ? "all messages accounted for" : $"WARNING: {left} messages unaccounted for");
        return left == 0 ? 0 : 1;
    }

    private static async Task<TimeSpan> TimeAsync(Func<Task> phase)
    {
        var clock = Stopwatch.StartNew();
        await phase();
        return clock.Elapsed;
    }

    private static async Task SendOneByOneAsync(ServiceBusClient client, string queue, int count, byte[] body)
    {
        await using var sender = client.CreateSender(queue);
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, 16).Select(async _ =>
        {
            while (Interlocked.Increment(ref next) < count)
            {
                await sender.SendMessageAsync(new ServiceBusMessage(body));
            }
        }));
    }

    private static async Task SendBatchedAsync(ServiceBusClient client, string queue, int count, byte[] body)
    {
        var next = 0;
        await Task.WhenAll(Enumerable.Range(0, Senders).Select(async _ =>
        {
            await using var sender = client.CreateSender(queue);
            while (true)
            {
                var start = Interlocked.Add(ref next, BatchSize) - BatchSize;
                if (start >= count)
                {
                    return;
                }

                // Up to BatchSize messages, in as many batches as the 256 KB limit needs.
                var remaining = Math.Min(BatchSize, count - start);
                while (remaining > 0)
                {
                    using var batch = await sender.CreateMessageBatchAsync();
                    while (remaining > 0 && batch.TryAddMessage(new ServiceBusMessage(body)))
                    {
                        remaining--;
                    }

                    await sender.SendMessagesAsync(batch);
                }
            }
        }));
    }

    private static async Task ReceiveOneByOneAsync(ServiceBusClient client, string queue, int count)
    {
        await using var receiver = client.CreateReceiver(queue);
        var deadline = DateTime.UtcNow.AddMinutes(5);
        for (var received = 0; received < count && DateTime.UtcNow < deadline;)
        {
            if (await receiver.ReceiveMessageAsync(TimeSpan.FromSeconds(5)) is { } message)
            {
                await receiver.CompleteMessageAsync(message);
                received++;
            }
        }
    }

    private static async Task ReceiveAndCompleteAsync(ServiceBusClient client, string queue, int count, int receivers)
    {
        var completed = 0;
        var deadline = DateTime.UtcNow.AddMinutes(5);
        await Task.WhenAll(Enumerable.Range(0, receivers).Select(async _ =>
        {
            await using var receiver = client.CreateReceiver(queue, new ServiceBusReceiverOptions { PrefetchCount = 200 });
            while (Volatile.Read(ref completed) < count && DateTime.UtcNow < deadline)
            {
                var batch = await receiver.ReceiveMessagesAsync(BatchSize, TimeSpan.FromMilliseconds(200));
                await Task.WhenAll(batch.Select(m => receiver.CompleteMessageAsync(m)));
                Interlocked.Add(ref completed, batch.Count);
            }
        }));
    }
}
