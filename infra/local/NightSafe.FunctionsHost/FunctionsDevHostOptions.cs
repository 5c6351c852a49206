using Microsoft.Extensions.Logging;

namespace NightSafe.FunctionsHost;

/// <summary>What to run and how: the in-process equivalent of <c>func start</c>'s arguments and local.settings.json.</summary>
public sealed record FunctionsDevHostOptions
{
    /// <summary>The built function app: the folder holding worker.config.json, functions.metadata and host.json.</summary>
    public required string AppDirectory { get; init; }

    /// <summary>Port for function HTTP on 127.0.0.1; 0 picks a free one (the console app defaults to 7071).</summary>
    public int HttpPort { get; init; }

    /// <summary>App settings, like local.settings.json <c>Values</c>; merged over the app folder's local.settings.json if present.</summary>
    public IReadOnlyDictionary<string, string?>? Settings { get; init; }

    /// <summary>The admin (master) key; generated when null.</summary>
    public string? MasterKey { get; init; }

    /// <summary>The key accepted for function-level HTTP triggers (the master key is accepted too); generated when null.</summary>
    public string? FunctionKey { get; init; }

    /// <summary>Where host and worker logs go (worker RpcLog lines keep their level and category).</summary>
    public ILoggerFactory? LoggerFactory { get; init; }

    /// <summary>Clock for timer schedules and polling back-off.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Longest wait for the worker to connect, initialise and index its functions.</summary>
    public TimeSpan WorkerStartTimeout { get; init; } = TimeSpan.FromSeconds(90);

    /// <summary>Longest an HTTP request or trigger waits for a (re)starting worker before it is refused.</summary>
    public TimeSpan WorkerUnavailableTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How long a stopping worker may take to exit after WorkerTerminate before it is killed.</summary>
    public TimeSpan WorkerStopGracePeriod { get; init; } = TimeSpan.FromSeconds(10);
}
