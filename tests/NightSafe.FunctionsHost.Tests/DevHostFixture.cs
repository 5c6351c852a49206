using Microsoft.Extensions.Logging;
using NightSafe.LocalStack;

namespace NightSafe.FunctionsHost.Tests;

/// <summary>Azurite plus one dev host running the test app, shared by a collection and stopped afterwards.</summary>
public sealed class DevHostFixture : IAsyncLifetime, IDisposable
{
    private readonly RecordingLoggerProvider _logs = new();
    private AzuriteServer? _azurite;
    private ILoggerFactory? _loggerFactory;
    private FunctionsDevHost? _host;

    public FunctionsDevHost Host => _host ?? throw new InvalidOperationException("The host is not started.");

    public string StorageConnectionString => (_azurite ?? throw new InvalidOperationException("Azurite is not started.")).ConnectionString;

    internal IReadOnlyList<LogRecord> Logs => _logs.Records;

    /// <summary>Time from StartAsync to the worker having loaded every function.</summary>
    public TimeSpan StartedWithin { get; private set; }

    public async Task InitializeAsync()
    {
        _azurite = await AzuriteServer.StartAsync();
        _loggerFactory = LoggerFactory.Create(logging => logging.AddProvider(_logs).SetMinimumLevel(LogLevel.Debug));
        _host = await StartHostAsync(_azurite.ConnectionString, _loggerFactory, heartbeat: "*/2 * * * * *");
        await _host.WaitUntilRunningAsync(TimeSpan.FromSeconds(90));
        StartedWithin = _host.ReadyAfter ?? TimeSpan.Zero;
    }

    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }

        if (_azurite is not null)
        {
            await _azurite.DisposeAsync();
        }

        _loggerFactory?.Dispose();
        _logs.Dispose();
    }

    public void Dispose() => _logs.Dispose();

    /// <summary>The host's body limit in these tests (app setting FUNCTIONS_REQUEST_BODY_SIZE_LIMIT).</summary>
    public const int MaxRequestBodyBytes = 64 * 1024;

    internal static Task<FunctionsDevHost> StartHostAsync(string storage, ILoggerFactory loggerFactory, string heartbeat) =>
        FunctionsDevHost.StartAsync(new FunctionsDevHostOptions
        {
            AppDirectory = Built.TestAppDirectory,
            HttpPort = 0,
            Settings = new Dictionary<string, string?>
            {
                ["AzureWebJobsStorage"] = storage,
                ["HeartbeatSchedule"] = heartbeat,
                ["FUNCTIONS_REQUEST_BODY_SIZE_LIMIT"] = MaxRequestBodyBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
            },
            LoggerFactory = loggerFactory,
        });
}

[CollectionDefinition(Name)]
public sealed class DevHostGroup : ICollectionFixture<DevHostFixture>
{
    public const string Name = "Dev host";
}
