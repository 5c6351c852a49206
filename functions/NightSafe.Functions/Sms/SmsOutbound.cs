using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using NightSafe.Core.Sms;
using NightSafe.Functions.Http;
using NightSafe.Core.Ports;

namespace NightSafe.Functions.Sms;

/// <summary>
/// Sends each outbound SMS from the storage queue <c>sms-outbound</c>. A provider outage or an unclear answer throws,
/// so the queue retries it (maxDequeueCount in host.json; a reconcile comes before any resend); after the last retry
/// the message goes to the poison queue and <see cref="SmsOutboundPoison"/> records it as failed.
/// </summary>
public sealed partial class SmsOutbound(OutboundSmsWork work, ILogger<SmsOutbound> logger)
{
    [Function(nameof(SmsOutbound))]
    public async Task RunAsync([QueueTrigger(QueueNames.OutboundSms)] string message, string id, long dequeueCount, FunctionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (OutboundSmsItem.FromJson(message) is not { } item)
        {
            // Cannot succeed on a retry: say so and drop it.
            LogUnreadable(id);
            return;
        }

        using var activity = Trace.Start("send sms", item.TraceParent ?? context.TraceContext?.TraceParent, System.Diagnostics.ActivityKind.Consumer);
        activity?.SetTag("nightsafe.sms", item.Key);
        await work.HandleAsync(item, context.CancellationToken);
        LogHandled(item.Kind, item.Key, dequeueCount);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Outbound SMS message {MessageId} is not a work item; dropped")]
    private partial void LogUnreadable(string messageId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Outbound SMS {Kind} {Key} handled (delivery {DequeueCount})")]
    private partial void LogHandled(string kind, string key, long dequeueCount);
}

/// <summary>
/// The outbound SMS queue's poison messages (every retry failed): recorded as failed where it counts (an advice on its
/// referral, so the summary shows it); routing is never touched.
/// </summary>
public sealed class SmsOutboundPoison(OutboundSmsWork work)
{
    [Function(nameof(SmsOutboundPoison))]
    public Task RunAsync([QueueTrigger(QueueNames.OutboundSmsPoison)] string message, string id, FunctionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return work.PoisonedAsync(OutboundSmsItem.FromJson(message), id, context.CancellationToken);
    }
}
