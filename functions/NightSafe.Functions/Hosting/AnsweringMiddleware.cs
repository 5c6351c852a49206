using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Middleware;
using NightSafe.Integrations.Storage;

namespace NightSafe.Functions.Hosting;

/// <summary>
/// An HTTP-triggered invocation answers someone who is waiting (an officer's text, a partner's page, a submitting
/// system): its storage requests go ahead of background work's (<see cref="StorageLanes"/>). Queue and timer triggers
/// are background work.
/// </summary>
public sealed class AnsweringMiddleware : IFunctionsWorkerMiddleware
{
    /// <summary>Whether the function is triggered by an HTTP request.</summary>
    public static bool Answers(FunctionDefinition function)
    {
        ArgumentNullException.ThrowIfNull(function);
        return function.InputBindings.Values.Any(b => string.Equals(b.Type, "httpTrigger", StringComparison.OrdinalIgnoreCase));
    }

    // Async, so the mark is this invocation's own flow's (its callees see it; the worker's loop does not).
    public async Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        if (Answers(context.FunctionDefinition))
        {
            StorageLanes.Answering();
        }

        await next(context);
    }
}
