using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.Logging;
using NightSafe.FunctionsHost.Worker;
using NightSafe.LocalStack;

namespace NightSafe.FunctionsHost.Tests;

/// <summary>Its own Azurite, so the hosts these tests start, kill and stop never compete with the shared one.</summary>
public sealed class LifecycleFixture : IAsyncLifetime
{
    private AzuriteServer? _azurite;

    public string StorageConnectionString => (_azurite ?? throw new InvalidOperationException("Azurite is not started.")).ConnectionString;

    public async Task InitializeAsync() => _azurite = await AzuriteServer.StartAsync();

    public async Task DisposeAsync()
    {
        if (_azurite is not null)
        {
            await _azurite.DisposeAsync();
        }
    }
}

/// <summary>Start, crash, restart and stop: the worker's life under the dev host.</summary>
public sealed class LifecycleTests(LifecycleFixture fixture, ITestOutputHelper output) : IClassFixture<LifecycleFixture>
{
    private const string Quiet = "0 0 0 1 1 *";
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Stopping_sends_worker_terminate_and_leaves_no_worker_process()
    {
        var logs = new RecordingLoggerProvider();
        using var loggerFactory = LoggerFactory.Create(l => l.AddProvider(logs).SetMinimumLevel(LogLevel.Debug));
        var host = await DevHostFixture.StartHostAsync(fixture.StorageConnectionString, loggerFactory, Quiet);
        int workerId;
        try
        {
            await host.WaitUntilRunningAsync(Deadline);
            workerId = host.WorkerProcessId ?? throw new InvalidOperationException("No worker pid.");
            Assert.True(ProcessTree.IsAlive(workerId));
        }
        finally
        {
            await host.DisposeAsync();
        }

        Assert.False(ProcessTree.IsAlive(workerId), $"worker {workerId} still runs after the host stopped");
        Assert.Contains(logs.Records, r => r.Message == "Worker exited after WorkerTerminate");
        Assert.DoesNotContain(logs.Records, r => r.Message.Contains("killing it", StringComparison.Ordinal));
        Assert.Equal(Worker.FunctionsHostState.Stopped, host.State);
    }

    [Fact]
    public async Task A_killed_worker_is_restarted_and_its_in_flight_queue_message_is_retried()
    {
        var logs = new RecordingLoggerProvider();
        using var loggerFactory = LoggerFactory.Create(l => l.AddProvider(logs).SetMinimumLevel(LogLevel.Debug));
        await using var host = await DevHostFixture.StartHostAsync(fixture.StorageConnectionString, loggerFactory, Quiet);
        await host.WaitUntilRunningAsync(Deadline);
        var firstWorker = host.WorkerProcessId ?? throw new InvalidOperationException("No worker pid.");
        var input = await Queues.OpenAsync(fixture.StorageConnectionString, "relay-in");
        var relayed = await Queues.OpenAsync(fixture.StorageConnectionString, "relay-out");
        var text = "hang-once-" + Guid.NewGuid().ToString("N");

        // The first try hangs inside the worker; kill the worker while it does.
        var sent = (await input.SendMessageAsync(text)).Value;
        await Eventually.UntilAsync(() => logs.Records.Any(r => r.Message == $"Relay holding {sent.MessageId}"), Deadline, "the worker running the message");
        using (var worker = Process.GetProcessById(firstWorker))
        {
            worker.Kill();
        }

        await Eventually.UntilAsync(() => host.WorkerStarts >= 2 && host.State == Worker.FunctionsHostState.Running, Deadline, "a new worker running");
        Assert.NotEqual(firstWorker, host.WorkerProcessId);
        Assert.False(ProcessTree.IsAlive(firstWorker));
        Assert.Contains(logs.Records, r => r.Level == LogLevel.Error && r.Message.Contains("stopped unexpectedly", StringComparison.Ordinal));

        // The failed invocation made the message visible again (visibilityTimeout); the new worker ran it as try 2.
        await Eventually.UntilAsync(async () => (await Queues.PeekTextsAsync(relayed)).Contains($"{text}|dequeue=2|id={sent.MessageId}"), Deadline, "the retried message relayed by the new worker");

        using var http = new HttpClient { BaseAddress = host.BaseUrl };
        using var response = await http.GetAsync(new Uri("api/items/7", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        output.WriteLine($"Worker {firstWorker} killed; worker {host.WorkerProcessId} took over.");
    }

    [Fact]
    public async Task The_console_app_prints_urls_and_its_worker_dies_with_it_when_it_is_killed()
    {
        var settings = Path.Combine(Path.GetTempPath(), $"functions-host-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(settings, $$"""{ "Values": { "AzureWebJobsStorage": "{{fixture.StorageConnectionString}}", "HeartbeatSchedule": "{{Quiet}}" } }""");
        var lines = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var info = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { Built.FunctionsHostCli, "--app", Built.TestAppDirectory, "--port", "0", "--settings", settings })
        {
            info.ArgumentList.Add(argument);
        }

        using var cli = Process.Start(info) ?? throw new InvalidOperationException("functions-host did not start.");
        cli.OutputDataReceived += (_, e) => { if (e.Data is not null) { lines.Enqueue(e.Data); } };
        cli.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lines.Enqueue(e.Data); } };
        cli.BeginOutputReadLine();
        cli.BeginErrorReadLine();
        try
        {
            await Eventually.UntilAsync(() => lines.Any(l => l.StartsWith("Worker pid: ", StringComparison.Ordinal)) || cli.HasExited, Deadline, "functions-host to report ready");
            var all = string.Join('\n', lines);
            Assert.False(cli.HasExited, all);
            Assert.Matches(@"GetItem: \[GET\] http://127\.0\.0\.1:\d+/api/items/\{id:int\} \(anonymous\)", all);
            Assert.Contains("Relay: queueTrigger", all, StringComparison.Ordinal);
            var workerId = int.Parse(lines.First(l => l.StartsWith("Worker pid: ", StringComparison.Ordinal))["Worker pid: ".Length..], System.Globalization.CultureInfo.InvariantCulture);
            Assert.True(ProcessTree.IsAlive(workerId));

            // Killed outright: no chance to stop the worker itself, so the watchdog must.
            cli.Kill();
            await Eventually.UntilAsync(() => !ProcessTree.IsAlive(workerId), TimeSpan.FromSeconds(20), $"orphan worker {workerId} to exit");
        }
        finally
        {
            if (!cli.HasExited)
            {
                cli.Kill(entireProcessTree: true);
            }

            File.Delete(settings);
        }
    }
}
