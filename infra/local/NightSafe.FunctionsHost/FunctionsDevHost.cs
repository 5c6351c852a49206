using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using NightSafe.FunctionsHost.Functions;
using NightSafe.FunctionsHost.Http;
using NightSafe.FunctionsHost.Invocations;
using NightSafe.FunctionsHost.Queues;
using NightSafe.FunctionsHost.Rpc;
using NightSafe.FunctionsHost.Timers;
using NightSafe.FunctionsHost.Worker;

namespace NightSafe.FunctionsHost;

/// <summary>How an admin run of a function ended.</summary>
public sealed record FunctionRunResult(string FunctionName, string InvocationId, bool Succeeded, string? Error);

/// <summary>A function the host has loaded, as the console prints it.</summary>
public sealed record LoadedFunction(string Name, string TriggerType, Uri? Url, IReadOnlyList<string> Methods, string? AuthLevel);

/// <summary>
/// A development Functions host: starts the app's isolated worker, speaks the host/worker gRPC protocol to it, and serves
/// HTTP, storage-queue and timer triggers as the Azure Functions host does (infra/local/NightSafe.FunctionsHost/README.md).
/// </summary>
public sealed class FunctionsDevHost : IAsyncDisposable
{
    private readonly WebApplication _web;
    private readonly FunctionApp _app;
    private readonly WorkerSupervisor _supervisor;
    private readonly FunctionInvoker _invoker;
    private readonly StorageQueues _queues;
    private readonly FunctionsDevHostOptions _options;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private readonly Stopwatch _sinceStart;
    private readonly CancellationTokenSource _stopTriggers = new();
    private readonly TaskCompletionSource<HttpRouteTable> _routes = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<Task> _triggers = [];
    private readonly Lock _gate = new();
    private readonly string _hostId = Guid.NewGuid().ToString("N")[..16];
    private readonly long _maxRequestBodySize;
    private int _grpcPort;
    private long _firstServedTicks = -1;
    private int _disposed;

    private FunctionsDevHost(WebApplication web, FunctionApp app, WorkerSessions sessions, FunctionsDevHostOptions options, ILoggerFactory loggerFactory, Stopwatch sinceStart)
    {
        _web = web;
        _app = app;
        _options = options;
        _loggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger("NightSafe.FunctionsHost");
        _sinceStart = sinceStart;
        MasterKey = options.MasterKey ?? NewKey();
        FunctionKey = options.FunctionKey ?? NewKey();
        var settings = new AppSettings(app.Settings);
        _maxRequestBodySize = RequestBodyLimit.From(settings);
        _queues = new StorageQueues(settings, app.Host.Queues, loggerFactory.CreateLogger("NightSafe.FunctionsHost.Queues"));
        _supervisor = new WorkerSupervisor(app, () => new Uri($"http://127.0.0.1:{_grpcPort}/"), sessions, options, loggerFactory);
        _invoker = new FunctionInvoker(_supervisor, _queues, loggerFactory.CreateLogger<FunctionInvoker>(), OnInvocationServed);
    }

    /// <summary>http://127.0.0.1:{port}: function routes are under /api (host.json routePrefix), admin under /admin.</summary>
    public Uri BaseUrl { get; private set; } = new("http://127.0.0.1/");

    public string MasterKey { get; }

    public string FunctionKey { get; }

    public FunctionsHostState State => _supervisor.State;

    /// <summary>The running worker's process id (the real worker, not its watchdog).</summary>
    public int? WorkerProcessId => _supervisor.WorkerProcessId;

    /// <summary>How many worker processes this host has started (more than one after a crash and restart).</summary>
    public int WorkerStarts => _supervisor.WorkerStarts;

    /// <summary>Time from <see cref="StartAsync"/> to the first invocation the worker completed: the cold-start figure.</summary>
    public TimeSpan? FirstInvocationServedAfter
    {
        get
        {
            var ticks = Interlocked.Read(ref _firstServedTicks);
            return ticks < 0 ? null : TimeSpan.FromTicks(ticks);
        }
    }

    /// <summary>Time from <see cref="StartAsync"/> until every function was loaded, once it has happened.</summary>
    public TimeSpan? ReadyAfter { get; private set; }

    /// <summary>The functions loaded by the worker, with HTTP URLs where they have one (empty until running).</summary>
    public IReadOnlyList<LoadedFunction> Functions
    {
        get
        {
            var routes = _routes.Task.IsCompletedSuccessfully ? _routes.Task.Result.Routes.ToDictionary(r => r.Function.Name, StringComparer.Ordinal) : [];
            return [.. _supervisor.Functions.Select(f => routes.TryGetValue(f.Name, out var route)
                ? new LoadedFunction(f.Name, f.TriggerType, new Uri(BaseUrl, (_app.Host.RoutePrefix.Length == 0 ? string.Empty : _app.Host.RoutePrefix + "/") + route.Template), [.. route.Methods?.Order(StringComparer.Ordinal) ?? Enumerable.Empty<string>()], route.AuthLevel.ToString().ToLowerInvariant())
                : new LoadedFunction(f.Name, f.TriggerType, null, [], null))];
        }
    }

    /// <summary>Binds the ports, starts the worker and returns; use <see cref="WaitUntilRunningAsync"/> for readiness.</summary>
    public static async Task<FunctionsDevHost> StartAsync(FunctionsDevHostOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var sinceStart = Stopwatch.StartNew();
        var app = FunctionApp.Load(options.AppDirectory, options.Settings);
        var loggerFactory = options.LoggerFactory ?? NullLoggerFactory.Instance;

        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ApplicationName = typeof(FunctionsDevHost).Assembly.GetName().Name });
        builder.WebHost.UseKestrelCore();
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(new ForwardingLoggerProvider(loggerFactory));
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddRoutingCore();
        builder.Services.AddGrpc(grpc =>
        {
            grpc.MaxReceiveMessageSize = null;
            grpc.MaxSendMessageSize = null;
        });
        var sessions = new WorkerSessions();
        builder.Services.AddSingleton(sessions);

        ListenOptions? grpcListen = null;
        ListenOptions? httpListen = null;
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            // The worker dials gRPC over cleartext HTTP/2 with prior knowledge; browsers and SDKs use HTTP/1.1.
            kestrel.Listen(IPAddress.Loopback, 0, listen =>
            {
                listen.Protocols = HttpProtocols.Http2;
                grpcListen = listen;
            });
            kestrel.Listen(IPAddress.Loopback, options.HttpPort, listen =>
            {
                listen.Protocols = HttpProtocols.Http1;
                httpListen = listen;
            });
        });

        var web = builder.Build();
        var host = new FunctionsDevHost(web, app, sessions, options, loggerFactory, sinceStart);
        web.Use(async (context, next) =>
        {
            if (context.Connection.LocalPort == host._grpcPort)
            {
                await next(context);
            }
            else
            {
                await host.HandleHttpAsync(context);
            }
        });
        web.UseRouting();
        web.MapGrpcService<FunctionRpcService>();

        try
        {
            await web.StartAsync(cancellationToken);
        }
        catch
        {
            // Typically the HTTP port is taken: release what was built before reporting it.
            await web.DisposeAsync();
            throw;
        }

        host._grpcPort = ((IPEndPoint)grpcListen!.EndPoint).Port;
        var httpPort = ((IPEndPoint)httpListen!.EndPoint).Port;
        host.BaseUrl = new Uri($"http://127.0.0.1:{httpPort}/");
        HostLog.Listening(host._logger, host.BaseUrl, host._grpcPort, app.Directory);

        host._supervisor.Start();
        host._triggers.Add(Task.Run(host.StartTriggersAsync, CancellationToken.None));
        return host;
    }

    /// <summary>Waits until the worker has loaded every function and the triggers are listening.</summary>
    public async Task WaitUntilRunningAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var watch = Stopwatch.StartNew();
        await _supervisor.WaitUntilRunningAsync(timeout, cancellationToken);
        var left = timeout - watch.Elapsed;
        await _routes.Task.WaitAsync(left > TimeSpan.Zero ? left : TimeSpan.Zero, cancellationToken);
    }

    /// <summary>Runs any non-HTTP function now, as POST /admin/functions/{name} does, and waits for it to finish.</summary>
    public async Task<FunctionRunResult> RunFunctionAsync(string name, string? input = null, CancellationToken cancellationToken = default)
    {
        await WaitUntilRunningAsync(_options.WorkerUnavailableTimeout, cancellationToken);
        var function = _supervisor.Functions.FirstOrDefault(f => string.Equals(f.Name, name, StringComparison.OrdinalIgnoreCase))
            ?? throw new KeyNotFoundException($"No function named '{name}' is loaded.");
        if (function.IsHttp)
        {
            throw new InvalidOperationException($"{function.Name} is HTTP-triggered: call its URL instead.");
        }

        var (data, metadata) = AdminInput(function, input ?? string.Empty);
        var outcome = await _invoker.InvokeAsync(function, data, metadata, cancellationToken);
        return new FunctionRunResult(function.Name, outcome.InvocationId, outcome.Succeeded, outcome.Error);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        HostLog.Stopping(_logger);
        await _stopTriggers.CancelAsync();
        _routes.TrySetCanceled();
        Task[] triggers;
        lock (_gate)
        {
            triggers = [.. _triggers];
        }

        try
        {
            // In-flight queue messages finish first (bounded), as the real host drains on stop.
            await Task.WhenAll(triggers).WaitAsync(_options.WorkerStopGracePeriod);
        }
        catch (TimeoutException)
        {
            HostLog.StillRunningAtStop(_logger);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            HostLog.TriggerErrorAtStop(_logger, ex);
        }

        await _supervisor.DisposeAsync();
        using (var stopping = new CancellationTokenSource(TimeSpan.FromSeconds(5)))
        {
            await _web.StopAsync(stopping.Token);
        }

        await _web.DisposeAsync();
        _stopTriggers.Dispose();
        HostLog.Stopped(_logger);
    }

    private static string NewKey() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(30)).Replace('+', 'A').Replace('/', 'B');

    private void OnInvocationServed()
    {
        Interlocked.CompareExchange(ref _firstServedTicks, _sinceStart.Elapsed.Ticks, -1);
    }

    private (TypedData Data, IReadOnlyDictionary<string, TypedData> Metadata) AdminInput(FunctionDescriptor function, string input)
    {
        var now = _options.TimeProvider.GetUtcNow();
        if (function.IsTimer)
        {
            var schedule = TimerSchedule.Parse(new AppSettings(_app.Settings).Resolve(function.Trigger.Text("schedule") ?? string.Empty));
            return (TimerTriggerScheduler.Input(null, schedule.Next(now), isPastDue: false, now), new Dictionary<string, TypedData>());
        }

        if (function.IsQueue)
        {
            var message = Azure.Storage.Queues.Models.QueuesModelFactory.QueueMessage(
                Guid.NewGuid().ToString(), string.Empty, BinaryData.FromString(input), 1, now, now, now.AddDays(7));
            return (TypedDataConversions.Text(input), QueueTriggerListener.Metadata(message, input));
        }

        return (TypedDataConversions.Text(input), new Dictionary<string, TypedData>());
    }

    private async Task StartTriggersAsync()
    {
        IReadOnlyList<FunctionDescriptor> functions;
        try
        {
            functions = await _supervisor.FirstLoad;
        }
        catch (WorkerUnavailableException)
        {
            return;
        }

        var stop = _stopTriggers.Token;
        var resolver = _web.Services.GetRequiredService<IInlineConstraintResolver>();
        _routes.TrySetResult(new HttpRouteTable(functions.Where(f => f.IsHttp).Select(HttpRouteTable.FromFunction), _app.Host.RoutePrefix, resolver));
        ReadyAfter = _sinceStart.Elapsed;
        var settings = new AppSettings(_app.Settings);
        foreach (var function in functions)
        {
            Task? trigger = null;
            try
            {
                if (function.IsQueue)
                {
                    var logger = _loggerFactory.CreateLogger("NightSafe.FunctionsHost.Queues." + function.Name);
                    trigger = Task.Run(
                        async () =>
                        {
                            try
                            {
                                using var listener = new QueueTriggerListener(function, _invoker, _queues, _app.Host, _options.TimeProvider, logger);
                                await listener.RunAsync(stop);
                            }
                            catch (InvalidOperationException ex)
                            {
                                // A missing connection setting or queue name: the other functions keep running.
                                HostLog.TriggerCannotStart(_logger, function.Name, ex.Message);
                            }
                        },
                        CancellationToken.None);
                }
                else if (function.IsTimer)
                {
                    var schedule = TimerSchedule.Parse(settings.Resolve(function.Trigger.Text("schedule") ?? string.Empty));
                    var scheduler = new TimerTriggerScheduler(function, schedule, _invoker, _options.TimeProvider, _loggerFactory.CreateLogger("NightSafe.FunctionsHost.Timers." + function.Name));
                    trigger = Task.Run(() => scheduler.RunAsync(stop), CancellationToken.None);
                }
                else if (!function.IsHttp)
                {
                    HostLog.UnsupportedTrigger(_logger, function.Name, function.TriggerType);
                }
            }
            catch (Exception ex) when (ex is FormatException or InvalidOperationException)
            {
                HostLog.TriggerCannotStart(_logger, function.Name, ex.Message);
            }

            if (trigger is not null)
            {
                lock (_gate)
                {
                    _triggers.Add(trigger);
                }
            }
        }
    }

    private async Task HandleHttpAsync(HttpContext context)
    {
        var request = context.Request;
        var aborted = context.RequestAborted;
        var path = request.Path.Value ?? "/";
        if (!RequestBodyLimit.Apply(context, _maxRequestBodySize))
        {
            return;
        }

        if (path.StartsWith("/admin/", StringComparison.OrdinalIgnoreCase))
        {
            await HandleAdminAsync(context, path);
            return;
        }

        HttpRouteTable routes;
        try
        {
            await WaitUntilRunningAsync(_options.WorkerUnavailableTimeout, aborted);
            routes = await _routes.Task;
        }
        catch (Exception ex) when (ex is TimeoutException or WorkerUnavailableException or TaskCanceledException)
        {
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            return;
        }

        switch (routes.Match(request.Path, request.Method))
        {
            case RouteMatch.Found found:
                if (!FunctionKeys.Authorized(found.Route.AuthLevel, FunctionKeys.Presented(request), FunctionKey, MasterKey))
                {
                    context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                    return;
                }

                await InvokeHttpAsync(context, found);
                return;
            case RouteMatch.WrongMethod wrong:
                context.Response.StatusCode = StatusCodes.Status405MethodNotAllowed;
                context.Response.Headers.Allow = string.Join(", ", wrong.Allowed);
                return;
            default:
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return;
        }
    }

    private async Task InvokeHttpAsync(HttpContext context, RouteMatch.Found found)
    {
        var function = found.Route.Function;
        (TypedData Input, Dictionary<string, TypedData> Metadata) request;
        try
        {
            request = await HttpTriggerRequests.ToInvocationAsync(context.Request, found.Values, context.RequestAborted);
        }
        catch (Microsoft.AspNetCore.Http.BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            // A body without Content-Length (chunked) that grew past the limit while it was read: the worker never sees it.
            context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
            return;
        }

        var (input, metadata) = request;
        var outcome = await _invoker.InvokeAsync(function, input, metadata, context.RequestAborted);
        if (!outcome.Succeeded)
        {
            context.Response.StatusCode = outcome.Response is null ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status500InternalServerError;
            return;
        }

        var output = function.Outputs.FirstOrDefault(b => string.Equals(b.Type, "http", StringComparison.OrdinalIgnoreCase));
        var data = output is null ? outcome.Response?.ReturnValue : outcome.Output(output.Name);
        await HttpTriggerRequests.WriteAsync(context.Response, data, context.RequestAborted);
    }

    private async Task HandleAdminAsync(HttpContext context, string path)
    {
        var response = context.Response;
        if (path.Equals("/admin/host/ping", StringComparison.OrdinalIgnoreCase))
        {
            response.StatusCode = StatusCodes.Status200OK;
            return;
        }

        if (!FunctionKeys.Authorized(AuthLevel.Admin, FunctionKeys.Presented(context.Request), FunctionKey, MasterKey))
        {
            response.StatusCode = StatusCodes.Status401Unauthorized;
            return;
        }

        if (path.Equals("/admin/host/status", StringComparison.OrdinalIgnoreCase) && HttpMethods.IsGet(context.Request.Method))
        {
            var state = State == FunctionsHostState.Running && _routes.Task.IsCompletedSuccessfully ? FunctionsHostState.Running : State == FunctionsHostState.Running ? FunctionsHostState.Initializing : State;
            await response.WriteAsJsonAsync(new
            {
                id = _hostId,
                state = state.ToString(),
                version = "NightSafe.FunctionsHost",
                processUptime = (long)_sinceStart.Elapsed.TotalMilliseconds,
                functions = _supervisor.Functions.Select(f => f.Name).ToArray(),
            }, context.RequestAborted);
            return;
        }

        const string functionsPrefix = "/admin/functions/";
        if (path.StartsWith(functionsPrefix, StringComparison.OrdinalIgnoreCase) && HttpMethods.IsPost(context.Request.Method))
        {
            await RunFromAdminAsync(context, Uri.UnescapeDataString(path[functionsPrefix.Length..].TrimEnd('/')));
            return;
        }

        response.StatusCode = StatusCodes.Status404NotFound;
    }

    private async Task RunFromAdminAsync(HttpContext context, string name)
    {
        try
        {
            await WaitUntilRunningAsync(_options.WorkerUnavailableTimeout, context.RequestAborted);
        }
        catch (Exception ex) when (ex is TimeoutException or WorkerUnavailableException or TaskCanceledException)
        {
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            return;
        }

        var function = _supervisor.Functions.FirstOrDefault(f => string.Equals(f.Name, name, StringComparison.OrdinalIgnoreCase));
        if (function is null || function.IsHttp)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        string? input = null;
        if (context.Request.ContentLength is > 0 || context.Request.Headers.TransferEncoding.Count > 0)
        {
            try
            {
                using var body = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
                if (body.RootElement.ValueKind == JsonValueKind.Object && body.RootElement.TryGetProperty("input", out var value))
                {
                    input = value.ValueKind == JsonValueKind.String ? value.GetString() : value.GetRawText();
                }
            }
            catch (JsonException)
            {
                context.Response.StatusCode = StatusCodes.Status400BadRequest;
                return;
            }
        }

        // The real host accepts the run and executes it in the background.
        var run = Task.Run(() => RunFunctionAsync(function.Name, input, _stopTriggers.Token), CancellationToken.None);
        lock (_gate)
        {
            _triggers.RemoveAll(t => t.IsCompleted);
            _triggers.Add(run);
        }

        context.Response.StatusCode = StatusCodes.Status202Accepted;
        context.Response.Headers.Location = new Uri(BaseUrl, "admin/functions/" + Uri.EscapeDataString(function.Name)).ToString();
        HostLog.AdminRunAccepted(_logger, function.Name);
    }
}
