using Microsoft.Extensions.Logging;

namespace NightSafe.ServiceBusEmulator;

public sealed record ServiceBusEmulatorOptions
{
    /// <summary>The key name of Microsoft's emulator, so its documented connection string works unchanged.</summary>
    public const string DefaultKeyName = "RootManageSharedAccessKey";

    public const string DefaultKey = "SAS_KEY_VALUE";

    /// <summary>0 picks a free port.</summary>
    public int Port { get; init; }

    /// <summary>The address to listen on; loopback by default.</summary>
    public string Host { get; init; } = "127.0.0.1";

    public EmulatorTopology Topology { get; init; } = EmulatorTopology.Empty;

    public string KeyName { get; init; } = DefaultKeyName;

    public string Key { get; init; } = DefaultKey;

    /// <summary>Announced on every sender link; 256 KB as the Standard tier.</summary>
    public int MaxMessageSizeBytes { get; init; } = 256 * 1024;

    public ILoggerFactory? LoggerFactory { get; init; }

    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>How often locks, expiries and schedules are checked.</summary>
    public TimeSpan SweepInterval { get; init; } = TimeSpan.FromMilliseconds(50);
}
