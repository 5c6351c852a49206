using Azure.Messaging.ServiceBus;
using Microsoft.Extensions.Logging;
using NightSafe.Core.Ports;
using NightSafe.Core.World;

namespace NightSafe.Integrations.ServiceBus;

/// <summary>
/// Drains the dead-letter queue of every agency's <c>cases</c> subscription (receive in peek-lock, account, complete),
/// so a case a partner failed to process does not keep its data past retention. Needs Azure Service Bus Data Receiver
/// on the topic (infra/modules/app-roles.bicep). A peek first, so an empty queue costs no receive wait.
/// </summary>
public sealed partial class ServiceBusDeadLetters(ServiceBusClient client, ILogger<ServiceBusDeadLetters> logger) : IDeadLetteredCases
{
    /// <summary>How long a receive waits for the next message of a queue that had one a moment ago.</summary>
    public static readonly TimeSpan ReceiveWait = TimeSpan.FromSeconds(1);

    /// <summary>At most this many per subscription per run, so a flood cannot hold the retention run for ever.</summary>
    public const int MaxPerSubscription = 5000;

    private const int Batch = 50;

    public async Task<int> DrainAsync(IReadOnlyList<AgencyId> agencyIds, Func<DeadLetteredCase, CancellationToken, Task> account, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(agencyIds);
        ArgumentNullException.ThrowIfNull(account);
        var drained = 0;
        foreach (var agencyId in agencyIds)
        {
            await using var receiver = client.CreateReceiver(
                PartnerMessages.CasesTopic,
                agencyId.Value,
                new ServiceBusReceiverOptions { SubQueue = SubQueue.DeadLetter, ReceiveMode = ServiceBusReceiveMode.PeekLock });
            if (await receiver.PeekMessageAsync(cancellationToken: cancellationToken) is null)
            {
                continue;
            }

            var fromAgency = 0;
            while (fromAgency < MaxPerSubscription)
            {
                var messages = await receiver.ReceiveMessagesAsync(Batch, ReceiveWait, cancellationToken);
                if (messages.Count == 0)
                {
                    break;
                }

                for (var i = 0; i < messages.Count; i++)
                {
                    var message = messages[i];
                    try
                    {
                        // Accounted for before it goes.
                        await account(new DeadLetteredCase(agencyId, message.MessageId, message.DeadLetterReason, message.EnqueuedTime), cancellationToken);
                    }
                    catch (Exception e) when (e is not OutOfMemoryException)
                    {
                        // Not accounted for: it and the rest of the batch go back now (not at lock expiry) for the next run.
                        await ReleaseAsync(receiver, messages.Skip(i));
                        throw;
                    }

                    await receiver.CompleteMessageAsync(message, cancellationToken);
                    fromAgency++;
                }
            }

            LogDrained(agencyId, fromAgency);
            drained += fromAgency;
        }

        return drained;
    }

    private async Task ReleaseAsync(ServiceBusReceiver receiver, IEnumerable<ServiceBusReceivedMessage> messages)
    {
        foreach (var message in messages)
        {
            try
            {
                await receiver.AbandonMessageAsync(message, cancellationToken: CancellationToken.None);
            }
            catch (ServiceBusException e)
            {
                // Its lock runs out instead.
                LogReleaseFailed(e, message.MessageId);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dead-lettered message {MessageId} could not be released; it returns when its lock expires")]
    private partial void LogReleaseFailed(Exception exception, string messageId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Dead-letter queue of cases/{Agency}: {Count} messages drained")]
    private partial void LogDrained(AgencyId agency, int count);
}
