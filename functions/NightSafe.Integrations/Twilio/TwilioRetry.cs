using Microsoft.Extensions.Http.Resilience;
using Polly;

namespace NightSafe.Integrations.Twilio;

/// <summary>
/// How the Twilio HttpClient retries: 429, 5xx, timeouts and connection failures, with exponential backoff and jitter,
/// honouring Twilio's Retry-After up to <see cref="TwilioOptions.RetryMaxDelay"/>; each attempt has its own timeout.
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
                DelayGenerator = args => ValueTask.FromResult(RetryAfter(args.Outcome.Result, time.GetUtcNow(), longest)),
            });
        }

        builder.AddTimeout(new HttpTimeoutStrategyOptions { Timeout = options.AttemptTimeout });
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
