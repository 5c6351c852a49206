namespace NightSafe.ServiceBusEmulator;

/// <summary>
/// The per-entity knobs Service Bus exposes. Queues use all of them; topics use the time-to-live and duplicate
/// detection ones; subscriptions use everything but duplicate detection.
/// </summary>
public sealed record EntitySettings
{
    public static EntitySettings Default { get; } = new();

    public TimeSpan LockDuration { get; init; } = TimeSpan.FromSeconds(60);

    public int MaxDeliveryCount { get; init; } = 10;

    /// <summary>Applied when a message sets no shorter TTL; <see cref="TimeSpan.MaxValue"/> means never.</summary>
    public TimeSpan DefaultMessageTimeToLive { get; init; } = TimeSpan.MaxValue;

    public bool DeadLetteringOnMessageExpiration { get; init; }

    public bool RequiresDuplicateDetection { get; init; }

    public TimeSpan DuplicateDetectionHistoryTimeWindow { get; init; } = TimeSpan.FromMinutes(10);
}
