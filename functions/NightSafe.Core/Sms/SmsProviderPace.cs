using Microsoft.Extensions.Logging;

namespace NightSafe.Core.Sms;

/// <summary>
/// How quickly the SMS provider has been answering: a send whose call to the provider took longer than
/// <see cref="Slow"/> (answered or not) makes <see cref="IsSlow"/> true for <see cref="Pause"/>. Only the provider's own
/// call is timed, not the marks around it: a busy storage account slows every path alike, and queueing then would only
/// add the queue's requests to it.
/// </summary>
public sealed partial class SmsProviderPace(TimeProvider time, ILogger<SmsProviderPace> logger)
{
    /// <summary>A call to the provider longer than this means it is slow or down.</summary>
    public static readonly TimeSpan Slow = TimeSpan.FromSeconds(1);

    /// <summary>How long after a slow call the provider counts as slow.</summary>
    public static readonly TimeSpan Pause = TimeSpan.FromMinutes(1);

    // Until when the provider counts as slow (UTC ticks); 0 until a call was slow.
    private long _slowUntil;

    /// <summary>Whether a call to the provider was slow within the last <see cref="Pause"/>.</summary>
    public bool IsSlow => time.GetUtcNow().UtcTicks < Interlocked.Read(ref _slowUntil);

    /// <summary>Records how long one call to the provider took.</summary>
    public void Observe(TimeSpan took)
    {
        if (took <= Slow)
        {
            return;
        }

        var wasSlow = IsSlow;
        Interlocked.Exchange(ref _slowUntil, (time.GetUtcNow() + Pause).UtcTicks);
        if (!wasSlow)
        {
            LogSlow(took.TotalMilliseconds, Pause.TotalSeconds);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The SMS provider took {Milliseconds} ms to answer; SMS go by sms-outbound for the next {Seconds} s instead of holding routing up")]
    private partial void LogSlow(double milliseconds, double seconds);
}
