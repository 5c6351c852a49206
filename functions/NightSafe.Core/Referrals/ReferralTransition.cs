namespace NightSafe.Core.Referrals;

/// <summary>
/// What one state change of a referral does: the referral's new state, the partner case that moved with it, and the
/// audit events the change implies. Each <see cref="Referral"/> and <see cref="PartnerCase"/> transition method returns
/// one; services only load, call and save it (<c>ReferralChange.From</c>).
/// </summary>
/// <param name="Referral">The referral's new state; null when the referral is left as it is (and not written).</param>
/// <param name="Events">The audit events to append with the change.</param>
public sealed record ReferralTransition(Referral? Referral, IReadOnlyList<ReferralEvent> Events)
{
    /// <summary>Nothing changes and nothing is recorded: a repeated trigger that has already taken effect.</summary>
    public static ReferralTransition None { get; } = new(null, []);

    /// <summary>A partner case that changed with the referral (written at the version it was read).</summary>
    public PartnerCase? Case { get; init; }

    /// <summary>New partner cases the change discloses (an escalation to the control room); each must not exist yet.</summary>
    public IReadOnlyList<PartnerCase> AddedCases { get; init; } = [];

    public bool IsNone => Referral is null && Case is null && AddedCases.Count == 0 && Events.Count == 0;

    /// <summary>The same transition, its first event naming the text that caused it (<see cref="ReferralEvent.WithSmsMessages"/>).</summary>
    public ReferralTransition CausedBySms(string? messageSid) =>
        messageSid is { Length: > 0 } && Events.Count > 0 ? this with { Events = [Events[0].WithSmsMessages([messageSid]), .. Events.Skip(1)] } : this;
}

/// <summary>
/// Thrown when a transition is asked for that the referral's or case's state does not allow (closing a closed
/// referral, accepting a closed case, claiming an advice SMS that is not pending).
/// </summary>
/// <remarks>
/// Why an exception and not a result: every refusal that is an ordinary answer (an officer closing a referral twice,
/// a partner answering a finished case) has a <c>Can…</c> question next to its method, which the service asks first to
/// choose its reply, so the rule itself lives once, in the domain. A move that still reaches its method illegally is a
/// defect in the caller, and must fail loudly (the queue retries, the HTTP call is a 500) rather than write a wrong state.
/// </remarks>
public sealed class IllegalTransitionException : InvalidOperationException
{
    public IllegalTransitionException()
    {
    }

    public IllegalTransitionException(string message)
        : base(message)
    {
    }

    public IllegalTransitionException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
