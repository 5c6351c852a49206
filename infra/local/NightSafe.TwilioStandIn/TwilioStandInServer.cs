using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace NightSafe.TwilioStandIn;

/// <summary>
/// A local stand-in for Twilio's Messages API on 127.0.0.1: the Twilio SDK can create, fetch and list messages against
/// it, it refuses scripted numbers with Twilio's errors, and posts signed status callbacks as Twilio does.
/// </summary>
public sealed partial class TwilioStandInServer : IAsyncDisposable
{
    private readonly MessageLedger _ledger;
    private readonly MessageDelivery _delivery;
    private readonly ApiOutage _outage;
    private readonly MessagesApi _api;
    private readonly InboundTexts _inbound;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _listening = new(1, 1);
    private WebApplication? _app;
    private int _disposed;

    private TwilioStandInServer(WebApplication app, MessageLedger ledger, MessageDelivery delivery, ApiOutage outage, MessagesApi api, InboundTexts inbound, ILoggerFactory loggerFactory, TimeProvider time, Uri baseUrl, string accountSid, string authToken)
    {
        _app = app;
        _inbound = inbound;
        _ledger = ledger;
        _delivery = delivery;
        _outage = outage;
        _api = api;
        _loggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger<TwilioStandInServer>();
        _time = time;
        BaseUrl = baseUrl;
        AccountSid = accountSid;
        AuthToken = authToken;
    }

    /// <summary>Where the stand-in listens: <c>http://127.0.0.1:{port}</c>. Point the SDK's requests here instead of https://api.twilio.com.</summary>
    public Uri BaseUrl { get; }

    public int Port => BaseUrl.Port;

    public string AccountSid { get; }

    /// <summary>The token clients authenticate with and callbacks are signed with.</summary>
    public string AuthToken { get; }

    /// <summary>A snapshot of every accepted message, oldest first.</summary>
    public IReadOnlyList<SentMessage> Messages => _ledger.Messages;

    /// <summary>
    /// Records an SMS that arrived at the account's number <paramref name="to"/> from <paramref name="from"/>, as Twilio
    /// keeps one (direction inbound, status received, body and numbers) until it is deleted: pass its SID as the
    /// webhook's MessageSid. It is listed, fetched and deleted like any message; no status callbacks. A
    /// <paramref name="messageSid"/> already held is the same message again (a webhook retry): it is returned as held.
    /// </summary>
    public SentMessage ReceiveInbound(string from, string to, string body, string? messageSid = null) => _inbound.Receive(from, to, body, messageSid);

    /// <summary>
    /// What Twilio does with a messaging webhook's answer to <paramref name="inbound"/>: a 2xx answer's TwiML
    /// <c>&lt;Message&gt;</c> verbs each become a message of their own (direction outbound-reply, from the number texted
    /// to the texter unless the verb names others, delivered, sent just after the inbound text), listed, fetched and
    /// deleted through the API like every other message. Twilio tells the app no SID for them. Returns the replies made.
    /// </summary>
    public IReadOnlyList<SentMessage> AnswerInbound(SentMessage inbound, WebhookAnswer answer) => _inbound.Answer(inbound, answer);

    /// <summary>
    /// An SMS from <paramref name="from"/> to the account's number <paramref name="to"/>, delivered as Twilio delivers
    /// one: held as an inbound message, its webhook form handed to <paramref name="webhook"/> (which posts it, or calls
    /// the app however a test does), and the answer's TwiML turned into reply messages (<see cref="AnswerInbound"/>).
    /// Pass the same <paramref name="messageSid"/> again to retry the webhook as Twilio does.
    /// </summary>
    public Task<InboundDelivery> DeliverInboundAsync(
        string from, string to, string body, Func<IReadOnlyDictionary<string, string>, CancellationToken, Task<WebhookAnswer>> webhook,
        string? messageSid = null, CancellationToken cancellationToken = default) =>
        _inbound.DeliverAsync(from, to, body, webhook, messageSid, cancellationToken);

    /// <summary>
    /// <see cref="DeliverInboundAsync(string, string, string, Func{IReadOnlyDictionary{string, string}, CancellationToken, Task{WebhookAnswer}}, string?, CancellationToken)"/>
    /// over HTTP: the form POSTed to <paramref name="webhookUrl"/>, signed with the auth token over
    /// <paramref name="signedUrl"/> (the public URL Twilio is configured with; the app may listen elsewhere). Out of
    /// process, <c>POST /stand-in/Accounts/{AccountSid}/Inbound.json</c> does the same (<see cref="InboundPath"/>).
    /// </summary>
    public Task<InboundDelivery> DeliverInboundAsync(
        HttpClient http, Uri webhookUrl, Uri signedUrl, string from, string to, string body, string? messageSid = null, CancellationToken cancellationToken = default) =>
        _inbound.DeliverAsync(http, webhookUrl, signedUrl, from, to, body, messageSid, cancellationToken);

    /// <summary>
    /// The stand-in's own endpoint (not Twilio's) for a phone in another process: POST a form with From, To (the
    /// account's number), Body, Url (where the app's webhook listens), optionally SignedUrl (the public URL Twilio
    /// signs; Url when absent) and MessageSid (a retry), with the account's basic auth. The stand-in delivers the text as
    /// <see cref="DeliverInboundAsync(HttpClient, Uri, Uri, string, string, string, string?, CancellationToken)"/> and
    /// answers JSON: <c>inbound_sid</c>, <c>webhook_status</c> (0 when the app did not answer within Twilio's 15 s),
    /// <c>webhook_answer</c>, and <c>replies</c> (sid and body of each).
    /// </summary>
    public static string InboundPath(string accountSid) => $"/stand-in/Accounts/{accountSid}/Inbound.json";

    /// <summary>The SIDs of the messages deleted through the API (DELETE .../Messages/{sid}.json).</summary>
    public IReadOnlyCollection<string> DeletedSids => _ledger.Deleted;

    /// <summary>A snapshot of every create refused with a Twilio error, oldest first.</summary>
    public IReadOnlyList<RefusedMessage> Refusals => _ledger.Refusals;

    /// <summary>Starts the stand-in and returns once it accepts requests.</summary>
    /// <exception cref="InvalidOperationException">The requested port is taken.</exception>
    public static async Task<TwilioStandInServer> StartAsync(TwilioStandInOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new TwilioStandInOptions();
        ArgumentOutOfRangeException.ThrowIfNegative(options.Port);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.Port, IPEndPoint.MaxPort);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.CallbackAttempts, 1);
        var accountSid = options.AccountSid ?? TwilioSid.New("AC");
        var authToken = options.AuthToken ?? TwilioSid.NewAuthToken();
        var loggerFactory = options.LoggerFactory ?? NullLoggerFactory.Instance;

        var ledger = new MessageLedger();
        var logger = loggerFactory.CreateLogger<TwilioStandInServer>();
        var delivery = new MessageDelivery(ledger, options, authToken, logger);
        var api = new MessagesApi(ledger, delivery, options, accountSid, authToken, logger);
        var outage = new ApiOutage(logger);
        var inbound = new InboundTexts(ledger, api, accountSid, authToken, options.TimeProvider, logger);
        WebApplication app;
        try
        {
            app = await ListenAsync(options.Port, loggerFactory, api, inbound, outage, cancellationToken);
        }
        catch
        {
            inbound.Dispose();
            await delivery.DisposeAsync();
            throw;
        }

        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        var baseUrl = new Uri($"http://127.0.0.1:{new Uri(address).Port}");
        LogStarted(logger, baseUrl, accountSid);
        return new TwilioStandInServer(app, ledger, delivery, outage, api, inbound, loggerFactory, options.TimeProvider, baseUrl, accountSid, authToken);
    }

    /// <summary>The web host serving <paramref name="api"/> on 127.0.0.1:<paramref name="port"/>, started.</summary>
    private static async Task<WebApplication> ListenAsync(int port, ILoggerFactory loggerFactory, MessagesApi api, InboundTexts inbound, ApiOutage outage, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ApplicationName = typeof(TwilioStandInServer).Assembly.GetName().Name });
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Listen(IPAddress.Loopback, port);
        });
        builder.Services.AddRoutingCore();
        builder.Services.AddLogging(logging =>
        {
            logging.AddProvider(new ForwardingLoggerProvider(loggerFactory));
            // ASP.NET Core's per-request lines would drown the stand-in's own; its warnings and errors still come through.
            logging.AddFilter("Microsoft", LogLevel.Warning);
        });

        var app = builder.Build();
        app.Use(outage.HoldAsync);
        app.MapPost("/2010-04-01/Accounts/{accountSid}/Messages.json", api.CreateAsync);
        app.MapGet("/2010-04-01/Accounts/{accountSid}/Messages.json", api.ListAsync);
        app.MapGet("/2010-04-01/Accounts/{accountSid}/Messages/{sid}.json", api.FetchAsync);
        app.MapDelete("/2010-04-01/Accounts/{accountSid}/Messages/{sid}.json", api.DeleteAsync);
        app.MapPost("/stand-in/Accounts/{accountSid}/Inbound.json", inbound.HandleAsync);
        // Twilio answers any other path with its JSON 404; the default fallback would skip paths that look like files (*.json).
        app.MapFallback("/{**path}", MessagesApi.NotFoundAsync);

        try
        {
            await app.StartAsync(cancellationToken);
            return app;
        }
        catch (IOException ex)
        {
            await app.DisposeAsync();
            throw new InvalidOperationException(
                $"The Twilio stand-in cannot listen on 127.0.0.1:{port}: the port is taken. " +
                $"Choose another with {nameof(TwilioStandInOptions)}.{nameof(TwilioStandInOptions.Port)} (0 picks a free one).", ex);
        }
    }

    /// <summary>True between <see cref="StopListeningAsync"/> and <see cref="ListenAgainAsync"/>: connections are refused.</summary>
    public bool IsRefusingConnections => Volatile.Read(ref _app) is null;

    /// <summary>
    /// Twilio off the network: the port closes, so every connection is refused and a client knows its request never
    /// reached Twilio. Messages, deliveries and status callbacks carry on. Stopping a stopped stand-in does nothing.
    /// </summary>
    public async Task StopListeningAsync()
    {
        await _listening.WaitAsync();
        try
        {
            if (Interlocked.Exchange(ref _app, null) is { } app)
            {
                // Requests held by an outage are let go first, or stopping would wait for them.
                _outage.Resume();
                await app.StopAsync();
                await app.DisposeAsync();
                LogRefusing(_logger, Port);
            }
        }
        finally
        {
            _listening.Release();
        }
    }

    /// <summary>Listens again on the same port, with the same messages. Does nothing while listening.</summary>
    public async Task ListenAgainAsync()
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        await _listening.WaitAsync();
        try
        {
            if (Volatile.Read(ref _app) is null)
            {
                Volatile.Write(ref _app, await ListenAsync(Port, _loggerFactory, _api, _inbound, _outage, CancellationToken.None));
                LogListeningAgain(_logger, Port);
            }
        }
        finally
        {
            _listening.Release();
        }
    }

    /// <summary>True between <see cref="Pause"/> and <see cref="Resume"/>: API requests get no answer.</summary>
    public bool IsPaused => _outage.IsPaused;

    /// <summary>API requests whose client gave up during an outage; the stand-in never acted on them.</summary>
    public int DroppedDuringOutages => _outage.Dropped;

    /// <summary>
    /// An outage of Twilio's API: requests are accepted on the socket but get no answer until <see cref="Resume"/>; a
    /// request whose client gives up meanwhile is never acted on, one still waiting at the end is served late. Pausing
    /// a paused stand-in does nothing.
    /// </summary>
    public void Pause() => _outage.Pause();

    /// <summary>Ends an outage; resuming a running stand-in does nothing.</summary>
    public void Resume() => _outage.Resume();

    /// <summary>Answers nothing for <paramref name="outage"/>, then resumes (also when cancelled, so no outage outlives its caller).</summary>
    public async Task PauseForAsync(TimeSpan outage, CancellationToken cancellationToken = default)
    {
        Pause();
        try
        {
            await Task.Delay(outage, _time, cancellationToken);
        }
        finally
        {
            Resume();
        }
    }

    /// <summary>Refuses connections for <paramref name="outage"/>, then listens again (also when cancelled).</summary>
    public async Task RefuseConnectionsForAsync(TimeSpan outage, CancellationToken cancellationToken = default)
    {
        await StopListeningAsync();
        try
        {
            await Task.Delay(outage, _time, cancellationToken);
        }
        finally
        {
            if (Volatile.Read(ref _disposed) == 0)
            {
                await ListenAgainAsync();
            }
        }
    }

    /// <summary>
    /// Waits until <paramref name="condition"/> holds for the messages, re-checking on every change; returns the snapshot
    /// that satisfied it.
    /// </summary>
    /// <exception cref="TimeoutException">The condition did not hold within <paramref name="timeout"/>.</exception>
    public Task<IReadOnlyList<SentMessage>> WaitForAsync(
        Func<IReadOnlyList<SentMessage>, bool> condition, TimeSpan timeout, CancellationToken cancellationToken = default) =>
        _ledger.WaitForAsync(condition, timeout, cancellationToken);

    /// <summary>Stops accepting requests, ends deliveries still in progress and frees the port.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        // Requests held by an outage are let go, so stopping does not wait for them.
        _outage.Resume();
        await _listening.WaitAsync();
        try
        {
            if (Interlocked.Exchange(ref _app, null) is { } app)
            {
                await app.StopAsync();
                await _delivery.DisposeAsync();
                await app.DisposeAsync();
            }
            else
            {
                await _delivery.DisposeAsync();
            }
        }
        finally
        {
            _listening.Release();
        }

        _listening.Dispose();
        _inbound.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Twilio stand-in on port {Port} stopped listening: connections are refused")]
    private static partial void LogRefusing(ILogger logger, int port);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Twilio stand-in listening on port {Port} again")]
    private static partial void LogListeningAgain(ILogger logger, int port);

    [LoggerMessage(Level = LogLevel.Information, Message = "Twilio stand-in listening on {BaseUrl} for account {AccountSid}")]
    private static partial void LogStarted(ILogger logger, Uri baseUrl, string accountSid);

    /// <summary>Hands the web host's log lines to the caller's logger factory.</summary>
    private sealed class ForwardingLoggerProvider(ILoggerFactory target) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => target.CreateLogger(categoryName);

        public void Dispose()
        {
            // The caller owns the target factory.
        }
    }
}
