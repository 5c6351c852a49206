using System.Net;

namespace NightSafe.FunctionsHost.Tests;

/// <summary>Timer triggers through the real worker: on schedule, on start-up, and run now by the admin endpoint.</summary>
[Collection(DevHostGroup.Name)]
public sealed class TimerTriggerTests(DevHostFixture fixture)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task RunFunctionAsync_runs_a_timer_now_with_a_timer_info_and_its_output_binding()
    {
        var runs = await Queues.OpenAsync(fixture.StorageConnectionString, "timer-runs");
        await runs.ClearMessagesAsync();

        var result = await fixture.Host.RunFunctionAsync("NightlySummary", input: "");

        Assert.True(result.Succeeded, result.Error);
        var message = Assert.Single(await Queues.PeekTextsAsync(runs));
        // The schedule is 06:00 UTC on 1 January; the worker saw a real TimerInfo with its next occurrence.
        var nextYear = DateTimeOffset.UtcNow.Year + 1;
        Assert.Equal($"NightlySummary|pastDue=False|next={nextYear}-01-01T06:00:00.0000000Z", message);
    }

    [Fact]
    public async Task Post_admin_functions_runs_a_timer_with_the_master_key_only()
    {
        var runs = await Queues.OpenAsync(fixture.StorageConnectionString, "timer-runs");
        await runs.ClearMessagesAsync();
        using var http = new HttpClient { BaseAddress = fixture.Host.BaseUrl };

        using var withoutKey = await http.PostAsync(new Uri("admin/functions/NightlySummary", UriKind.Relative), JsonBody("{\"input\":\"\"}"));
        using var request = new HttpRequestMessage(HttpMethod.Post, "admin/functions/NightlySummary") { Content = JsonBody("{\"input\":\"\"}") };
        request.Headers.Add("x-functions-key", fixture.Host.MasterKey);
        using var accepted = await http.SendAsync(request);
        using var unknown = new HttpRequestMessage(HttpMethod.Post, "admin/functions/NoSuchFunction") { Content = JsonBody("{}") };
        unknown.Headers.Add("x-functions-key", fixture.Host.MasterKey);
        using var notFound = await http.SendAsync(unknown);

        Assert.Equal(HttpStatusCode.Unauthorized, withoutKey.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, notFound.StatusCode);
        await Eventually.UntilAsync(async () => (await Queues.PeekTextsAsync(runs)).Any(m => m.StartsWith("NightlySummary|", StringComparison.Ordinal)), Deadline, "the admin-run timer's output");
    }

    [Fact]
    public async Task A_timer_fires_on_its_ncrontab_schedule_from_an_app_setting()
    {
        var heartbeats = await Queues.OpenAsync(fixture.StorageConnectionString, "heartbeats");
        await heartbeats.ClearMessagesAsync();

        // "*/2 * * * * *": every two seconds, UTC.
        await Eventually.UntilAsync(async () => (await Queues.PeekTextsAsync(heartbeats)).Count >= 2, Deadline, "two scheduled Heartbeat runs");
        var texts = await Queues.PeekTextsAsync(heartbeats);
        Assert.All(texts, t => Assert.StartsWith("Heartbeat|pastDue=", t, StringComparison.Ordinal));
        Assert.Equal(texts.Count, texts.Distinct().Count());
    }

    [Fact]
    public async Task A_run_on_startup_timer_ran_once_when_the_host_started()
    {
        var startups = await Queues.OpenAsync(fixture.StorageConnectionString, "startup-runs");

        var texts = await Queues.PeekTextsAsync(startups);

        Assert.Single(texts, t => t.StartsWith("OnStartup|pastDue=False|", StringComparison.Ordinal));
    }

    private static StringContent JsonBody(string json) => new(json, System.Text.Encoding.UTF8, "application/json");
}
