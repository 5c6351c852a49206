using Azure.Messaging.ServiceBus;
using Microsoft.Extensions.DependencyInjection;
using NightSafe.Core.Ports;
using NightSafe.Core.World;

namespace NightSafe.Integrations.Tests.ServiceBus;

/// <summary>Retention drains the partners' dead-letter queues: receive from cases/{agency}/$DeadLetterQueue, account, complete.</summary>
[Collection(ServiceBusEmulatorGroup.Name)]
public sealed class ServiceBusDeadLettersTests(ServiceBusEmulatorFixture emulator) : ServiceBusAdapterTests(emulator)
{
    private const string Agency = "first-aid-essex";

    private IDeadLetteredCases DeadLetters => Provider.GetRequiredService<IDeadLetteredCases>();

    [Fact]
    public async Task Every_dead_lettered_case_is_accounted_for_then_removed_and_a_failed_account_leaves_it_for_the_next_run()
    {
        // Fresh references: the topic's duplicate detection remembers other tests' message ids.
        var ids = new[] { $"2026-12-18/{Core.References.ReferenceCode.New()}/{Agency}", $"2026-12-18/{Core.References.ReferenceCode.New()}/{Agency}" }.Order(StringComparer.Ordinal).ToArray();
        await DeadLetterAsync(ids);

        var failed = await Assert.ThrowsAsync<InvalidOperationException>(() => DeadLetters.DrainAsync([new AgencyId(Agency)], (_, _) => throw new InvalidOperationException("storage down"), Ct));
        var accounted = new List<DeadLetteredCase>();
        var drained = await DeadLetters.DrainAsync([new AgencyId("street-pastors-chelmsford"), new AgencyId(Agency)], (dead, _) => { accounted.Add(dead); return Task.CompletedTask; }, Ct);

        Assert.Equal("storage down", failed.Message);
        var mine = accounted.Where(a => ids.Contains(a.MessageId)).ToList();
        Assert.Equal(accounted.Count, drained);
        Assert.Equal(ids, mine.Select(a => a.MessageId).Order(StringComparer.Ordinal));
        Assert.All(mine, a => Assert.Equal((Agency, "MaxDeliveryCountExceeded"), (a.AgencyId.Value, a.Reason)));
        await using var deadLetters = Client.CreateReceiver("cases", Agency, new ServiceBusReceiverOptions { SubQueue = SubQueue.DeadLetter });
        Assert.Null(await deadLetters.PeekMessageAsync(cancellationToken: Ct));
        Assert.Equal(0, await DeadLetters.DrainAsync([new AgencyId(Agency)], (_, _) => throw new InvalidOperationException("nothing left to account"), Ct));
    }

    /// <summary>Publishes the cases to the agency and dead-letters them on its subscription, as the broker does after max deliveries.</summary>
    private async Task DeadLetterAsync(IEnumerable<string> messageIds)
    {
        await using var sender = Client.CreateSender("cases");
        foreach (var id in messageIds)
        {
            var message = new ServiceBusMessage(BinaryData.FromString("""{"schemaVersion":1,"location":"Duke St"}""")) { MessageId = id };
            message.ApplicationProperties["agency"] = Agency;
            await sender.SendMessageAsync(message, Ct);
        }

        await using var receiver = Client.CreateReceiver("cases", Agency);
        var pending = messageIds.ToHashSet(StringComparer.Ordinal);
        while (pending.Count > 0)
        {
            var received = await receiver.ReceiveMessageAsync(TimeSpan.FromSeconds(5), Ct) ?? throw new TimeoutException("The case did not reach the subscription.");
            if (pending.Remove(received.MessageId))
            {
                await receiver.DeadLetterMessageAsync(received, "MaxDeliveryCountExceeded", "Message could not be consumed after 10 delivery attempts.", Ct);
            }
            else
            {
                // Another test's case on the shared emulator.
                await receiver.CompleteMessageAsync(received, Ct);
            }
        }
    }
}
