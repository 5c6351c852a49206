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
    private readonly WebApplication _app;
    private readonly MessageLedger _ledger;
    private readonly MessageDelivery _delivery;
    private int _disposed;

    private TwilioStandInServer(WebApplication app, MessageLedger ledger, MessageDelivery delivery, Uri baseUrl, string accountSid, string authToken)
    {
        _app = app;
        _ledger = ledger;
        _delivery = delivery;
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

        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ApplicationName = typeof(TwilioStandInServer).Assembly.GetName().Name });
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Listen(IPAddress.Loopback, options.Port);
        });
        builder.Services.AddRoutingCore();
        builder.Services.AddLogging(logging =>
        {
            logging.AddProvider(new ForwardingLoggerProvider(loggerFactory));
            // ASP.NET Core's per-request lines would drown the stand-in's own; its warnings and errors still come through.
            logging.AddFilter("Microsoft", LogLevel.Warning);
        });

        var app = builder.Build();
        var ledger = new MessageLedger();
        var logger = loggerFactory.CreateLogger<TwilioStandInServer>();
        var delivery = new MessageDelivery(ledger, options, authToken, logger);
        var api = new MessagesApi(ledger, delivery, options, accountSid, authToken, logger);
        app.MapPost("/2010-04-01/Accounts/{accountSid}/Messages.json", api.CreateAsync);
        app.MapGet("/2010-04-01/Accounts/{accountSid}/Messages.json", api.ListAsync);
        app.MapGet("/2010-04-01/Accounts/{accountSid}/Messages/{sid}.json", api.FetchAsync);
        app.MapDelete("/2010-04-01/Accounts/{accountSid}/Messages/{sid}.json", api.DeleteAsync);
        // Twilio answers any other path with its JSON 404; the default fallback would skip paths that look like files (*.json).
        app.MapFallback("/{**path}", MessagesApi.NotFoundAsync);

        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch (IOException ex)
        {
            await delivery.DisposeAsync();
            await app.DisposeAsync();
            throw new InvalidOperationException(
                $"The Twilio stand-in cannot listen on 127.0.0.1:{options.Port}: the port is taken. " +
                $"Choose another with {nameof(TwilioStandInOptions)}.{nameof(TwilioStandInOptions.Port)} (0 picks a free one).", ex);
        }

        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        var baseUrl = new Uri($"http://127.0.0.1:{new Uri(address).Port}");
        LogStarted(logger, baseUrl, accountSid);
        return new TwilioStandInServer(app, ledger, delivery, baseUrl, accountSid, authToken);
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

        await _app.StopAsync();
        await _delivery.DisposeAsync();
        await _app.DisposeAsync();
    }

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
