using System.Globalization;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using NightSafe.FunctionsHost;
using NightSafe.FunctionsHost.Cli;

// functions-host: runs a built isolated-worker function app locally, as `func start` does.
CommandLine options;
try
{
    options = CommandLine.Parse(args);
}
catch (ArgumentException ex)
{
    Console.Error.WriteLine(ex.Message);
    Console.Error.WriteLine(CommandLine.Usage);
    return 2;
}

if (options.ShowHelp)
{
    Console.WriteLine(CommandLine.Usage);
    return 0;
}

using var loggerFactory = LoggerFactory.Create(logging => logging
    .AddSimpleConsole(console =>
    {
        console.SingleLine = true;
        console.TimestampFormat = "HH:mm:ss ";
    })
    .SetMinimumLevel(options.Verbose ? LogLevel.Debug : LogLevel.Information));

using var stop = new CancellationTokenSource();
using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);

FunctionsDevHost started;
try
{
    var settings = options.SettingsFile is null
        ? new Dictionary<string, string?>()
        : new Dictionary<string, string?>(LocalSettingsFile.Read(options.SettingsFile));

    started = await FunctionsDevHost.StartAsync(new FunctionsDevHostOptions
    {
        AppDirectory = options.AppDirectory,
        HttpPort = options.Port,
        Settings = settings,
        MasterKey = options.MasterKey,
        FunctionKey = options.FunctionKey,
        LoggerFactory = loggerFactory,
    }, stop.Token);
}
catch (Exception ex) when (ex is IOException or InvalidDataException or System.Text.Json.JsonException or UnauthorizedAccessException)
{
    // A wrong folder, a bad settings file or a port in use: say so in one line.
    Console.Error.WriteLine($"functions-host: {ex.Message}");
    return 1;
}

await using var host = started;

try
{
    await host.WaitUntilRunningAsync(TimeSpan.FromMinutes(2), stop.Token);
}
catch (OperationCanceledException)
{
    return 130;
}
catch (TimeoutException ex)
{
    Console.Error.WriteLine(ex.Message);
    return 1;
}

Console.WriteLine();
Console.WriteLine("Functions:");
foreach (var function in host.Functions)
{
    Console.WriteLine(function.Url is null
        ? $"  {function.Name}: {function.TriggerType}"
        : $"  {function.Name}: [{string.Join(",", function.Methods.DefaultIfEmpty("ANY"))}] {function.Url} ({function.AuthLevel})");
}

Console.WriteLine();
Console.WriteLine($"Master key: {host.MasterKey}");
Console.WriteLine($"Function key: {host.FunctionKey}");
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Ready in {host.ReadyAfter?.TotalMilliseconds:0} ms. Press Ctrl+C to stop."));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Worker pid: {host.WorkerProcessId}"));

var firstReported = false;
while (!stop.IsCancellationRequested)
{
    try
    {
        await Task.Delay(TimeSpan.FromMilliseconds(250), stop.Token);
    }
    catch (OperationCanceledException)
    {
        break;
    }

    if (!firstReported && host.FirstInvocationServedAfter is { } served)
    {
        firstReported = true;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Cold start: first invocation served {served.TotalMilliseconds:0} ms after host start."));
    }
}

return 0;

void Stop(PosixSignalContext context)
{
    // Stop gracefully ourselves instead of letting the runtime end the process.
    context.Cancel = true;
    stop.Cancel();
}
