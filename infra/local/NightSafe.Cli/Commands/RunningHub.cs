using NightSafe.Cli.Stack;

namespace NightSafe.Cli.Commands;

/// <summary>The `up` stack a command talks to, or a one-line reason why there is none.</summary>
public static class RunningHub
{
    /// <summary>Runs a command against the running stack: one line, not a stack trace, when it cannot be reached.</summary>
    public static async Task<int> RunAsync(string? statePath, Func<StackState, Task<int>> command, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (await FindAsync(statePath, cancellationToken) is not { } state)
        {
            return NightSafeCommandLine.Refused;
        }

        try
        {
            return await command(state);
        }
        catch (Exception ex) when (ex is HttpRequestException or Azure.Messaging.ServiceBus.ServiceBusException or Twilio.Exceptions.ApiConnectionException)
        {
            var part = ex switch
            {
                Twilio.Exceptions.ApiConnectionException => $"The Twilio stand-in at {state.TwilioBaseUrl}",
                Azure.Messaging.ServiceBus.ServiceBusException => "The Service Bus emulator",
                _ => $"The Functions app at {state.FunctionsBaseUrl}",
            };
            await Console.Error.WriteLineAsync($"{part} (stack pid {state.ProcessId}) did not answer: {FirstLine(ex.Message)}");
            return 1;
        }
    }

    public static async Task<StackState?> FindAsync(string? statePath, CancellationToken cancellationToken)
    {
        try
        {
            return await StackStateFile.ReadRunningAsync(statePath ?? StackStateFile.PathIn(), cancellationToken);
        }
        catch (StackNotRunningException ex)
        {
            await Console.Error.WriteLineAsync(ex.Message);
            return null;
        }
    }

    /// <summary>The first line of an SDK's message (some append a whole stack trace).</summary>
    public static string FirstLine(string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var end = message.IndexOfAny(['\r', '\n']);
        return end < 0 ? message : message[..end];
    }
}
