using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;

namespace NightSafe.ServiceBusEmulator.Cli;

/// <summary>Runs the broker until Ctrl+C or SIGTERM. One line on stdout once listening; logs go to stderr.</summary>
internal static class ServeCommand
{
    private const string Usage = """
        usage: servicebus-emulator [--port 5672] [--host 127.0.0.1] [--config Config.json] [--routing routing.json]
                                   [--key-name RootManageSharedAccessKey] [--key SAS_KEY_VALUE] [--verbose]
               servicebus-emulator bench [--messages 20000] [--body-bytes 256]
        """;

    public static async Task<int> RunAsync(string[] args)
    {
        Arguments arguments;
        EmulatorTopology topology;
        try
        {
            arguments = Arguments.Parse(args, new HashSet<string> { "--port", "--host", "--config", "--routing", "--key-name", "--key" }, new HashSet<string> { "--verbose", "--help" });
            if (arguments.Has("--help"))
            {
                await Console.Out.WriteLineAsync(Usage);
                return 0;
            }

            topology = LoadTopology(arguments);
        }
        catch (Exception exception) when (exception is ArgumentException or FormatException or IOException or System.Text.Json.JsonException)
        {
            await Console.Error.WriteLineAsync(exception.Message);
            await Console.Error.WriteLineAsync(Usage);
            return 2;
        }

        using var loggerFactory = LoggerFactory.Create(logging => logging
            .SetMinimumLevel(arguments.Has("--verbose") ? LogLevel.Debug : LogLevel.Information)
            .AddSimpleConsole(console => console.SingleLine = true)
            .AddConsole(console => console.LogToStandardErrorThreshold = LogLevel.Trace));

        using var stop = new CancellationTokenSource();
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);

        ServiceBusEmulatorServer started;
        try
        {
            started = await ServiceBusEmulatorServer.StartAsync(new ServiceBusEmulatorOptions
            {
                Port = arguments.Number("--port", 5672),
                Host = arguments.Text("--host") ?? "127.0.0.1",
                Topology = topology,
                KeyName = arguments.Text("--key-name") ?? ServiceBusEmulatorOptions.DefaultKeyName,
                Key = arguments.Text("--key") ?? ServiceBusEmulatorOptions.DefaultKey,
                LoggerFactory = loggerFactory,
            });
        }
        catch (Exception exception) when (exception is System.Net.Sockets.SocketException or FormatException)
        {
            await Console.Error.WriteLineAsync($"Cannot listen: {exception.Message}");
            return 1;
        }

        await using var broker = started;

        await Console.Out.WriteLineAsync($"servicebus-emulator listening on {broker.Host}:{broker.Port} connection-string: {broker.ConnectionString}");
        await Console.Out.FlushAsync();
        try
        {
            await Task.Delay(Timeout.Infinite, stop.Token);
        }
        catch (OperationCanceledException)
        {
            // Ctrl+C or SIGTERM: fall through to a clean stop.
        }

        return 0;

        void Stop(PosixSignalContext context)
        {
            context.Cancel = true;
            stop.Cancel();
        }
    }

    private static EmulatorTopology LoadTopology(Arguments arguments)
    {
        var topology = EmulatorTopology.Empty;
        if (arguments.Text("--config") is { } config)
        {
            topology = topology.Merge(EmulatorTopology.FromConfigJson(File.ReadAllText(config)));
        }

        if (arguments.Text("--routing") is { } routing)
        {
            topology = topology.Merge(EmulatorTopology.FromRoutingJson(File.ReadAllText(routing)));
        }

        if (topology.Queues.Count == 0 && topology.Topics.Count == 0)
        {
            throw new ArgumentException("No entities: give --config <Config.json> and/or --routing <routing.json>.");
        }

        return topology;
    }
}
