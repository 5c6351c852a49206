using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using NightSafe.Cli.Output;
using NightSafe.Cli.Stack;

[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace NightSafe.EndToEnd.Tests;

/// <summary>
/// The whole hub on free ports, as `nightsafe demo` starts it: Azurite, the Service Bus emulator, the Twilio stand-in
/// and the Functions dev host running the built NightSafe.Functions. One per test class; stopped afterwards.
/// </summary>
public class HubFixture : IAsyncLifetime
{
    private readonly ConcurrentQueue<string> _logs = new();
    private ILoggerFactory? _loggerFactory;
    private OfflineHub? _hub;

    public OfflineHub Hub => _hub ?? throw new InvalidOperationException("The hub is not started.");

    public HttpClient Http { get; } = new() { Timeout = TimeSpan.FromSeconds(30) };

    public async Task InitializeAsync()
    {
        _loggerFactory = LoggerFactory.Create(logging => logging.SetMinimumLevel(LogLevel.Trace).AddProvider(new LineLog(_logs.Enqueue, LineLog.Default)));
        _hub = await OfflineHub.StartAsync(new OfflineHubOptions { Ports = StackPorts.AnyFree, LoggerFactory = _loggerFactory, AcknowledgeWithin = AcknowledgeWithin });
    }

    /// <summary>One acknowledgement deadline for every priority, or null for routing.json's minutes.</summary>
    public virtual TimeSpan? AcknowledgeWithin => null;

    /// <summary>The last log lines of every part (the worker's included), for a failing test's output.</summary>
    public void WriteLogTail(ITestOutputHelper output, int lines = 150)
    {
        ArgumentNullException.ThrowIfNull(output);
        foreach (var line in _logs.TakeLast(lines))
        {
            output.WriteLine(line);
        }
    }

    /// <summary>Every log line (of every part) that <paramref name="keep"/> picks, at most <paramref name="lines"/>, the last ones.</summary>
    public void WriteLogLines(ITestOutputHelper output, Func<string, bool> keep, int lines = 400)
    {
        ArgumentNullException.ThrowIfNull(output);
        foreach (var line in _logs.Where(keep).TakeLast(lines))
        {
            output.WriteLine(line);
        }
    }

    public async Task DisposeAsync()
    {
        if (_hub is not null)
        {
            await _hub.DisposeAsync();
        }

        _loggerFactory?.Dispose();
        Http.Dispose();
    }
}

/// <summary>Waits on a condition with a deadline, polling; never a fixed sleep.</summary>
internal static class Eventually
{
    public static async Task<T> ValueAsync<T>(Func<Task<T?>> probe, TimeSpan timeout, string what)
        where T : class
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (await probe() is { } value)
            {
                return value;
            }

            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Timed out after {timeout.TotalSeconds:0} s waiting for {what}.");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100));
        }
    }
}
