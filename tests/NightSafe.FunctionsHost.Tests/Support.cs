using System.Collections.Concurrent;
using System.Reflection;
using Azure.Storage.Queues;
using Microsoft.Extensions.Logging;

[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace NightSafe.FunctionsHost.Tests;

/// <summary>Where the built test app and console app are (bin/&lt;same Configuration&gt;/net10.0).</summary>
internal static class Built
{
    public static string TestAppDirectory => Metadata("TestAppDirectory");

    public static string FunctionsHostCli => Metadata("FunctionsHostCli");

    private static string Metadata(string key) =>
        typeof(Built).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value
        ?? throw new InvalidOperationException($"{key} is not set.");
}

/// <summary>Waits on a condition with a deadline, polling; never a fixed sleep.</summary>
internal static class Eventually
{
    public static async Task UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (await condition())
            {
                return;
            }

            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Timed out after {timeout.TotalSeconds:0} s waiting for: {what}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100));
        }
    }

    public static Task UntilAsync(Func<bool> condition, TimeSpan timeout, string what) =>
        UntilAsync(() => Task.FromResult(condition()), timeout, what);
}

/// <summary>One captured log line.</summary>
internal sealed record LogRecord(string Category, LogLevel Level, string Message, Exception? Exception);

/// <summary>Keeps every log line the host writes, for assertions on forwarded worker logs.</summary>
internal sealed class RecordingLoggerProvider : ILoggerProvider
{
    private readonly ConcurrentQueue<LogRecord> _records = new();

    public IReadOnlyList<LogRecord> Records => [.. _records];

    public ILogger CreateLogger(string categoryName) => new Recorder(categoryName, _records);

    public void Dispose()
    {
    }

    private sealed class Recorder(string category, ConcurrentQueue<LogRecord> records) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Debug;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            records.Enqueue(new LogRecord(category, logLevel, formatter(state, exception), exception));
    }
}

/// <summary>Test-side queue access with the same (base64) encoding as the host.</summary>
internal static class Queues
{
    public static async Task<QueueClient> OpenAsync(string connectionString, string name)
    {
        var queue = new QueueClient(connectionString, name, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
        await queue.CreateIfNotExistsAsync();
        return queue;
    }

    /// <summary>Peeks the visible messages' texts (up to 32).</summary>
    public static async Task<IReadOnlyList<string>> PeekTextsAsync(QueueClient queue) =>
        [.. (await queue.PeekMessagesAsync(32)).Value.Select(m => m.Body.ToString())];
}
