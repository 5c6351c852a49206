using System.Collections.Concurrent;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using NightSafe.Core.Outcomes;
using NightSafe.Core.World;
using NightSafe.Functions.Hosting;
using NightSafe.Functions.Routing;
using NightSafe.Functions.Tests.Doubles;
using NightSafe.Integrations.DependencyInjection;
using NightSafe.LocalStack;
using NightSafe.ServiceBusEmulator;
using NightSafe.TwilioStandIn;

namespace NightSafe.Functions.Tests;

/// <summary>
/// The hub's real parts for function-level tests: Azurite, the Service Bus emulator (topology from routing.json) and
/// the Twilio stand-in, with the app's own service registrations over them, started on free ports.
/// </summary>
public sealed class LocalHub : IAsyncLifetime
{
    public const string PublicBaseUrl = "https://nightsafe.test/";

    /// <summary>Friday 18 December 2026, 23:30 in London: most agencies are on duty.</summary>
    public static readonly DateTimeOffset FridayNight = new(2026, 12, 18, 23, 30, 0, TimeSpan.Zero);

    private AzuriteServer? _azurite;
    private ServiceBusEmulatorServer? _serviceBus;
    private TwilioStandInServer? _twilio;
    private IHost? _host;

    public FakeTimeProvider Time { get; } = new(FridayNight);

    public LogCapture Logs { get; } = new();

    public IReadOnlyDictionary<string, string> PartnerKeys { get; private set; } = new Dictionary<string, string>();

    /// <summary>The offline control-room key (the app holds its SHA-256).</summary>
    public string ControlRoomKey { get; } = PartnerKeyRing.NewKey();

    /// <summary>The phone key pepper (PhoneKeys:Pepper), one per run as `nightsafe up --in-memory` makes it.</summary>
    public string PhonePepper { get; } = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));

    public IServiceProvider Services => (_host ?? throw new InvalidOperationException("Not started.")).Services;

    public TwilioStandInServer Twilio => _twilio ?? throw new InvalidOperationException("Not started.");

    public string ServiceBusConnectionString => (_serviceBus ?? throw new InvalidOperationException("Not started.")).ConnectionString;

    public string StorageConnectionString => (_azurite ?? throw new InvalidOperationException("Not started.")).ConnectionString;

    public RoutingWorld World => Services.GetRequiredService<RoutingWorld>();

    public async Task InitializeAsync()
    {
        var routingJson = RepositoryLayout.RoutingJson();
        var azurite = AzuriteServer.StartAsync();
        var serviceBus = ServiceBusEmulatorServer.StartAsync(new ServiceBusEmulatorOptions { Topology = EmulatorTopology.FromRoutingJson(await File.ReadAllTextAsync(routingJson)) });
        // Twilio's clock agrees with the app's (a reconcile lists messages since the app's attempt); its timers run in real time.
        var twilio = TwilioStandInServer.StartAsync(new TwilioStandInOptions { TimeProvider = new ReadingClock(Time) });
        _azurite = await azurite;
        _serviceBus = await serviceBus;
        _twilio = await twilio;

        var world = RoutingWorld.Load(routingJson);
        PartnerKeys = world.Agencies.ToDictionary(a => a.Id.Value, _ => PartnerKeyRing.NewKey());
        _host = Build(Settings());
        await _host.StartAsync();
    }

    /// <summary>The app's settings, as local.settings.json or Azure app settings would give them.</summary>
    public Dictionary<string, string?> Settings()
    {
        var settings = new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = StorageConnectionString,
            ["ServiceBus:connectionString"] = ServiceBusConnectionString,
            ["Twilio:AccountSid"] = Twilio.AccountSid,
            ["Twilio:AuthToken"] = Twilio.AuthToken,
            ["Twilio:From"] = "+447700900000",
            ["Twilio:ApiBaseUrl"] = Twilio.BaseUrl.ToString(),
            ["Twilio:RetryBaseDelay"] = "00:00:00.010",
            ["Twilio:RetryMaxDelay"] = "00:00:00.050",
            ["NightSafe:PublicBaseUrl"] = PublicBaseUrl,
            ["NightSafe:SeedRoster"] = "true",
            ["Retention:Days"] = "31",
            ["ControlRoom:KeySha256"] = PartnerKeyRing.Hash(ControlRoomKey),
            ["PhoneKeys:Pepper"] = PhonePepper,
        };
        var i = 0;
        foreach (var (agency, key) in PartnerKeys)
        {
            settings[$"Partners:Keys:{i}:Agency"] = agency;
            settings[$"Partners:Keys:{i}:Sha256"] = PartnerKeyRing.Hash(key);
            i++;
        }

        return settings;
    }

    /// <summary>
    /// A host with the app's registrations (as Program.cs makes them) over <paramref name="settings"/>;
    /// <paramref name="first"/> registers services before the app's (they win over its TryAdd registrations).
    /// </summary>
    /// <param name="logging">How it logs; by default everything, to <see cref="Logs"/>.</param>
    public IHost Build(IDictionary<string, string?> settings, string environment = "Development", Action<ILoggingBuilder>? logging = null, Action<IServiceCollection>? first = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = environment, DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.ClearProviders();
        (logging ?? (l => l.SetMinimumLevel(LogLevel.Trace).AddProvider(Logs)))(builder.Logging);
        builder.Services.AddSingleton<TimeProvider>(Time);
        first?.Invoke(builder.Services);
        builder.Services.AddNightSafeIntegrations(builder.Configuration);
        builder.Services.AddNightSafeApplication(builder.Configuration, builder.Environment);
        return builder.Build();
    }

    /// <summary>A function class built from the app's services, as the worker builds it.</summary>
    public T Function<T>() where T : class => ActivatorUtilities.CreateInstance<T>(Services);

    /// <summary>
    /// The routing function with a router of its own, as a worker just started has it: an earlier test's
    /// slow send (the clock moved on during it) has not paused its sends at once (<see cref="Core.Sms.SmsProviderPace.Pause"/>).
    /// </summary>
    public RouteReferral FreshRouting()
    {
        var pace = ActivatorUtilities.CreateInstance<Core.Sms.SmsProviderPace>(Services);
        var outbound = ActivatorUtilities.CreateInstance<Core.Sms.OutboundSms>(Services, pace);
        var work = ActivatorUtilities.CreateInstance<Core.Sms.OutboundSmsWork>(Services, outbound);
        var advice = ActivatorUtilities.CreateInstance<Core.Advice.AdviceSms>(Services, outbound);
        var atOnce = ActivatorUtilities.CreateInstance<Core.Sms.SmsAtOnce>(Services, work, pace);
        var partners = ActivatorUtilities.CreateInstance<Core.Partners.PartnerLoop>(Services, atOnce);
        return ActivatorUtilities.CreateInstance<RouteReferral>(Services, ActivatorUtilities.CreateInstance<Core.Routing.ReferralRouter>(Services, advice, atOnce, partners));
    }

    public TestFunctionContext Context() => new(Services);

    public TableClient Table(string name) => new(StorageConnectionString, name);

    public QueueClient Queue(string name) => new(StorageConnectionString, name, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });

    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.StopAsync();
            _host.Dispose();
        }

        foreach (var part in new IAsyncDisposable?[] { _twilio, _serviceBus, _azurite })
        {
            if (part is not null)
            {
                await part.DisposeAsync();
            }
        }
    }
}

/// <summary>Tells the time of another clock, but waits in real time (its timers are the system's).</summary>
internal sealed class ReadingClock(TimeProvider source) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => source.GetUtcNow();
}

[CollectionDefinition(Name)]
public sealed class LocalHubGroup : ICollectionFixture<LocalHub>
{
    public const string Name = "Local hub";
}

/// <summary>Every log line written through the app's logging, with its structured values and scopes.</summary>
public sealed class LogCapture : ILoggerProvider, ISupportExternalScope
{
    private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

    public ConcurrentQueue<string> Lines { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    public void Dispose()
    {
    }

    private sealed class Logger(LogCapture capture, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => capture._scopes.Push(state);

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var line = new System.Text.StringBuilder($"{logLevel} {category}: {formatter(state, exception)}");
            if (state is IEnumerable<KeyValuePair<string, object?>> values)
            {
                foreach (var (key, value) in values)
                {
                    line.Append(" | ").Append(key).Append('=').Append(value);
                }
            }

            capture._scopes.ForEachScope((scope, builder) => builder.Append(" | scope ").Append(scope), line);
            if (exception is not null)
            {
                line.Append(" | ").Append(exception);
            }

            capture.Lines.Enqueue(line.ToString());
        }
    }
}
