using Azure.Messaging.ServiceBus;
using Microsoft.Extensions.Logging;
using NightSafe.Core.Ports;

namespace NightSafe.Integrations.ServiceBus;

/// <summary>
/// Publishes partner messages to topics <c>cases</c> and <c>summaries</c>, one sender each, created once. The messages
/// of one call go in one batch, sent atomically; only when they exceed a batch's size are several batches sent, and
/// a retry of the whole call is then absorbed by the topics' duplicate detection (MessageId).
/// </summary>
public sealed partial class ServiceBusPartnerMessagePublisher : IPartnerMessagePublisher, IAsyncDisposable
{
    private readonly ServiceBusSender _cases;
    private readonly ServiceBusSender _summaries;
    private readonly ILogger<ServiceBusPartnerMessagePublisher> _logger;

    public ServiceBusPartnerMessagePublisher(ServiceBusClient client, ILogger<ServiceBusPartnerMessagePublisher> logger)
    {
        ArgumentNullException.ThrowIfNull(client);
        _cases = client.CreateSender(PartnerMessages.CasesTopic);
        _summaries = client.CreateSender(PartnerMessages.SummariesTopic);
        _logger = logger;
    }

    public Task PublishCasesAsync(IReadOnlyList<OutgoingCase> cases, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cases);
        return SendAsync(_cases, [.. cases.Select(PartnerMessages.ForCase)], cancellationToken);
    }

    public Task PublishSummariesAsync(IReadOnlyList<OutgoingSummary> summaries, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(summaries);
        return SendAsync(_summaries, [.. summaries.Select(PartnerMessages.ForSummary)], cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await _cases.DisposeAsync();
        await _summaries.DisposeAsync();
    }

    private async Task SendAsync(ServiceBusSender sender, IReadOnlyList<ServiceBusMessage> messages, CancellationToken cancellationToken)
    {
        if (messages.Count == 0)
        {
            return;
        }

        var batches = 0;
        var batch = await sender.CreateMessageBatchAsync(cancellationToken);
        try
        {
            foreach (var message in messages)
            {
                if (batch.TryAddMessage(message))
                {
                    continue;
                }

                if (batch.Count == 0)
                {
                    throw new InvalidOperationException($"Message {message.MessageId} is larger than {sender.EntityPath} accepts.");
                }

                await sender.SendMessagesAsync(batch, cancellationToken);
                batches++;
                batch.Dispose();
                batch = await sender.CreateMessageBatchAsync(cancellationToken);
                if (!batch.TryAddMessage(message))
                {
                    throw new InvalidOperationException($"Message {message.MessageId} is larger than {sender.EntityPath} accepts.");
                }
            }

            await sender.SendMessagesAsync(batch, cancellationToken);
            batches++;
        }
        finally
        {
            batch.Dispose();
        }

        if (_logger.IsEnabled(LogLevel.Information))
        {
            // Message ids are night/reference/agency: enough for on-call to find the referral, nothing personal.
            var ids = string.Join(' ', messages.Select(m => m.MessageId));
            LogPublished(messages.Count, sender.EntityPath, batches, ids);
        }
    }

    // Debug: routing logs the step ("Referral ... routed: N new cases published").
    [LoggerMessage(Level = LogLevel.Debug, Message = "Published {Count} message(s) to topic {Topic} in {Batches} batch(es): {MessageIds}")]
    private partial void LogPublished(int count, string topic, int batches, string messageIds);
}
