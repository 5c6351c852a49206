using NightSafe.FunctionsHost.Http;
using NightSafe.FunctionsHost.Queues;
using NightSafe.FunctionsHost.Timers;

namespace NightSafe.FunctionsHost.Tests;

/// <summary>The host's small pure rules: host.json reading, schedules, keys, polling back-off.</summary>
public sealed class RulesTests
{
    [Fact]
    public void Host_json_queue_settings_and_timeout_are_read_with_defaults_for_the_rest()
    {
        var settings = HostSettings.Parse("""
            {
              // comments are allowed, as in the real host
              "version": "2.0",
              "functionTimeout": "00:05:00",
              "extensions": { "queues": { "maxPollingInterval": "00:00:02", "visibilityTimeout": "00:00:10", "batchSize": 16,
                                          "newBatchThreshold": 8, "maxDequeueCount": 5, "messageEncoding": "none" } }
            }
            """);

        Assert.Equal(TimeSpan.FromMinutes(5), settings.FunctionTimeout);
        Assert.Equal("api", settings.RoutePrefix);
        Assert.Equal(new QueueSettings
        {
            BatchSize = 16,
            NewBatchThreshold = 8,
            MaxPollingInterval = TimeSpan.FromSeconds(2),
            VisibilityTimeout = TimeSpan.FromSeconds(10),
            MaxDequeueCount = 5,
            Base64Encoding = false,
        }, settings.Queues);
    }

    [Fact]
    public void Host_json_without_extensions_keeps_the_hosts_defaults()
    {
        var settings = HostSettings.Parse("""{ "version": "2.0", "functionTimeout": "-1", "extensions": { "http": { "routePrefix": "" } } }""");

        Assert.Null(settings.FunctionTimeout);
        Assert.Equal(string.Empty, settings.RoutePrefix);
        Assert.Equal(new QueueSettings(), settings.Queues);
        Assert.True(settings.Queues.Base64Encoding);
        Assert.Equal(TimeSpan.FromMinutes(1), settings.Queues.MaxPollingInterval);
    }

    [Theory]
    [InlineData("0 30 18 * * *", "2026-12-18T17:00:00Z", "2026-12-18T18:30:00Z")]
    [InlineData("*/2 * * * * *", "2026-12-18T17:00:01Z", "2026-12-18T17:00:02Z")]
    [InlineData("0 0 7,8 * * *", "2026-12-18T07:00:00Z", "2026-12-18T08:00:00Z")]
    [InlineData("*/5 * * * *", "2026-12-18T17:01:00Z", "2026-12-18T17:05:00Z")]
    [InlineData("00:00:30", "2026-12-18T17:00:00Z", "2026-12-18T17:00:30Z")]
    public void Schedules_are_ncrontab_with_seconds_or_five_fields_or_an_interval_in_utc(string expression, string after, string expected)
    {
        var schedule = TimerSchedule.Parse(expression);

        Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), schedule.Next(DateTimeOffset.Parse(after, System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Theory]
    [InlineData(0, false)]
    [InlineData(900, false)]
    [InlineData(1500, true)]
    [InlineData(60_000, true)]
    public void A_run_more_than_a_second_late_is_past_due(int lateMilliseconds, bool expected)
    {
        var due = new DateTimeOffset(2026, 12, 19, 7, 0, 0, TimeSpan.Zero);

        Assert.Equal(expected, TimerTriggerScheduler.IsPastDue(due, due.AddMilliseconds(lateMilliseconds)));
    }

    [Theory]
    [InlineData("not a schedule")]
    [InlineData("99 * * * * *")]
    public void A_bad_schedule_is_refused(string expression) =>
        Assert.Throws<FormatException>(() => TimerSchedule.Parse(expression));

    [Theory]
    [InlineData("Anonymous", null, true)]
    [InlineData("Function", null, false)]
    [InlineData("Function", "fk", true)]
    [InlineData("Function", "mk", true)]
    [InlineData("Function", "other", false)]
    [InlineData("Admin", "fk", false)]
    [InlineData("Admin", "mk", true)]
    public void Keys_open_levels_as_azure_does(string level, string? presented, bool expected) =>
        Assert.Equal(expected, FunctionKeys.Authorized(Enum.Parse<AuthLevel>(level), presented, functionKey: "fk", masterKey: "mk"));

    [Fact]
    public async Task A_folder_that_is_not_a_function_app_build_is_refused_at_start()
    {
        var folder = Directory.CreateTempSubdirectory("not-a-function-app").FullName;
        try
        {
            var error = await Assert.ThrowsAsync<FileNotFoundException>(() => FunctionsDevHost.StartAsync(new FunctionsDevHostOptions { AppDirectory = folder }));
            Assert.Contains("worker.config.json", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Idle_polling_backs_off_from_100ms_doubling_to_max_polling_interval()
    {
        var max = TimeSpan.FromSeconds(1);
        var delays = new List<TimeSpan>();
        var delay = TimeSpan.Zero;
        for (var i = 0; i < 6; i++)
        {
            delay = QueueTriggerListener.NextIdleDelay(delay, max);
            delays.Add(delay);
        }

        Assert.Equal([100, 200, 400, 800, 1000, 1000], delays.Select(d => (int)d.TotalMilliseconds));
    }
}
