using NightSafe.Core.Referrals;
using NightSafe.Core.World;

namespace NightSafe.Core.Partners;

/// <summary>The two acknowledgement deadlines of a case: at the first the agency is reminded, at the second it is escalated.</summary>
public enum DeadlineStage
{
    Reminder = 1,
    Escalation = 2,
}

/// <summary>What a deadline firing must do, decided from the case's state when it fires.</summary>
public abstract record DeadlineDecision
{
    private DeadlineDecision()
    {
    }

    /// <summary>Fired early (a clock moved, a queue delay is capped): try again after <paramref name="Remaining"/>.</summary>
    public sealed record NotYet(TimeSpan Remaining) : DeadlineDecision;

    /// <summary>Nothing to do: <paramref name="Why"/> says so (answered, closed, done already).</summary>
    public sealed record Moot(string Why) : DeadlineDecision;

    /// <summary>Text the agency again and tell the control room; the escalation deadline follows.</summary>
    public sealed record Remind(DateTimeOffset EscalateAt) : DeadlineDecision;

    /// <summary>Route to the control room and text the town's duty inspector.</summary>
    public sealed record Escalate : DeadlineDecision;
}

/// <summary>
/// Acknowledgement deadlines. A case's deadline is its priority's time (routing.json <c>acknowledgement</c>) after it
/// was disclosed; the escalation deadline is the same time again. Deadlines are instants (elapsed time), so a night
/// with a clock change keeps every minute. A deadline does something only when the case is still unanswered when it
/// fires, and only once: a duplicate firing finds the step's marker on the case and does nothing.
/// </summary>
public static class AcknowledgementRules
{
    public const string NotAcceptedReason = "not-accepted";
    public const string DeclinedByAllReason = "declined-by-all";

    public static DateTimeOffset Due(PartnerCase @case, Priority priority, Acknowledgement acknowledgement, DeadlineStage stage)
    {
        ArgumentNullException.ThrowIfNull(@case);
        ArgumentNullException.ThrowIfNull(acknowledgement);
        return @case.DisclosedAt + (acknowledgement.For(priority) * (int)stage);
    }

    public static DeadlineDecision Decide(Referral referral, PartnerCase @case, DeadlineStage stage, DateTimeOffset now, Acknowledgement acknowledgement)
    {
        ArgumentNullException.ThrowIfNull(referral);
        ArgumentNullException.ThrowIfNull(@case);
        if (referral.Status == ReferralStatus.Closed || @case.CancelledAt is not null)
        {
            return new DeadlineDecision.Moot("referral closed");
        }

        if (!@case.IsUnanswered)
        {
            return new DeadlineDecision.Moot("answered: " + @case.Status.ToString().ToLowerInvariant());
        }

        if (@case.EscalatedAt is not null || (stage == DeadlineStage.Reminder && @case.RemindedAt is not null))
        {
            return new DeadlineDecision.Moot("done already");
        }

        var due = Due(@case, referral.Priority, acknowledgement, stage);
        if (now < due)
        {
            return new DeadlineDecision.NotYet(due - now);
        }

        return stage == DeadlineStage.Reminder
            ? new DeadlineDecision.Remind(Due(@case, referral.Priority, acknowledgement, DeadlineStage.Escalation))
            : new DeadlineDecision.Escalate();
    }

    /// <summary>Every case of the referral declined and no control-room case yet: escalate at once.</summary>
    public static bool DeclinedByAll(IReadOnlyCollection<PartnerCase> cases, AgencyId fallbackAgencyId)
    {
        ArgumentNullException.ThrowIfNull(cases);
        return cases.Count > 0
            && cases.All(c => c.Status == CaseStatus.Declined)
            && cases.All(c => c.AgencyId != fallbackAgencyId);
    }
}
