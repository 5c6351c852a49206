using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.Logging;
using NightSafe.Cli.Demo;
using NightSafe.Cli.Output;
using NightSafe.Cli.Stack;
using NightSafe.LocalStack;
using Spectre.Console;

namespace NightSafe.Cli.Commands;

/// <summary>`nightsafe demo`: a fresh stack on free ports, a busy night replayed through it, the night in figures and its checks.</summary>
public static class DemoCommand
{
    /// <summary>Exit code after Ctrl+C, as shells report SIGINT.</summary>
    private const int Stopped = 130;

    public static Command Create()
    {
        var texts = new Option<int>("--texts") { Description = "Texts from rostered officers.", DefaultValueFactory = _ => new DemoOptions().OfficerTexts }.InRange(1, 100_000);
        var seed = new Option<int>("--seed") { Description = "The same seed replays the same night.", DefaultValueFactory = _ => new DemoOptions().Seed };
        var parallel = new Option<int>("--parallel") { Description = "Texts in flight at once.", DefaultValueFactory = _ => new DemoOptions().Parallelism }.InRange(1, 256);
        var log = new Option<string?>("--log") { Description = "Where the stack's logs go (default .nightsafe/demo.log)." };
        var deadline = new Option<int>("--deadline-seconds") { Description = "Every case's acknowledgement deadline in the demo's stack, in seconds (escalation at twice this).", DefaultValueFactory = _ => (int)new DemoOptions().AcknowledgeWithin.TotalSeconds };
        var keepOpen = new Option<bool>("--keep-open") { Description = "Keep the stack running after the night (board and desks stay open) until Ctrl+C." };
        var command = new Command("demo", "Start a private stack on free ports, replay a busy night (officers, partners answering by API and SMS, late or never, advice SMS, summary) and check what happened.")
        {
            texts,
            seed,
            parallel,
            log,
            deadline,
            keepOpen,
        };
        command.SetAction((parse, cancellationToken) => RunAsync(
            new DemoOptions { OfficerTexts = parse.GetValue(texts), Seed = parse.GetValue(seed), Parallelism = Math.Max(1, parse.GetValue(parallel)), AcknowledgeWithin = TimeSpan.FromSeconds(Math.Max(1, parse.GetValue(deadline))) },
            parse.GetValue(log),
            parse.GetValue(keepOpen),
            cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(DemoOptions options, string? requestedLogPath, bool keepOpen, CancellationToken cancellationToken)
    {
        var (logFile, logPath) = OpenLog(requestedLogPath);
        await using var _ = logFile;
        var lines = new LineLog(line => logFile.WriteLine(line), LineLog.Default);
        using var loggerFactory = LoggerFactory.Create(logging => logging.SetMinimumLevel(LogLevel.Trace).AddProvider(lines));

        var started = System.Diagnostics.Stopwatch.StartNew();
        AnsiConsole.MarkupLine($"Starting a private offline stack on free ports [grey](logs: {Markup.Escape(logPath)})[/]...");
        OfflineHub stack;
        try
        {
            stack = await OfflineHub.StartAsync(new OfflineHubOptions { Ports = StackPorts.AnyFree, LoggerFactory = loggerFactory, Say = Console.WriteLine, AcknowledgeWithin = options.AcknowledgeWithin }, cancellationToken);
        }
        catch (Exception ex) when (StartFailure.Explain(ex) is { } reason)
        {
            await Console.Error.WriteLineAsync($"The stack did not start: {reason} (logs: {logPath})");
            return 1;
        }
        catch (OperationCanceledException)
        {
            return Stopped;
        }

        await using (stack)
        {
            AnsiConsole.MarkupLine(string.Create(
                CultureInfo.InvariantCulture,
                $"Stack up in {started.Elapsed.TotalSeconds:0.0} s. Night {stack.Night}, app clock from {stack.ClockStart:ddd d MMM HH:mm}."));
            // Printed whole (not through Spectre, which would wrap it): the link is the sign-in.
            Console.WriteLine($"Night board: {stack.BoardSignInUrl()}");
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
            var demo = new DemoNight(stack, http);
            try
            {
                var report = await DemoProgressView.RunAsync(progress => demo.RunAsync(options, progress, cancellationToken));
                try
                {
                    DemoScreen.Print(report, started.Elapsed);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // The night's figures could not be shown: say why, then the checks in plain lines.
                    await Console.Error.WriteLineAsync($"The night's report could not be printed: {ex}");
                    foreach (var failure in report.Failures)
                    {
                        await Console.Error.WriteLineAsync("- " + failure);
                    }
                }
                if (keepOpen)
                {
                    Console.WriteLine();
                    StackScreen.PrintPageLinks(stack);
                    AnsiConsole.MarkupLine("[grey]The stack stays up (--keep-open). Ctrl+C stops it.[/]");
                    await WaitForCtrlCAsync(cancellationToken);
                }

                return report.Passed ? 0 : 1;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                await Console.Error.WriteLineAsync("Demo stopped before the night was over; stopping the stack.");
                return Stopped;
            }
        }
    }

    private static async Task WaitForCtrlCAsync(CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // Ctrl+C: the stack stops as the demo's own would.
        }
    }

    /// <summary>The log file (default .nightsafe/demo.log); a second demo running at once writes its own.</summary>
    private static (StreamWriter Log, string Path) OpenLog(string? requested)
    {
        var path = requested ?? System.IO.Path.Combine(RepositoryLayout.FindRoot(), ".nightsafe", "demo.log");
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!);
        try
        {
            return (new StreamWriter(new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read)) { AutoFlush = true }, path);
        }
        catch (IOException)
        {
            path = System.IO.Path.ChangeExtension(path, string.Create(CultureInfo.InvariantCulture, $"{Environment.ProcessId}.log"));
            return (new StreamWriter(new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read)) { AutoFlush = true }, path);
        }
    }
}
