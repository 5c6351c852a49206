using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using System.Security.Cryptography;
using NightSafe.Core.Access;
using NightSafe.Core.Desk;
using NightSafe.Core.Nights;
using NightSafe.Core.Outcomes;
using NightSafe.Core.World;
using NightSafe.FunctionsHost;
using NightSafe.LocalStack;
using NightSafe.ServiceBusEmulator;
using NightSafe.TwilioStandIn;

namespace NightSafe.Cli.Stack;

/// <summary>
/// The whole hub on one machine: Azurite, the Service Bus emulator (topology from routing.json), the Twilio stand-in and
/// the Functions dev host running the built NightSafe.Functions, wired to each other. Disposing stops every part.
/// </summary>
public sealed partial class OfflineHub : IAsyncDisposable
{
    /// <summary>NightSafe's own number, which officers text (Ofcom's drama range).</summary>
    public const string HubNumber = "+447700900000";

    private const int FunctionsPortAttempts = 5;

    private readonly AzuriteServer _azurite;
    private readonly ServiceBusEmulatorServer _serviceBus;
    private readonly TwilioStandInServer _twilio;
    private readonly FunctionsDevHost _functions;
    private readonly TimeSpan _clockOffset;
    private int _disposed;

    private OfflineHub(
        AzuriteServer azurite,
        ServiceBusEmulatorServer serviceBus,
        TwilioStandInServer twilio,
        FunctionsDevHost functions,
        RoutingWorld world,
        IReadOnlyDictionary<string, string> partnerKeys,
        string controlRoomKey,
        DateTime? clockStart,
        byte[] pagesKey,
        TimeSpan clockOffset,
        TimeSpan? acknowledgeWithin)
    {
        Acknowledgement = acknowledgeWithin is { } within ? Acknowledgement.Uniform(within) : world.Acknowledgement;
        ControlRoomKey = controlRoomKey;
        _azurite = azurite;
        _serviceBus = serviceBus;
        _twilio = twilio;
        _functions = functions;
        World = world;
        PartnerKeys = partnerKeys;
        ClockStart = clockStart;
        PagesSigningKey = pagesKey;
        _clockOffset = clockOffset;
    }

    public AzuriteServer Azurite => _azurite;

    public ServiceBusEmulatorServer ServiceBus => _serviceBus;

    public TwilioStandInServer Twilio => _twilio;

    public FunctionsDevHost Functions => _functions;

    /// <summary>routing.json as the app reads it.</summary>
    public RoutingWorld World { get; }

    /// <summary>Each agency's partner API key (the app holds only their hashes).</summary>
    public IReadOnlyDictionary<string, string> PartnerKeys { get; }

    public DateTime? ClockStart { get; }

    /// <summary>The acknowledgement deadlines the app runs with (routing.json's, or the one the stack was started with).</summary>
    public Acknowledgement Acknowledgement { get; }

    /// <summary>The control room's key (header X-Control-Room-Key): reads dossiers and summaries; the app holds its hash.</summary>
    public string ControlRoomKey { get; }
    /// <summary>The key the app signs page sessions and case links with (Pages__SigningKey).</summary>
    public byte[] PagesSigningKey { get; }

    /// <summary>The time on the app's clock (which may have started at <see cref="ClockStart"/>).</summary>
    public DateTimeOffset AppNow => DateTimeOffset.UtcNow + _clockOffset;

    /// <summary>A local sign-in link to the night board, as the control room (valid for a day on the app's clock).</summary>
    public Uri BoardSignInUrl(string name = "Control room (local)") =>
        SignInUrl(new Viewer(ViewerRole.ControlRoom, name, null, null, AppNow.AddDays(1), PageSessions.NewSessionId(), FromPlatform: false));

    /// <summary>A local sign-in link to one agency's desk.</summary>
    public Uri DeskSignInUrl(string agencyId, string? name = null) =>
        SignInUrl(new Viewer(ViewerRole.Agency, name ?? $"{World.AgencyNamed(agencyId)?.Name ?? agencyId} (local)", AgencyId.From(agencyId), null, AppNow.AddDays(1), PageSessions.NewSessionId(), FromPlatform: false));

    /// <summary>The short signed link a case alert carries: signs its reader in to that one case until the night ends.</summary>
    public Uri CaseLinkUrl(NightId night, NightSafe.Core.References.ReferenceCode reference, string agencyId) =>
        new(_functions.BaseUrl, "api/c/" + new CaseLinks(PagesSigningKey, World, TimeProvider.System).Create(night, reference, AgencyId.From(agencyId)));

    public Uri BoardUrl => new(_functions.BaseUrl, "api/board");

    /// <summary>When the summary timer next summarises a night, on the app's clock.</summary>
    public DateTimeOffset NextSummaryAt => AppClock.NextSummary(AppNow, World);

    private Uri SignInUrl(Viewer viewer) =>
        new(_functions.BaseUrl, "api/sign-in?t=" + Uri.EscapeDataString(new PageSessions(PagesSigningKey, TimeProvider.System).Seal(PageSessions.SignInPurpose, viewer)));

    /// <summary>The address Twilio calls and signs: the dev host's own, as there is no proxy locally.</summary>
    public Uri PublicBaseUrl => _functions.BaseUrl;

    /// <summary>The night the app's clock was in when the stack started.</summary>
    public NightId Night => NightId.For(
        ClockStart is { } start ? World.ToInstant(DateOnly.FromDateTime(start), TimeOnly.FromDateTime(start)) : DateTimeOffset.UtcNow,
        World);

    public static async Task<OfflineHub> StartAsync(OfflineHubOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var ports = options.Ports;
        if (ports.Taken(FreeTcpPort.IsFree) is [var (part, port), ..])
        {
            throw new PortTakenException(part, port);
        }

        var appDirectory = options.AppDirectory ?? FunctionsAppFolder.Locate();
        var loggerFactory = options.LoggerFactory ?? NullLoggerFactory.Instance;
        var routingJson = await File.ReadAllTextAsync(Path.Combine(appDirectory, "routing.json"), cancellationToken);
        var world = RoutingWorld.Parse(routingJson);
        var partnerKeys = world.Agencies.ToDictionary(a => a.Id.Value, _ => PartnerKeyRing.NewKey(), StringComparer.Ordinal);
        var controlRoomKey = PartnerKeyRing.NewKey();
        var pagesKey = RandomNumberGenerator.GetBytes(32);
        // Rows kept on disk are keyed with the pepper, so it is kept with them; an in-memory stack makes one per run.
        var phonePepper = options.DataDirectory is { } data
            ? await StackData.PepperAsync(data, cancellationToken)
            : Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

        AzuriteServer? azurite = null;
        ServiceBusEmulatorServer? serviceBus = null;
        TwilioStandInServer? twilio = null;
        FunctionsDevHost? functions = null;
        try
        {
            var azuriteLog = loggerFactory.CreateLogger("Azurite");
            var startingAzurite = AzuriteServer.StartAsync(
                new AzuriteOptions
                {
                    BlobPort = ports.AzuriteBlob,
                    QueuePort = ports.AzuriteQueue,
                    TablePort = ports.AzuriteTable,
                    InMemory = options.DataDirectory is null,
                    Location = options.DataDirectory is { } kept ? StackData.AzuriteFolder(kept) : null,
                    Log = line =>
                    {
                        // npm's first install is the one slow step a newcomer meets: say it out loud.
                        if (line.StartsWith("Installing", StringComparison.Ordinal))
                        {
                            options.Say?.Invoke(line);
                        }

                        AzuriteLine(azuriteLog, line);
                    },
                },
                cancellationToken);
            var startingServiceBus = StartServiceBusAsync(ports.ServiceBus, routingJson, loggerFactory, cancellationToken);
            var startingTwilio = StartTwilioAsync(ports.Twilio, options.TwilioStatusStepDelay, loggerFactory, cancellationToken);
            (azurite, serviceBus, twilio) = await WhenAllAsync(startingAzurite, startingServiceBus, startingTwilio);

            // The app's development clock starts at ClockStart when its worker starts: near enough to now for links.
            var clockStartsAt = DateTimeOffset.UtcNow;
            var clockOffset = options.ClockStart is { } start
                ? world.ToInstant(DateOnly.FromDateTime(start), TimeOnly.FromDateTime(start)) - clockStartsAt
                : TimeSpan.Zero;
            functions = await StartFunctionsAsync(options, appDirectory, azurite, serviceBus, twilio, partnerKeys, controlRoomKey, pagesKey, phonePepper, clockOffset, clockStartsAt, loggerFactory, cancellationToken);
            await functions.WaitUntilRunningAsync(options.StartTimeout, cancellationToken);
            return new OfflineHub(azurite, serviceBus, twilio, functions, world, partnerKeys, controlRoomKey, options.ClockStart, pagesKey, clockOffset, options.AcknowledgeWithin);
        }
        catch
        {
            await StopAsync(functions, twilio, serviceBus, azurite);
            throw;
        }

        // Whatever started before one part failed is stopped too.
        static async Task<(AzuriteServer, ServiceBusEmulatorServer, TwilioStandInServer)> WhenAllAsync(
            Task<AzuriteServer> a, Task<ServiceBusEmulatorServer> s, Task<TwilioStandInServer> t)
        {
            try
            {
                await Task.WhenAll(a, s, t);
                return (a.Result, s.Result, t.Result);
            }
            catch
            {
                await StopAsync(
                    null,
                    t.IsCompletedSuccessfully ? t.Result : null,
                    s.IsCompletedSuccessfully ? s.Result : null,
                    a.IsCompletedSuccessfully ? a.Result : null);
                throw;
            }
        }
    }

    /// <summary>What another `nightsafe` command needs to reach this stack.</summary>
    public StackState State(int processId) => new()
    {
        ProcessId = processId,
        StartedAt = DateTimeOffset.UtcNow,
        FunctionsBaseUrl = _functions.BaseUrl,
        PublicBaseUrl = PublicBaseUrl,
        FunctionKey = _functions.FunctionKey,
        MasterKey = _functions.MasterKey,
        StorageConnectionString = _azurite.ConnectionString,
        ServiceBusConnectionString = _serviceBus.ConnectionString,
        TwilioBaseUrl = _twilio.BaseUrl,
        TwilioAccountSid = _twilio.AccountSid,
        TwilioAuthToken = _twilio.AuthToken,
        HubNumber = HubNumber,
        PartnerKeys = PartnerKeys,
        ControlRoomKey = ControlRoomKey,
        Night = Night.ToString(),
        WorkerProcessId = _functions.WorkerProcessId,
        SignInLinks = Commands.StackScreen.SignInLinks(this),
    };

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            await StopAsync(_functions, _twilio, _serviceBus, _azurite);
        }
    }

    /// <summary>Stops each part that exists, the app first; one part failing to stop does not keep the others running.</summary>
    private static async Task StopAsync(params IAsyncDisposable?[] parts)
    {
        List<Exception>? errors = null;
        foreach (var part in parts)
        {
            try
            {
                if (part is not null)
                {
                    await part.DisposeAsync();
                }
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                (errors ??= []).Add(ex);
            }
        }

        if (errors is not null)
        {
            throw new AggregateException("Some parts of the offline stack did not stop cleanly.", errors);
        }
    }

    private static async Task<ServiceBusEmulatorServer> StartServiceBusAsync(int port, string routingJson, ILoggerFactory loggerFactory, CancellationToken cancellationToken)
    {
        try
        {
            return await ServiceBusEmulatorServer.StartAsync(
                new ServiceBusEmulatorOptions { Port = port, Topology = EmulatorTopology.FromRoutingJson(routingJson), LoggerFactory = loggerFactory },
                cancellationToken);
        }
        catch (SocketException ex) when (port != 0)
        {
            throw new PortTakenException(StackPart.ServiceBus, port, ex);
        }
    }

    private static async Task<TwilioStandInServer> StartTwilioAsync(int port, TimeSpan stepDelay, ILoggerFactory loggerFactory, CancellationToken cancellationToken)
    {
        try
        {
            return await TwilioStandInServer.StartAsync(
                new TwilioStandInOptions { Port = port, StatusStepDelay = stepDelay, LoggerFactory = loggerFactory },
                cancellationToken);
        }
        catch (InvalidOperationException ex) when (port != 0 && ex.InnerException is IOException)
        {
            throw new PortTakenException(StackPart.Twilio, port, ex);
        }
    }

    private static async Task<FunctionsDevHost> StartFunctionsAsync(
        OfflineHubOptions options,
        string appDirectory,
        AzuriteServer azurite,
        ServiceBusEmulatorServer serviceBus,
        TwilioStandInServer twilio,
        IReadOnlyDictionary<string, string> partnerKeys,
        string controlRoomKey,
        byte[] pagesKey,
        string phonePepper,
        TimeSpan clockOffset,
        DateTimeOffset clockStartsAt,
        ILoggerFactory loggerFactory,
        CancellationToken cancellationToken)
    {
        // The app must know its own public address before it starts (Twilio signs over it), so the port is chosen here.
        for (var attempt = 1; ; attempt++)
        {
            var port = options.Ports.Functions != 0 ? options.Ports.Functions : FreeTcpPort.Next();
            var publicBaseUrl = new Uri($"http://127.0.0.1:{port}/");
            var parts = new LocalParts(azurite.ConnectionString, serviceBus.ConnectionString, twilio.BaseUrl, twilio.AccountSid, twilio.AuthToken, HubNumber, publicBaseUrl, Convert.ToBase64String(pagesKey), phonePepper);
            try
            {
                return await FunctionsDevHost.StartAsync(
                    new FunctionsDevHostOptions
                    {
                        AppDirectory = appDirectory,
                        HttpPort = port,
                        Settings = FunctionsAppSettings.For(parts, partnerKeys, options.ClockStart, options.TwilioRetryBaseDelay, controlRoomKey, clockStartsAt, options.AcknowledgeWithin),
                        FunctionKey = options.FunctionKey,
                        MasterKey = options.MasterKey,
                        LoggerFactory = loggerFactory,
                        WorkerStartTimeout = options.StartTimeout,
                        // Timers follow the app's clock: a night started at --clock ends, and is summarised, on that clock.
                        TimeProvider = clockOffset == TimeSpan.Zero ? TimeProvider.System : new AppClock(clockOffset),
                    },
                    cancellationToken);
            }
            catch (IOException ex) when (options.Ports.Functions != 0)
            {
                throw new PortTakenException(StackPart.Functions, port, ex);
            }
            catch (IOException) when (attempt < FunctionsPortAttempts)
            {
                // Another process took the free port between the check and the bind: choose again.
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Line}")]
    private static partial void AzuriteLine(ILogger logger, string line);
}
