using System.Diagnostics;
using Microsoft.Extensions.Logging;
using NightSafe.FunctionsHost.Functions;
using NightSafe.FunctionsHost.Queues;
using NightSafe.FunctionsHost.Rpc;
using NightSafe.FunctionsHost.Worker;

namespace NightSafe.FunctionsHost.Invocations;

/// <summary>How one invocation ended, as the host saw it.</summary>
internal sealed record InvocationOutcome(string InvocationId, InvocationResponse? Response, string? Error)
{
    public bool Succeeded => Error is null;

    /// <summary>The data the worker returned for an output binding ("$return" is the return value).</summary>
    public TypedData? Output(string bindingName)
    {
        if (Response is null)
        {
            return null;
        }

        var named = Response.OutputData.FirstOrDefault(o => o.Name == bindingName)?.Data;
        return named ?? (bindingName == "$return" ? Response.ReturnValue : null);
    }
}

/// <summary>Builds invocation requests, sends them to the worker and applies non-HTTP output bindings.</summary>
internal sealed class FunctionInvoker(WorkerSupervisor supervisor, StorageQueues queues, ILogger<FunctionInvoker> logger, Action onServed)
{
    /// <summary>Runs <paramref name="function"/> with its trigger's input and metadata; never throws for a failed invocation.</summary>
    public async Task<InvocationOutcome> InvokeAsync(FunctionDescriptor function, TypedData triggerInput, IReadOnlyDictionary<string, TypedData> triggerMetadata, CancellationToken cancellationToken)
    {
        var invocationId = Guid.NewGuid().ToString();
        var request = new InvocationRequest
        {
            InvocationId = invocationId,
            FunctionId = function.FunctionId,
            // The worker dereferences trace_context on every invocation.
            TraceContext = new RpcTraceContext { TraceParent = $"00-{ActivityTraceId.CreateRandom()}-{ActivitySpanId.CreateRandom()}-01", TraceState = string.Empty },
        };
        request.InputData.Add(new ParameterBinding { Name = function.Trigger.Name, Data = triggerInput });
        foreach (var (key, value) in triggerMetadata)
        {
            request.TriggerMetadata[key] = value;
        }

        var started = Stopwatch.GetTimestamp();
        InvocationOutcome outcome;
        try
        {
            var response = await supervisor.InvokeAsync(request, cancellationToken);
            outcome = response.Result?.Status == StatusResult.Types.Status.Success
                ? new InvocationOutcome(invocationId, response, null)
                : new InvocationOutcome(invocationId, response, response.Result?.Exception?.Message ?? "The function failed without a reason.");
        }
        catch (Exception ex) when (ex is WorkerUnavailableException or TimeoutException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            outcome = new InvocationOutcome(invocationId, null, ex.Message);
        }

        if (outcome.Succeeded)
        {
            onServed();
            try
            {
                await WriteQueueOutputsAsync(function, outcome, cancellationToken);
            }
            catch (Exception ex) when (ex is Azure.RequestFailedException or InvalidOperationException or HttpRequestException)
            {
                outcome = outcome with { Error = $"Writing an output binding failed: {ex.Message}" };
            }
        }

        var elapsed = Stopwatch.GetElapsedTime(started);
        if (outcome.Succeeded)
        {
            HostLog.Executed(logger, function.Name, invocationId, (long)elapsed.TotalMilliseconds);
        }
        else
        {
            HostLog.ExecutionFailed(logger, function.Name, invocationId, (long)elapsed.TotalMilliseconds, outcome.Error);
        }

        return outcome;
    }

    private async Task WriteQueueOutputsAsync(FunctionDescriptor function, InvocationOutcome outcome, CancellationToken cancellationToken)
    {
        foreach (var binding in function.Outputs)
        {
            if (!string.Equals(binding.Type, "queue", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var data = outcome.Output(binding.Name);
            var messages = TypedDataConversions.ToMessages(data);
            if (messages.Count == 0)
            {
                continue;
            }

            var queue = queues.Queue(binding.Text("connection"), binding.Text("queueName") ?? throw new InvalidOperationException($"{function.Name}: queue output '{binding.Name}' has no queueName."));
            await queues.EnsureExistsAsync(queue, cancellationToken);
            foreach (var message in messages)
            {
                await queue.SendMessageAsync(message, cancellationToken: cancellationToken);
            }
        }
    }
}
