using System.Globalization;
using Microsoft.Extensions.Logging;

namespace NightSafe.Cli.Output;

/// <summary>
/// A logger provider that writes one line per entry ("HH:mm:ss.fff level category: message") to a writer: the console
/// for `up`, a file for `demo`. Lines can be held back while a screen is being printed, then released in order.
/// </summary>
public sealed class LineLog(Action<string> write, Func<string, LogLevel, bool> filter, bool colour = false) : ILoggerProvider
{
    /// <summary>Categories of frameworks and SDKs (the worker's included): their chatter is shown from warnings up only.</summary>
    private static readonly string[] Frameworks = ["Microsoft", "System", "Azure", "Polly", "Grpc", "Host.", "Function.", "Worker"];

    private readonly Lock _gate = new();
    private Queue<string>? _held;
    private long _lastWritten = Environment.TickCount64;

    /// <summary>Information and above, with the frameworks' and SDKs' own chatter (Polly's "execution attempt", the hosts') limited to warnings.</summary>
    public static bool Default(string category, LogLevel level) =>
        level >= (Frameworks.Any(f => category.StartsWith(f, StringComparison.Ordinal)) ? LogLevel.Warning : LogLevel.Information);

    /// <summary>Whether the console should get colours: a terminal, and NO_COLOR (no-color.org) unset.</summary>
    public static bool ConsoleHasColour => !System.Console.IsOutputRedirected && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NO_COLOR"));

    /// <summary>How long since the last line was written (or held).</summary>
    public TimeSpan Quiet => TimeSpan.FromMilliseconds(Environment.TickCount64 - Interlocked.Read(ref _lastWritten));

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

    private bool Colour => colour;

    private bool Enabled(string category, LogLevel level) => filter(category, level);

    private void Write(string line)
    {
        Interlocked.Exchange(ref _lastWritten, Environment.TickCount64);
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
            if (exception is not null)
            {
                text = $"{text} ({exception.GetType().Name}: {exception.Message})";
            }

            // One line per event: a message or exception that spans lines is folded onto this one.
            text = string.Join(" | ", text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
            var level = log.Colour ? Coloured(logLevel) : Level(logLevel);
            log.Write(string.Create(CultureInfo.InvariantCulture, $"{DateTime.Now:HH:mm:ss.fff} {level} {category}: {text}"));
        }

        private static string Coloured(LogLevel level) => level switch
        {
            LogLevel.Trace or LogLevel.Debug => $"\u001b[90m{Level(level)}\u001b[0m",
            LogLevel.Information => $"\u001b[32m{Level(level)}\u001b[0m",
            LogLevel.Warning => $"\u001b[33m{Level(level)}\u001b[0m",
            _ => $"\u001b[1;31m{Level(level)}\u001b[0m",
        };

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
