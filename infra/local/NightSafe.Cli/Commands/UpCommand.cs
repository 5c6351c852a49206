using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.Logging;
using NightSafe.Cli.Output;
using NightSafe.Cli.Stack;
using Spectre.Console;

namespace NightSafe.Cli.Commands;

/// <summary>`nightsafe up`: the whole stack on the real tools' ports, its endpoints and keys, then its logs until Ctrl+C.</summary>
public static class UpCommand
{
    private static readonly Dictionary<StackPart, string> OptionNames = new()
    {
        [StackPart.AzuriteBlob] = "--azurite-blob-port",
        [StackPart.AzuriteQueue] = "--azurite-queue-port",
        [StackPart.AzuriteTable] = "--azurite-table-port",
        [StackPart.ServiceBus] = "--servicebus-port",
        [StackPart.Functions] = "--functions-port",
        [StackPart.Twilio] = "--twilio-port",
    };

    public static Command Create(Option<string?> statePath)
    {
        var defaults = StackPorts.Defaults;
        var ports = Enum.GetValues<StackPart>().ToDictionary(p => p, p => new Option<int>(OptionNames[p])
        {
            Description = $"Port for {Describe(p)}.",
            DefaultValueFactory = _ => defaults[p],
        }.InRange(1, 65535));
        var clock = ClockOption.Create();
        var verbose = new Option<bool>("--verbose") { Description = "Debug-level logs." };
        var inMemory = new Option<bool>("--in-memory")
        {
            Description = "Keep nothing: Azurite in memory, a new phone key pepper. By default the roster, keys, referrals and queued work are kept in the state file's folder (.nightsafe/) across restarts.",
        };
        var command = new Command("up", "Start Azurite, the Service Bus emulator, the Twilio stand-in and the Functions app; print endpoints and keys; stream logs until Ctrl+C.");
        foreach (var option in ports.Values)
        {
            command.Options.Add(option);
        }

        command.Options.Add(clock);
        command.Options.Add(verbose);
        command.Options.Add(inMemory);
        command.SetAction((parse, cancellationToken) => RunAsync(
            new StackPorts(
                parse.GetValue(ports[StackPart.AzuriteBlob]),
                parse.GetValue(ports[StackPart.AzuriteQueue]),
                parse.GetValue(ports[StackPart.AzuriteTable]),
                parse.GetValue(ports[StackPart.ServiceBus]),
                parse.GetValue(ports[StackPart.Functions]),
                parse.GetValue(ports[StackPart.Twilio])),
            ClockOption.Read(parse, clock),
            parse.GetValue(verbose),
            parse.GetValue(inMemory),
            parse.GetValue(statePath) ?? StackStateFile.PathIn(),
            cancellationToken));
        return command;
    }

    /// <summary>The option that sets a part's port, for error messages.</summary>
    public static string OptionFor(StackPart part) => OptionNames[part];

    private static async Task<int> RunAsync(StackPorts ports, DateTime? clockStart, bool verbose, bool inMemory, string statePath, CancellationToken cancellationToken)
    {
        // One stack per state file: a second `up` would find every port taken and blame the first one it tried.
        if (await StackStateFile.TryReadRunningAsync(statePath, cancellationToken) is { } running)
        {
            await Console.Error.WriteLineAsync($"A NightSafe stack is already running (pid {running.ProcessId}); stop it with dotnet nightsafe down.");
            return NightSafeCommandLine.Refused;
        }

        var logs = new LineLog(Console.WriteLine, verbose ? (_, level) => level >= LogLevel.Debug : LineLog.Console, LineLog.ConsoleHasColour);
        using var loggerFactory = LoggerFactory.Create(logging => logging.SetMinimumLevel(LogLevel.Trace).AddProvider(logs));
        // Start-up logs come before the endpoints table, and nothing interleaves with the table while it prints.
        logs.Hold();
        Console.WriteLine("Starting the offline stack (Azurite, Service Bus emulator, Twilio stand-in, Functions app)...");
        // Data lives next to the state file (.nightsafe/ by default): the roster, keys, referrals and queued work survive a restart.
        var dataDirectory = inMemory ? null : Path.GetDirectoryName(Path.GetFullPath(statePath));
        Console.WriteLine(dataDirectory is null
            ? "Data: in memory only (--in-memory); nothing is kept when the stack stops."
            : $"Data: kept in {StackData.AzuriteFolder(dataDirectory)} across restarts (--in-memory keeps nothing; delete the folder to start afresh). Service Bus messages are not kept.");
        OfflineHub stack;
        try
        {
            stack = await OfflineHub.StartAsync(
                new OfflineHubOptions { Ports = ports, ClockStart = clockStart, LoggerFactory = loggerFactory, Say = Console.WriteLine, DataDirectory = dataDirectory },
                cancellationToken);
        }
        catch (PortTakenException ex)
        {
            logs.Release();
            await Console.Error.WriteLineAsync($"Port {ex.Port} is already in use: stop what listens there, or choose another port with {OptionFor(ex.Part)} <port>.");
            return NightSafeCommandLine.Refused;
        }
        catch (OperationCanceledException)
        {
            return 130;
        }
        catch (Exception ex) when (StartFailure.Explain(ex) is { } reason)
        {
            logs.Release();
            await Console.Error.WriteLineAsync($"The stack did not start: {reason}");
            return 1;
        }

        await using (stack)
        {
            try
            {
                await StackStateFile.WriteAsync(statePath, stack.State(Environment.ProcessId), cancellationToken);
                logs.Flush();
                StackScreen.Print(stack, statePath);
                logs.Release();
                await StreamUntilStoppedAsync(stack, logs, cancellationToken);
            }
            finally
            {
                logs.Release();
                StackStateFile.Delete(statePath, Environment.ProcessId);
                Console.WriteLine("Stopping the offline stack...");
            }
        }

        Console.WriteLine("Stopped. Nothing is left running.");
        return 0;
    }

    private static async Task StreamUntilStoppedAsync(OfflineHub stack, LineLog logs, CancellationToken cancellationToken)
    {
        var reported = false;
        var repeated = false;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }

            // The start-up logs have scrolled the screen away: once they settle, the next steps again.
            if (!repeated && logs.Quiet > TimeSpan.FromSeconds(2))
            {
                repeated = true;
                AnsiConsole.WriteLine();
                Console.WriteLine(StackScreen.SummaryLine(stack));
                StackScreen.PrintNextSteps(stack);
                AnsiConsole.MarkupLine("[grey]Ready. Logs follow; Ctrl+C (or dotnet nightsafe down) stops everything.[/]");
            }

            if (!reported && stack.Functions.FirstInvocationServedAfter is { } served)
            {
                reported = true;
                AnsiConsole.MarkupLine(string.Create(CultureInfo.InvariantCulture, $"[grey]Cold start: first invocation served {served.TotalMilliseconds:0} ms after the Functions host started.[/]"));
            }
        }
    }

    private static string Describe(StackPart part) => part switch
    {
        StackPart.AzuriteBlob => "Azurite blobs",
        StackPart.AzuriteQueue => "Azurite queues",
        StackPart.AzuriteTable => "Azurite tables",
        StackPart.ServiceBus => "the Service Bus emulator (AMQP)",
        StackPart.Functions => "the Functions app (HTTP)",
        _ => "the Twilio stand-in",
    };
}
