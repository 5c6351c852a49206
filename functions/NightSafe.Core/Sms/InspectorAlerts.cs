using NightSafe.Core.Ports;
using NightSafe.Core.World;

namespace NightSafe.Core.Sms;

/// <summary>An alert to every duty inspector: one <c>sms-outbound</c> item each under one key, so a rerun texts nobody twice.</summary>
public static class InspectorAlerts
{
    /// <summary>Queues <paramref name="alert"/> (made GSM-7, at most two segments) for every duty inspector.</summary>
    public static async Task AlertEveryInspectorAsync(
        this IOutboundSmsQueue queue,
        RoutingWorld world,
        string key,
        string alert,
        string? night,
        string? reference,
        string? traceParent,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(queue);
        ArgumentNullException.ThrowIfNull(world);
        var text = SmsText.Truncate(SmsText.ToGsm7(alert), 2);
        foreach (var inspector in world.DutyInspectors)
        {
            await queue.EnqueueAsync(new OutboundSmsItem(SmsKinds.InspectorAlert, key, inspector.Phone, text, night, reference, traceParent), cancellationToken);
        }
    }
}
