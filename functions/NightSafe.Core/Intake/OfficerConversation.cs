using Microsoft.Extensions.Logging;
using NightSafe.Core.Intake.Parsing;
using NightSafe.Core.Nights;
using NightSafe.Core.Phones;
using NightSafe.Core.Ports;
using NightSafe.Core.References;
using NightSafe.Core.Referrals;
using NightSafe.Core.World;

namespace NightSafe.Core.Intake;

/// <summary>An SMS that reached NightSafe's number (Twilio's inbound webhook), signature already checked.</summary>
public sealed record InboundSms(string MessageSid, string From, string Body);

/// <summary>
/// Answers texts to NightSafe's number: officers on the roster refer, ask STATUS and CLOSE; anyone may opt out or
/// back in; everyone else gets a short neutral reply and no powers. Each MessageSid is handled once.
/// </summary>
public sealed partial class OfficerConversation(
    InboundGate gate,
    IOfficerRoster roster,
    IOptOutRegistry optOuts,
    IReferralStore store,
    OfficerTextParser parser,
    ReferralIntake intake,
    OfficerReplies replies,
    RoutingWorld world,
    TimeProvider time,
    ILogger<OfficerConversation> logger)
{
    public const string Source = "twilio";

    /// <summary>The reply to send back (TwiML); null or empty means send nothing.</summary>
    public async Task<string?> ReplyToAsync(InboundSms sms, string? traceParent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sms);
        var outcome = await gate.PassAsync(Source, sms.MessageSid, (ticket, ct) => HandleAsync(sms, ticket, traceParent, ct), cancellationToken);
        return outcome.Reply;
    }

    private async Task<InboundResult> HandleAsync(InboundSms sms, InboundTicket ticket, string? traceParent, CancellationToken cancellationToken)
    {
        var from = UkPhoneNumber.TryNormalise(sms.From, out var e164) ? e164 : sms.From;
        var intent = OptOutKeywords.Classify(sms.Body);
        if (intent is OptOutIntent.OptOut or OptOutIntent.OptIn && !UkPhoneNumber.IsE164(from))
        {
            // A short code or an alphanumeric sender is no one's phone: it cannot receive advice, so there is nothing to
            // opt out of or back into (and such a sender cannot be a row key).
            LogOptOutFromNonNumber(intent);
            return new InboundResult.Replied(string.Empty);
        }

        switch (intent)
        {
            case OptOutIntent.OptOut:
                await optOuts.OptOutAsync(from, "STOP reply", cancellationToken);
                LogOptOut(new MaskedPhone(from));

                // Twilio confirms an opt-out itself and blocks further messages to the number.
                return new InboundResult.Replied(string.Empty);
            case OptOutIntent.OptIn:
                await optOuts.OptInAsync(from, cancellationToken);
                return new InboundResult.Replied(OfficerReplies.OptedIn);
        }

        var officer = await roster.FindAsync(from, cancellationToken);
        if (officer is not { Active: true })
        {
            LogNotOnRoster(new MaskedPhone(from));

            return new InboundResult.Replied(OfficerReplies.Neutral);
        }

        var reply = parser.Parse(sms.Body) switch
        {
            HelpRequest => OfficerReplies.Help(world.FindTown(officer.TownId)?.Name ?? world.Towns[0].Name),
            StatusRequest status => await StatusAsync(status.Reference, officer, cancellationToken),
            CloseRequest close => await CloseAsync(close, officer, cancellationToken),
            ReferralRequest referral => await ReferAsync(referral.Draft, officer, ticket, traceParent, cancellationToken),
            NotUnderstood notUnderstood => notUnderstood.Reply,
            var other => throw new InvalidOperationException($"Unknown officer message {other.GetType().Name}."),
        };
        return new InboundResult.Replied(reply);
    }

    private async Task<string> ReferAsync(ReferralDraft draft, Officer officer, InboundTicket ticket, string? traceParent, CancellationToken cancellationToken)
    {
        var submission = new ReferralSubmission(
            ReferralSource.Sms,
            draft.TownId,
            draft.CategoryIds,
            draft.SubjectPhone,
            draft.Consent,
            draft.Location,
            draft.Description,
            officer.Collar,
            Actors.Officer(officer.Collar));
        var accepted = await intake.AcceptAsync(submission, ticket, traceParent, cancellationToken);
        return replies.Accepted(accepted, draft.UnreadablePhone);
    }

    private async Task<string> StatusAsync(ReferenceCode reference, Officer officer, CancellationToken cancellationToken)
    {
        var found = await FindRecentAsync(reference, cancellationToken);
        if (found is null)
        {
            return OfficerReplies.NotFound(reference);
        }

        var referral = found.Value;
        var cases = await store.CasesAsync(referral.Night, referral.Reference, cancellationToken);
        await store.AppendAsync(
            referral.Night,
            referral.Reference,
            [ReferralEvent.Of(time.GetUtcNow(), ReferralEventKinds.Consulted, Actors.Officer(officer.Collar), (ReferralEventData.Reason, "status by SMS"))],
            cancellationToken);
        LogStatus(referral.Night, referral.Reference);
        return replies.Status(referral, cases.Select(c => c.Value).ToList());
    }

    private async Task<string> CloseAsync(CloseRequest close, Officer officer, CancellationToken cancellationToken)
    {
        var found = await FindRecentAsync(close.Reference, cancellationToken);
        if (found is null)
        {
            return OfficerReplies.NotFound(close.Reference);
        }

        var (reply, closed) = await store.UpdateAsync(
            found,
            stored => stored switch
            {
                null => new ReferralDecision<(string, bool)>((OfficerReplies.NotFound(close.Reference), false)),
                { Value.CanClose: false } => new((OfficerReplies.AlreadyClosed(close.Reference), false)),
                _ => new(
                    (OfficerReplies.Closed(close.Reference), true),
                    ReferralChange.From(stored, stored.Value.Close(time.GetUtcNow(), Actors.Officer(officer.Collar), close.Outcome))),
            },
            cancellationToken);
        if (closed)
        {
            LogClosed(found.Value.Night, found.Value.Reference);
        }

        return reply;
    }

    /// <summary>Codes are unique per night; an officer asking after midnight may mean last night's.</summary>
    private async Task<Stored<Referral>?> FindRecentAsync(ReferenceCode reference, CancellationToken cancellationToken)
    {
        var tonight = NightId.For(time.GetUtcNow(), world);
        return await store.FindAsync(tonight, reference, cancellationToken)
            ?? await store.FindAsync(tonight.Previous, reference, cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "SMS {Intent} from a sender that is not a phone number (short code or alphanumeric): nothing to do")]
    private partial void LogOptOutFromNonNumber(OptOutIntent intent);

    [LoggerMessage(Level = LogLevel.Information, Message = "SMS opt-out recorded for {Phone}")]
    private partial void LogOptOut(MaskedPhone phone);

    [LoggerMessage(Level = LogLevel.Warning, Message = "SMS from {Phone}, not an active officer on the roster: neutral reply, nothing stored")]
    private partial void LogNotOnRoster(MaskedPhone phone);

    [LoggerMessage(Level = LogLevel.Information, Message = "Referral {Night}/{ReferenceCode} status sent to an officer")]
    private partial void LogStatus(NightId night, ReferenceCode referenceCode);

    [LoggerMessage(Level = LogLevel.Information, Message = "Referral {Night}/{ReferenceCode} closed by an officer")]
    private partial void LogClosed(NightId night, ReferenceCode referenceCode);
}
