using Microsoft.Extensions.Logging;

namespace NightSafe.Cli.Stack;

/// <summary>How to start the offline stack.</summary>
public sealed record OfflineHubOptions
{
    /// <summary>Friday 18 December 2026, 22:30 in London: a busy night with most agencies on duty.</summary>
    public static readonly DateTime FridayNight = new(2026, 12, 18, 22, 30, 0, DateTimeKind.Unspecified);

    public StackPorts Ports { get; init; } = StackPorts.AnyFree;

    /// <summary>
    /// The local (Europe/London) time the app's clock shows at start, then runs on from; null keeps the real clock.
    /// The app accepts it in the Development environment only.
    /// </summary>
    public DateTime? ClockStart { get; init; } = FridayNight;

    /// <summary>The built NightSafe.Functions folder; null finds the build made with this tool's Configuration.</summary>
    public string? AppDirectory { get; init; }

    /// <summary>Where every part's logs go (the worker's keep their categories); null discards them.</summary>
    public ILoggerFactory? LoggerFactory { get; init; }

    /// <summary>Progress lines a person should see while the stack starts (npm ci on first use, for one).</summary>
    public Action<string>? Say { get; init; }

    /// <summary>Keys for the Functions host; generated when null.</summary>
    public string? FunctionKey { get; init; }

    public string? MasterKey { get; init; }

    /// <summary>The first wait before the app retries Twilio (429, 5xx); short locally so a demo night keeps moving.</summary>
    public TimeSpan TwilioRetryBaseDelay { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>How long the stand-in waits between a message's status steps (queued, sent, delivered).</summary>
    public TimeSpan TwilioStatusStepDelay { get; init; } = TimeSpan.FromMilliseconds(20);

    /// <summary>
    /// One acknowledgement deadline for every priority (the app's NightSafe__AcknowledgeWithin) instead of routing.json's
    /// minutes, so a test or the demo sees reminders and escalations in seconds; null keeps routing.json's.
    /// </summary>
    public TimeSpan? AcknowledgeWithin { get; init; }

    /// <summary>
    /// Where the stack keeps its data across restarts: Azurite's tables, queues and blobs under <c>azurite/</c>, and the
    /// phone key pepper those tables are keyed with (<c>phone-key-pepper</c>). Null keeps everything in memory, gone
    /// when the stack stops (the demo and tests). The Service Bus emulator keeps its messages in memory either way.
    /// </summary>
    public string? DataDirectory { get; init; }

    /// <summary>Longest wait for the worker to load every function.</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(120);
}
