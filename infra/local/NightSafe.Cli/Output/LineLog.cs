using System.Globalization;
using Microsoft.Extensions.Logging;

namespace NightSafe.Cli.Output;

/// <summary>
/// A logger provider that writes one line per entry ("HH:mm:ss.fff level category: message") to a writer: the console
/// for `up`, a file for `demo`. Lines can be held back while a screen is being printed, then released in order.
/// </summary>
public sealed class LineLog(Action<string> write, Func<string, LogLevel, bool> filter) : ILoggerProvider
{
    private readonly Lock _gate = new();
    private Queue<string>? _held;

    /// <summary>Information and above, with the frameworks' and SDKs' own chatter limited to warnings.</summary>
    public static bool Default(string category, LogLevel level) =>
        level >= (category.StartsWith("Microsoft", StringComparison.Ordinal) || category.StartsWith("System", StringComparison.Ordinal) || category.StartsWith("Azure", StringComparison.Ordinal)
            ? LogLevel.Warning
            : LogLevel.Information);

    /// <summary>As <see cref="Default"/>, and the Service Bus emulator's list of entities only at warning (its endpoint is in the table).</summary>
    public static bool Console(string category, LogLevel level) =>
        Default(category, level) && (level >= LogLevel.Warning || !category.StartsWith("NightSafe.ServiceBusEmulator", StringComparison.Ordinal));

    /// <summary>Keeps lines back until <see cref="Release"/>.</summary>
    public void Hold()
    {
        lock (_gate)
        {
            _held ??= new Queue<string>();
        }
    }

    /// <summary>Writes the lines held so far and goes on holding.</summary>
    public void Flush()
    {
        lock (_gate)
        {
            while (_held is { Count: > 0 })
            {
                write(_held.Dequeue());
            }
        }
    }

    /// <summary>Writes the held lines, then writes as they come again.</summary>
    public void Release()
    {
        lock (_gate)
        {
            while (_held is { Count: > 0 })
            {
                write(_held.Dequeue());
            }

            _held = null;
        }
    }

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
        Release();
    }

    private bool Enabled(string category, LogLevel level) => filter(category, level);

    private void Write(string line)
    {
        lock (_gate)
        {
            if (_held is not null)
            {
                _held.Enqueue(line);
            }
            else
            {
                write(line);
            }
        }
    }

    private sealed class Logger(LineLog log, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None && log.Enabled(category, logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
            {
                return;
            }

            var text = formatter(state, exception);
            var line = string.Create(CultureInfo.InvariantCulture, $"{DateTime.Now:HH:mm:ss.fff} {Level(logLevel)} {category}: {text}");
            log.Write(exception is null ? line : $"{line} ({exception.GetType().Name}: {exception.Message})");
        }

        private static string Level(LogLevel level) => level switch
        {
            LogLevel.Trace => "trce",
            LogLevel.Debug => "dbug",
            LogLevel.Information => "info",
            LogLevel.Warning => "warn",
            LogLevel.Error => "fail",
            _ => "crit",
        };
    }
}
