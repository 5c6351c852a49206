using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace NightSafe.FunctionsHost.TestApp;

/// <summary>Queue triggers: one that fails on demand, one that relays to an output queue (and can hang once, to test a worker crash).</summary>
public sealed partial class QueueFunctions(ILogger<QueueFunctions> logger)
{
    [Function("ProcessWork")]
    public void ProcessWork([QueueTrigger("work-items")] string message, FunctionContext context)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(context);
        var attempt = Binding(context, "DequeueCount");
        var id = Binding(context, "Id");
        WorkAttempt(logger, id, attempt);
        if (message.Contains("fail", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException($"Failing on purpose (attempt {attempt}).");
        }
    }

    [Function("Relay")]
    [QueueOutput("relay-out")]
    public static async Task<string> Relay([QueueTrigger("relay-in")] string message, FunctionContext context)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(context);
        var attempt = Binding(context, "DequeueCount");
        if (message.StartsWith("hang-once", StringComparison.Ordinal) && attempt == "1")
        {
            // Never finishes on the first try: the test kills the worker while this runs.
            var logger = context.GetLogger("Relay");
            var id = Binding(context, "Id");
            Holding(logger, id);
            await Task.Delay(Timeout.Infinite, context.CancellationToken);
        }

        return $"{message}|dequeue={attempt}|id={Binding(context, "Id")}";
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Work item {MessageId} attempt {DequeueCount}")]
    private static partial void WorkAttempt(ILogger logger, string? messageId, string? dequeueCount);

    [LoggerMessage(Level = LogLevel.Information, Message = "Relay holding {MessageId}")]
    private static partial void Holding(ILogger logger, string? messageId);

    private static string? Binding(FunctionContext context, string name) =>
        context.BindingContext.BindingData.TryGetValue(name, out var value) ? value?.ToString()?.Trim('"') : null;
}
