using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using NightSafe.Core.Partners;
using NightSafe.Core.Ports;
using NightSafe.Functions.Http;

namespace NightSafe.Functions.Partners;

/// <summary>
/// Runs each partner-loop step from the storage queue <c>partner-loop</c> when it becomes visible (an acknowledgement
/// deadline, an escalation, a cancellation). The step checks the case's state itself; a failure throws, so the queue
/// retries it.
/// </summary>
public sealed partial class PartnerLoopSteps(PartnerLoop loop, ILogger<PartnerLoopSteps> logger)
{
    [Function(nameof(PartnerLoopSteps))]
    public async Task RunAsync([QueueTrigger(QueueNames.PartnerLoop)] string message, FunctionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var item = PartnerLoopItem.FromJson(message)
            ?? throw new FormatException("The partner-loop message is not a {step, night, reference} JSON object.");
        using var activity = Trace.Start("partner loop " + item.Step, item.TraceParent ?? context.TraceContext?.TraceParent, System.Diagnostics.ActivityKind.Consumer);
        activity?.SetTag("nightsafe.reference", $"{item.Night}/{item.Reference}");
        using (logger.BeginScope(new Dictionary<string, object> { ["Night"] = item.Night, ["ReferenceCode"] = item.Reference }))
        {
            await loop.HandleAsync(item, context.CancellationToken);
        }
    }
}

/// <summary>A partner-loop step that failed every retry: the duty inspectors are texted to follow it up by hand.</summary>
public sealed class PartnerLoopPoison(PartnerLoopPoisoned poisoned)
{
    [Function(nameof(PartnerLoopPoison))]
    public Task RunAsync([QueueTrigger(QueueNames.PartnerLoopPoison)] string message, string id, FunctionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return poisoned.HandleAsync(PartnerLoopItem.FromJson(message), id, context.CancellationToken);
    }
}
