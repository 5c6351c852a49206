using Microsoft.Extensions.Logging;
using NightSafe.Core.Ports;

namespace NightSafe.Functions.Hosting;

/// <summary>
/// Stands in for the outbound SMS queue until the hub's one outbound SMS mechanism (the <c>sms-outbound</c> queue) is
/// registered: it sends nothing and says so. Registered with TryAdd after the adapters, so the real queue wins as soon
/// as the adapters register it. Delete once they do.
/// </summary>
public sealed partial class UnsentOutboundSms(ILogger<UnsentOutboundSms> logger) : IOutboundSmsQueue
{
    public Task EnqueueAsync(OutboundSmsItem item, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(item);
        LogNotSent(item.Kind, item.Key);
        return Task.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbound SMS {Kind} {Key} not sent: no outbound SMS queue is registered")]
    private partial void LogNotSent(string kind, string key);
}
