using Microsoft.Extensions.Logging;
using NightSafe.Cli.Output;
using NightSafe.Cli.Partners;
using NightSafe.Cli.Stack;

namespace NightSafe.EndToEnd.Tests;

/// <summary>The dev clock and the timers agree: a stack whose clock starts just before the night's end (08:00) summarises the night by itself.</summary>
public sealed class AppClockTests(ITestOutputHelper output)
{
    [Fact]
    public async Task The_summary_timer_fires_at_the_nights_end_on_the_apps_clock_not_the_machines()
    {
        // 07:58:30 in London (GMT in December): the night's end, 08:00, is 90 s away on the app's clock, hours away on the machine's.
        var start = new DateTime(2026, 12, 19, 7, 58, 30, DateTimeKind.Unspecified);
        var logs = new System.Collections.Concurrent.ConcurrentQueue<string>();
        using var loggerFactory = LoggerFactory.Create(logging => logging.SetMinimumLevel(LogLevel.Trace).AddProvider(new LineLog(logs.Enqueue, LineLog.Default)));
        await using var hub = await OfflineHub.StartAsync(new OfflineHubOptions { Ports = StackPorts.AnyFree, ClockStart = start, LoggerFactory = loggerFactory });
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        var api = new HubApi(http, hub.Functions.BaseUrl, hub.ControlRoomKey, hub.Functions.MasterKey);
        try
        {
            Assert.Equal("2026-12-18", hub.Night.ToString());
            Assert.Equal(new DateTimeOffset(2026, 12, 19, 8, 0, 0, TimeSpan.Zero), hub.NextSummaryAt);

            var summary = await Eventually.ValueAsync(
                () => api.ReadSummaryAsync("2026-12-18", CancellationToken.None),
                TimeSpan.FromSeconds(180),
                "the timer's summary of night 2026-12-18");

            Assert.Contains("2026-12-18", summary["text"]?.GetValue<string>() ?? string.Empty, StringComparison.Ordinal);
        }
        catch
        {
            foreach (var line in logs.TakeLast(120))
            {
                output.WriteLine(line);
            }

            throw;
        }
    }
}
