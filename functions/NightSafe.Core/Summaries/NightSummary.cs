using NightSafe.Core.Nights;

namespace NightSafe.Core.Summaries;

/// <summary>How one agency answered the cases routed to it in a night.</summary>
public sealed record AgencyFigures(
    string AgencyId,
    int Cases,
    int Accepted,
    int Attended,
    int Declined,
    int Closed,
    int Unanswered,
    double? MedianMinutesToAccept,
    double? P90MinutesToAccept = null,
    int Escalated = 0,
    int Cancelled = 0);

/// <summary>A night's delivery failures reported after its summary had gone out (Twilio reports some only hours later).</summary>
/// <param name="Night">The earlier night the figures belong to.</param>
/// <param name="AdviceFailed">Advice SMS of that night reported failed since its summary was calculated.</param>
public sealed record LateFigures(NightId Night, int AdviceFailed);

/// <summary>The night at a glance for the duty inspector: stored, sent by SMS, and published per agency.</summary>
public sealed record NightSummary
{
    public required NightId Night { get; init; }

    public required DateTimeOffset GeneratedAt { get; init; }

    public required int Referrals { get; init; }

    public required IReadOnlyDictionary<string, int> ByTown { get; init; }

    public required IReadOnlyDictionary<string, int> ByCategory { get; init; }

    public required IReadOnlyList<AgencyFigures> Agencies { get; init; }

    /// <summary>Referrals not closed when the summary ran.</summary>
    public required int OpenReferrals { get; init; }

    /// <summary>Referrals that matched no agency on duty and went to the fallback agency.</summary>
    public required int RoutedToFallback { get; init; }

    /// <summary>Referrals that could not be routed at all (manual routing).</summary>
    public required int Unrouted { get; init; }

    public required int AdviceSent { get; init; }

    public required int AdviceFailed { get; init; }

    public double? MedianMinutesToAccept { get; init; }

    /// <summary>90th percentile (nearest rank) of minutes from routing to acceptance, over every agency.</summary>
    public double? P90MinutesToAccept { get; init; }

    /// <summary>Cases escalated because nobody accepted them by their second deadline.</summary>
    public int EscalatedNotAccepted { get; init; }

    /// <summary>Cases escalated because every agency declined the referral.</summary>
    public int EscalatedDeclinedByAll { get; init; }

    /// <summary>Cases nobody ever answered (and nobody told to stand down).</summary>
    public int NeverAnswered { get; init; }

    /// <summary>Agencies told that a case they had was closed.</summary>
    public int CancellationsSent { get; init; }

    /// <summary>The previous night's late figures (failures reported after its summary); null when it had no summary.</summary>
    public LateFigures? Late { get; init; }

    /// <summary>The SMS text sent to the duty inspectors (GSM-7, at most 3 segments).</summary>
    public required string Text { get; init; }

    /// <summary>When the SMS and the per-agency messages went out; null until then.</summary>
    public DateTimeOffset? DeliveredAt { get; init; }
}
