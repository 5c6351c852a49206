using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Http.Resilience;
using Polly;
using Polly.Timeout;

namespace NightSafe.Integrations.Twilio;

/// <summary>
/// How the Twilio HttpClient retries. Twilio has no idempotency key, so a request that creates something (a message
/// POST) is retried only when it provably did not reach Twilio (connection refused, name not resolved, no route) or
/// Twilio answered 429 (it did not act); after a timeout or a 5xx the outcome is unknown and the caller reconciles.
/// Reads (GET) are retried on any transient failure. Backoff is exponential with jitter, honouring Twilio's
/// Retry-After up to <see cref="TwilioOptions.RetryMaxDelay"/>; each attempt has its own timeout.
/// </summary>
public static class TwilioRetry
{
    public const string PipelineName = "twilio-messages";

    public static void Configure(ResiliencePipelineBuilder<HttpResponseMessage> builder, TwilioOptions options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        if (options.MaxAttempts > 1)
        {
            var longest = options.RetryMaxDelay;
            builder.AddRetry(new HttpRetryStrategyOptions
            {
                MaxRetryAttempts = options.MaxAttempts - 1,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.RetryBaseDelay,
                MaxDelay = longest,
                ShouldRetryAfterHeader = false,
                ShouldHandle = args => ValueTask.FromResult(ShouldRetry(args.Context.GetRequestMessage()?.Method, args.Outcome.Result, args.Outcome.Exception)),
                DelayGenerator = args => ValueTask.FromResult(RetryAfter(args.Outcome.Result, time.GetUtcNow(), longest)),
            });
        }

        builder.AddTimeout(new HttpTimeoutStrategyOptions { Timeout = options.AttemptTimeout });
    }

    /// <summary>Whether an attempt may be repeated: any transient failure of a read; for anything else only what provably did nothing.</summary>
    public static bool ShouldRetry(HttpMethod? method, HttpResponseMessage? response, Exception? exception)
    {
        if (method == HttpMethod.Get || method == HttpMethod.Head)
        {
            return response is { StatusCode: HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout or >= HttpStatusCode.InternalServerError }
                || exception is HttpRequestException or TimeoutRejectedException;
        }

        return response?.StatusCode == HttpStatusCode.TooManyRequests || (exception is not null && NeverReached(exception));
    }

    /// <summary>
    /// Whether a failed request provably never reached the server: no connection was made (refused, no route, the
    /// name did not resolve). A reset, a timeout or a connection closed mid-answer may have reached it.
    /// </summary>
    public static bool NeverReached(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is HttpRequestException { HttpRequestError: HttpRequestError.NameResolutionError })
            {
                return true;
            }

            if (e is SocketException socket)
            {
                return socket.SocketErrorCode is SocketError.ConnectionRefused or SocketError.HostNotFound or SocketError.HostUnreachable
                    or SocketError.NetworkUnreachable or SocketError.TryAgain or SocketError.NoData or SocketError.AddressNotAvailable;
            }
        }

        return false;
    }

    /// <summary>The wait a response's Retry-After asks for (seconds or a date), at most <paramref name="longest"/>; null when it asks none.</summary>
    public static TimeSpan? RetryAfter(HttpResponseMessage? response, DateTimeOffset now, TimeSpan longest)
    {
        var header = response?.Headers.RetryAfter;
        TimeSpan? asked = header switch
        {
            { Delta: { } delta } => delta,
            { Date: { } date } => date - now,
            _ => null,
        };
        if (asked is not { } wait)
        {
            return null;
        }

        return wait < TimeSpan.Zero ? TimeSpan.Zero : wait > longest ? longest : wait;
    }
}
