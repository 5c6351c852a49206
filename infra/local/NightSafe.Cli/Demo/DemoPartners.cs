using NightSafe.Cli.Partners;
using NightSafe.Core.World;

namespace NightSafe.Cli.Demo;

/// <summary>
/// Who plays which part on a demo night. Street pastors and the domestic-abuse charity answer by SMS from their duty
/// phones (as a team lead or an on-call worker would); the safe spaces answer through the API, but only after the
/// hub has reminded them; a few agencies never answer, so their cases escalate to the control
/// room and the duty inspector; the control room answers every case it gets (it is the safety net). The rest answer
/// through the API. With long deadlines (routing.json's minutes) everyone answers quickly through the API instead, or
/// the night would last hours.
/// </summary>
public static class DemoPartners
{
    /// <summary>Agencies that never answer on a demo night.</summary>
    public static readonly IReadOnlySet<string> NeverAnswer = new HashSet<string>(StringComparer.Ordinal)
    {
        "community-safety-southend",
        "community-safety-basildon",
        "perpetrator-change-essex",
    };

    /// <summary>The longest acknowledgement deadline with which the demo still plays late and silent partners.</summary>
    public static readonly TimeSpan LongestPlayedDeadline = TimeSpan.FromSeconds(30);

    public static PartnerBehaviour For(Agency agency, RoutingWorld world, TimeSpan deadline, PartnerBehaviour baseline)
    {
        ArgumentNullException.ThrowIfNull(agency);
        ArgumentNullException.ThrowIfNull(world);
        ArgumentNullException.ThrowIfNull(baseline);
        if (deadline > LongestPlayedDeadline)
        {
            return baseline;
        }

        // Accepting is quick; the work before closing takes longer than the escalation deadline (two deadlines), so a
        // referral a partner closes is still open when a late agency answers after its reminder (at 1.25–1.6 deadlines,
        // and not before the reminder) and when a silent agency's case escalates: only an officer's CLOSE ends one
        // sooner. The night's figures then show each part of the loop whatever the machine's pace.
        var working = baseline with { ShortestWork = deadline * 2.5, LongestWork = deadline * 3.5 };
        if (agency.Id == world.FallbackAgencyId)
        {
            return working with { DeclineShare = 0 };
        }

        if (NeverAnswer.Contains(agency.Id.Value))
        {
            return baseline with { Answers = PartnerAnswers.Never };
        }

        return agency.Kind switch
        {
            "street-pastors" or "domestic-abuse-service" when agency.UsesSms =>
                working with { Answers = PartnerAnswers.BySms, ShortestDelay = deadline * 0.05, LongestDelay = deadline * 0.5 },
            "safe-space" => working with { ShortestDelay = deadline * 1.25, LongestDelay = deadline * 1.6, Late = true },
            _ => working,
        };
    }
}
