using Microsoft.Extensions.Logging;
using NightSafe.Core.Nights;
using NightSafe.Core.Outcomes;
using NightSafe.Core.Ports;
using NightSafe.Core.References;
using NightSafe.Core.Referrals;
using NightSafe.Core.Sms;
using NightSafe.Core.World;

namespace NightSafe.Core.Partners;

/// <summary>
/// Texts from a partner agency's duty phone (the number says which agency): each answer is read against that agency's
/// own cases of tonight and last night and recorded exactly as the partner API records it (same rules, same audit
/// event), so an agency can only ever answer its own cases. The reply says what was recorded, or asks which case.
/// </summary>
public sealed partial class PartnerTexts(IReferralStore store, PartnerCases cases, RoutingWorld world, TimeProvider time, ILogger<PartnerTexts> logger)
{
    public const int MaxSegments = 2;

    public const string Help = "NightSafe: reply ACC <ref> to take a case, DEC <ref> <reason> if you cannot, ATT <ref> when with them, DONE <ref> <outcome> when finished.";

    /// <summary>The reply to a duty phone's text; <paramref name="messageSid"/> (the provider's id of the text) is recorded with the case it answers.</summary>
    public async Task<string> ReplyAsync(Agency agency, string body, string? messageSid, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(agency);
        ArgumentNullException.ThrowIfNull(body);
        var tonight = NightId.For(time.GetUtcNow(), world);
        var mine = (await store.AgencysCasesAsync(tonight, agency.Id, cancellationToken))
            .Concat(await store.AgencysCasesAsync(tonight.Previous, agency.Id, cancellationToken))
            .ToList();
        var open = mine.Where(c => !c.IsFinished).Select(c => c.Reference).Distinct().ToList();
        var known = mine.Select(c => c.Reference).Distinct().ToList();
        var reading = PartnerTextReader.Read(body, open, known);
        LogRead(agency.Id.Value, reading.GetType().Name);
        return Fit(reading switch
        {
            PartnerReading.Answer answer => await AnswerAsync(agency, answer, mine, messageSid, cancellationToken),
            PartnerReading.WhichCase which => $"NightSafe: which case? Your open cases: {string.Join(", ", which.Open)}. Reply e.g. {Verb(which.Outcome)} {which.Open[0]}",
            PartnerReading.UnknownCase unknown => $"NightSafe: {unknown.Reference} is not one of your cases tonight.{OpenList(open)}",
            PartnerReading.NoOpenCase => "NightSafe: you have no open cases right now. " + Help["NightSafe: ".Length..],
            _ => Help,
        });
    }

    private async Task<string> AnswerAsync(Agency agency, PartnerReading.Answer answer, List<PartnerCase> mine, string? messageSid, CancellationToken cancellationToken)
    {
        // Tonight's case first: a code is unique within a night, and last night's may share it.
        var @case = mine.Where(c => c.Reference == answer.Reference).OrderByDescending(c => c.Night).First();
        var result = await cases.ReportBySmsAsync(agency.Id, @case.Night, answer.Reference, answer.Outcome, answer.Note, messageSid, cancellationToken);
        var reference = answer.Reference;
        return result switch
        {
            // Recorded (it is the partner's answer), but nobody should set off to a referral that is over.
            OutcomeResult.Recorded { ReferralStatus: ReferralStatus.Closed } when answer.Outcome is PartnerOutcome.Accepted or PartnerOutcome.Attended =>
                $"NightSafe {reference} is already closed: no need to attend. Thank you.",
            OutcomeResult.Recorded => answer.Outcome switch
            {
                PartnerOutcome.Accepted => $"NightSafe {reference} accepted by {agency.Name}. Thank you. Reply ATT {reference} when with them, DONE {reference} when finished.",
                PartnerOutcome.Attended => $"NightSafe {reference}: attended, noted. Reply DONE {reference} <outcome> when finished.",
                PartnerOutcome.Declined => $"NightSafe {reference} declined, noted. Thank you.",
                _ => $"NightSafe {reference} closed. Thank you. Anyone else on it is told it is over.",
            },
            OutcomeResult.NotAllowed notAllowed => $"NightSafe {reference} is {notAllowed.Current.ToString().ToLowerInvariant()} already, so it cannot be marked {answer.Outcome.ToString().ToLowerInvariant()}.",
            _ => $"NightSafe: {reference} is not one of your cases.",
        };
    }

    private static string OpenList(List<ReferenceCode> open) =>
        open.Count == 0 ? " You have no open cases." : $" Your open cases: {string.Join(", ", open.Order())}.";

    private static string Verb(PartnerOutcome outcome) => outcome switch
    {
        PartnerOutcome.Accepted => "ACC",
        PartnerOutcome.Declined => "DEC",
        PartnerOutcome.Attended => "ATT",
        _ => "DONE",
    };

    private static string Fit(string text) => SmsText.Truncate(SmsText.ToGsm7(text), MaxSegments);

    [LoggerMessage(Level = LogLevel.Information, Message = "Text from a duty phone of {Agency} read as {Reading}")]
    private partial void LogRead(string agency, string reading);
}
