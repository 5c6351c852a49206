using System.Globalization;
using NightSafe.Core.Intake.Parsing;
using NightSafe.Core.References;
using NightSafe.Core.Referrals;
using NightSafe.Core.Sms;
using NightSafe.Core.World;

namespace NightSafe.Core.Intake;

/// <summary>The texts an officer gets back: short, GSM-7, at most two segments, the reference code first.</summary>
public sealed class OfficerReplies(RoutingWorld world)
{
    public const int MaxSegments = 2;

    public const string Neutral =
        "NightSafe is a service for police and partner staff. If you are in danger call 999. Reply STOP to get no more messages.";

    public const string OptedIn = "NightSafe: you can receive messages from us again. Reply STOP to stop.";

    /// <summary>How long <see cref="AnswerFollows"/> tells the officer to wait before sending the text again.</summary>
    public const int AnswerPromisedMinutes = 10;

    /// <summary>When the answer is slow (storage slow or down): the officer is told it follows, and when to send again.</summary>
    public static readonly string AnswerFollows = string.Create(
        CultureInfo.InvariantCulture,
        $"NightSafe is slow to answer. Your text is being handled and the answer will follow by text. If none comes within {AnswerPromisedMinutes} minutes, send it again.");

    /// <summary>How an answer that followed <see cref="AnswerFollows"/> begins.</summary>
    public const string LatePrefix = "(Delayed answer) ";

    /// <summary>The answer that followed <see cref="AnswerFollows"/>.</summary>
    public static string Late(string reply) => LatePrefix + reply;

    public static string Help(string exampleTown) =>
        Fit($"NightSafe: text the town, what is wrong, where, who, their number and consent, e.g. \"{exampleTown} spiked outside Bar 9, female 20s, 07700 900123, consent y\". " +
            "Also: STATUS <ref>, CLOSE <ref> <outcome>.");

    /// <summary>The reply to a new referral: its code, what was understood, who will get it, and what happens next.</summary>
    public string Accepted(AcceptedReferral accepted, bool unreadablePhone, bool townFromRoster = false)
    {
        ArgumentNullException.ThrowIfNull(accepted);
        var referral = accepted.Referral;
        var what = string.Join(", ", referral.Categories);
        var town = world.FindTown(referral.TownId)?.Name ?? referral.TownId.Value;
        var agencies = accepted.Plan.Assignments.Select(a => world.FindAgency(a.AgencyId)?.Name ?? a.AgencyId.Value).ToList();
        var to = agencies.Count == 0 ? "the control room" : string.Join(", ", agencies);
        var advice = referral.Advice switch
        {
            AdviceState.Pending => " Safety advice will be texted to them.",
            _ when referral.Consent == Consent.Refused => " No consent: no text to them, number not shared.",
            _ when referral.SubjectPhone is null && unreadablePhone => " Their number was unreadable and not saved.",
            _ when referral.SubjectPhone is null => string.Empty,
            _ => " No consent recorded: no text to them.",
        };
        var flagged = accepted.Plan.UsedFallback ? " Control room alerted." : string.Empty;
        // The partner list goes last: when the text must be cut, it is the part that can lose its tail.
        var taken = townFromRoster ? $" (town taken as {town}: your rostered town)" : string.Empty;
        return Fit($"NightSafe ref {referral.Reference}: {what} in {town} logged{taken}.{advice}{flagged} STATUS {referral.Reference} for updates. Sent to: {to}.");
    }

    public string Status(Referral referral, IReadOnlyList<PartnerCase> cases)
    {
        ArgumentNullException.ThrowIfNull(referral);
        ArgumentNullException.ThrowIfNull(cases);
        var town = world.FindTown(referral.TownId)?.Name ?? referral.TownId.Value;
        var local = world.ToLocal(referral.ReceivedAt).ToString("HH:mm", CultureInfo.InvariantCulture);
        var partners = cases.Count == 0
            ? "not routed yet"
            : string.Join("; ", cases.Select(c => $"{world.FindAgency(c.AgencyId)?.Name ?? c.AgencyId.Value} {c.Status.ToString().ToLowerInvariant()}"));
        var advice = referral.Advice is AdviceState.NotApplicable ? string.Empty : $" Advice SMS {Describe(referral.Advice)}.";
        return Fit($"NightSafe {referral.Reference} ({town} {local}, {string.Join(", ", referral.Categories)}): {Describe(referral.Status)}.{advice} {partners}.");
    }

    /// <summary>The reply to "consent y", a number or ADD: where the addition went.</summary>
    public static string Amended(Referral referral, bool routed)
    {
        ArgumentNullException.ThrowIfNull(referral);
        return routed
            ? Fit($"NightSafe ref {referral.Reference}: added. Partners who have the case are sent the update.")
            : Fit($"NightSafe ref {referral.Reference}: added. It goes to partners with the case.");
    }

    public static string Closed(ReferenceCode reference) => $"NightSafe {reference} closed. Thank you.";

    public static string AlreadyClosed(ReferenceCode reference) => $"NightSafe {reference} was already closed.";

    /// <summary>The refusal for an officer without powers over the referral: it says nothing of the referral itself.</summary>
    public static string NotYours(ReferenceCode reference) =>
        $"NightSafe: {reference} is not one of your referrals. Ask the referring officer, an officer of that town or a supervisor.";

    public static string NotFound(ReferenceCode reference) =>
        $"NightSafe: no referral {reference} tonight or last night. Check the code and try again, e.g. STATUS {reference}.";

    private static string Describe(ReferralStatus status) => status switch
    {
        ReferralStatus.Received => "received, routing",
        ReferralStatus.Routed => "routed to partners",
        ReferralStatus.InProgress => "partners working on it",
        ReferralStatus.Closed => "closed",
        ReferralStatus.NeedsManualRouting => "control room routing it by hand",
        _ => status.ToString(),
    };

    private static string Describe(AdviceState advice) => advice switch
    {
        AdviceState.Pending or AdviceState.Sending => "being sent",
        AdviceState.Sent => "sent",
        AdviceState.Delivered => "delivered",
        AdviceState.Failed => "failed",
        AdviceState.OptedOut => "not sent (number opted out)",
        _ => "not needed",
    };

    /// <summary>Officers' words can hold any character: make the reply GSM-7 and cut it to fit two segments.</summary>
    private static string Fit(string text) => SmsText.Truncate(SmsText.ToGsm7(text), MaxSegments);
}
