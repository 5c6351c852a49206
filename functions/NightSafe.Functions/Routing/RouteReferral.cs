using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using NightSafe.Core.Nights;
using NightSafe.Core.Ports;
using NightSafe.Core.References;
using NightSafe.Core.Routing;
using NightSafe.Functions.Http;

namespace NightSafe.Functions.Routing;

/// <summary>
/// Routes each referral from the storage queue <c>referrals-routing</c>. A failure throws, so the queue retries it
/// (maxDequeueCount in host.json); after the last retry the message goes to the poison queue and
/// <see cref="RoutingPoison"/> takes over.
/// </summary>
public sealed partial class RouteReferral(ReferralRouter router, ILogger<RouteReferral> logger)
{
    [Function(nameof(RouteReferral))]
    public async Task RunAsync([QueueTrigger(QueueNames.Routing)] string message, long dequeueCount, FunctionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var item = RoutingWorkItem.FromJson(message)
            ?? throw new FormatException("The routing message is not a {night, reference} JSON object.");
        if (!NightId.TryParse(item.Night, out var night) || !ReferenceCode.TryParse(item.Reference, out var reference))
        {
            throw new FormatException("The routing message's night or reference is malformed.");
        }

        // Join the referral's own trace (started at intake), not the queue poll's.
        using var activity = Trace.Start("route referral", item.TraceParent ?? context.TraceContext?.TraceParent, System.Diagnostics.ActivityKind.Consumer);
        activity?.SetTag("nightsafe.reference", $"{night}/{reference}");
        using (logger.BeginScope(new Dictionary<string, object> { ["Night"] = item.Night, ["ReferenceCode"] = item.Reference }))
        {
            var outcome = await router.RouteAsync(night, reference, context.CancellationToken);
            if (outcome == RoutingOutcome.Routed)
            {
                LogRouted(night, reference, outcome, dequeueCount);
            }
            else
            {
                LogNotRouted(night, reference, outcome, dequeueCount);
            }
        }
    }

    // Debug: the router logs the step ("Referral ... routed").
    [LoggerMessage(Level = LogLevel.Debug, Message = "Routing of {Night}/{ReferenceCode}: {Outcome} (delivery {DequeueCount})")]
    private partial void LogRouted(NightId night, ReferenceCode referenceCode, RoutingOutcome outcome, long dequeueCount);

    [LoggerMessage(Level = LogLevel.Information, Message = "Routing of {Night}/{ReferenceCode}: {Outcome} (delivery {DequeueCount})")]
    private partial void LogNotRouted(NightId night, ReferenceCode referenceCode, RoutingOutcome outcome, long dequeueCount);
}

/// <summary>
/// The routing queue's poison messages (every retry failed): flag the referral for manual routing and alert the duty
/// inspectors by SMS. Nothing is dropped silently.
/// </summary>
public sealed class RoutingPoison(ManualRouting manual)
{
    [Function(nameof(RoutingPoison))]
    public Task RunAsync([QueueTrigger(QueueNames.RoutingPoison)] string message, string id, FunctionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return manual.HandleAsync(RoutingWorkItem.FromJson(message), id, context.CancellationToken);
    }
}
