using Microsoft.Extensions.Logging;
using NightSafe.Core.Intake.Parsing;
using NightSafe.Core.Nights;
using NightSafe.Core.Phones;
using NightSafe.Core.Ports;
using NightSafe.Core.References;
using NightSafe.Core.Referrals;
using NightSafe.Core.Sms;
using NightSafe.Core.World;

namespace NightSafe.Core.Intake;

/// <summary>An SMS that reached NightSafe's number (Twilio's inbound webhook), signature already checked.</summary>
public sealed record InboundSms(string MessageSid, string From, string Body);

/// <summary>
/// Answers texts to NightSafe's number: officers on the roster refer, ask STATUS and CLOSE; anyone may opt out or
/// back in; everyone else gets a short neutral reply and no powers. Each MessageSid is handled once. A referral text
/// without its town or concern gets one numbered question and waits (<see cref="OfficerThread"/>, per phone) for the
/// answer; "consent y", a number or "ADD ref ..." add to the officer's last referral.
/// </summary>
public sealed partial class OfficerConversation(
    InboundGate gate,
    IOfficerRoster roster,
    IOptOutRegistry optOuts,
    IReferralStore store,
    IConversationStore conversations,
    OfficerTextParser parser,
    ReferralIntake intake,
    OfficerReplies replies,
    Partners.PartnerLoop partners,
    Partners.PartnerTexts partnerTexts,
    Partners.DutyPhoneBook dutyPhones,
    IOutboundSmsQueue outboundSms,
    RoutingWorld world,
    TimeProvider time,
    ILogger<OfficerConversation> logger)
{
    public const string Source = "twilio";

    /// <summary>
    /// How long the answer may take before the officer is told it will follow by text: Twilio gives up on a webhook
    /// after 15 s and does not try again, so a slower answer would reach no one.
    /// </summary>
    public static readonly TimeSpan ReplyWithin = TimeSpan.FromSeconds(10);

    /// <summary>How long one attempt at the work may go on once the officer was told its answer will follow.</summary>
    public static readonly TimeSpan FinishWithin = TimeSpan.FromMinutes(1);

    /// <summary>
    /// How long the officer was told the answer may take (<see cref="OfficerReplies.AnswerFollows"/>): a late attempt that
    /// fails (storage still down) is tried again until then, each time through the gate, so it resumes the same referral.
    /// After that the officer sends the text again, as they were told.
    /// </summary>
    public static readonly TimeSpan AnswerPromisedWithin = TimeSpan.FromMinutes(OfficerReplies.AnswerPromisedMinutes);

    /// <summary>The first wait before a failed late attempt is tried again; doubled each time up to <see cref="LongestLatePause"/>.</summary>
    public static readonly TimeSpan FirstLatePause = TimeSpan.FromSeconds(5);

    public static readonly TimeSpan LongestLatePause = TimeSpan.FromMinutes(1);

    private readonly OfficerQuestions _questions = new(world);

    /// <summary>
    /// The reply to send back (TwiML); null or empty means send nothing. When the work takes longer than
    /// <see cref="ReplyWithin"/> (storage slow or unreachable) the officer is told at once that the answer will follow,
    /// and the work goes on: its answer is then texted (<see cref="SmsKinds.LateReply"/>), marked once like every SMS.
    /// The request's own cancellation does not stop the work: whether or not the officer is still listening, the text
    /// they sent is handled.
    /// </summary>
    public async Task<string?> ReplyToAsync(InboundSms sms, string? traceParent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sms);
        var arrived = time.GetUtcNow();
        var finish = new CancellationTokenSource(FinishWithin, time);
        var reservation = intake.Reserve();
        var work = PassAsync(sms, reservation, traceParent, finish.Token);
        using (var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            // The request going away ends the wait too: the work goes on, and its answer is texted.
            if (await Task.WhenAny(work, Task.Delay(ReplyWithin, time, wait.Token)) == work)
            {
                await wait.CancelAsync();
                finish.Dispose();
                return (await work).Reply;
            }
        }

        LogSlow(ReplyWithin.TotalSeconds);
        _ = FinishLateAsync(work, sms, reservation, traceParent, finish, arrived + AnswerPromisedWithin);
        return OfficerReplies.AnswerFollows;
    }

    private Task<InboundOutcome> PassAsync(InboundSms sms, InboundReservation reservation, string? traceParent, CancellationToken cancellationToken) =>
        gate.PassAsync(Source, sms.MessageSid, reservation, (ticket, ct) => HandleAsync(sms, ticket, traceParent, ct), cancellationToken);

    /// <summary>
    /// Sees the late work through: its answer is texted once (keyed under the referral this text stored, so its erasure
    /// deletes the answer at Twilio too). A failed attempt (storage still down) is tried again, backing off, until
    /// <paramref name="promisedBy"/>; the gate makes each try resume what the last one stored, and the answer's key makes
    /// a second enqueue of it harmless.
    /// </summary>
    private async Task FinishLateAsync(Task<InboundOutcome> work, InboundSms sms, InboundReservation reservation, string? traceParent, CancellationTokenSource finish, DateTimeOffset promisedBy)
    {
        var pause = FirstLatePause;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var outcome = await work;
                if (string.IsNullOrEmpty(outcome.Reply) || !UkPhoneNumber.TryNormalise(sms.From, out var to))
                {
                    return;
                }

                await outboundSms.EnqueueAsync(
                    new OutboundSmsItem(SmsKinds.LateReply, $"{SmsKinds.LateReply}/{reservation.Night}/{reservation.Reference}/{sms.MessageSid}", to, OfficerReplies.Late(outcome.Reply), reservation.Night.ToString(), reservation.Reference.ToString(), traceParent),
                    CancellationToken.None);
                LogAnsweredLate(attempt);
                return;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                if (time.GetUtcNow() + pause >= promisedBy)
                {
                    // The officer was told to send the text again by now; a referral stored meanwhile is routed by the sweep.
                    LogLateFailed(e, attempt);
                    return;
                }

                LogLateRetry(e, attempt, pause.TotalSeconds);
            }
            finally
            {
                finish.Dispose();
            }

            await Task.Delay(pause, time, CancellationToken.None);
            pause = pause * 2 < LongestLatePause ? pause * 2 : LongestLatePause;
            finish = new CancellationTokenSource(FinishWithin, time);
            work = PassAsync(sms, reservation, traceParent, finish.Token);
        }
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
            // A partner's duty phone answers its own agency's cases (ACC / DEC / ATT / DONE).
            if (await dutyPhones.AgencyForAsync(from, cancellationToken) is { } agency)
            {
                return new InboundResult.Replied(await partnerTexts.ReplyAsync(agency, sms.Body, sms.MessageSid, cancellationToken));
            }

            LogNotOnRoster(new MaskedPhone(from));

            return new InboundResult.Replied(OfficerReplies.Neutral);
        }

        if (await intake.StoredForAsync(ticket, cancellationToken) is not null)
        {
            // A retry of a text whose referral was stored before the attempt failed: finish that one, whatever it said.
            return new InboundResult.Replied(await ResumeAsync(from, ticket, traceParent, cancellationToken));
        }

        var now = time.GetUtcNow();
        TownId? rosterTown = world.FindTown(officer.TownId) is not null ? officer.TownId : null;
        var message = parser.Parse(sms.Body, rosterTown);

        // A command, or a referral that names its town, means the same whatever the officer texted before: the thread is
        // read only for a text it may complete or amend (one storage request fewer on the usual referral).
        var thread = StandsAlone(message) ? null
            : await conversations.FindAsync(from, cancellationToken) is { } found && found.IsLiveAt(now) ? found : null;
        var reply = message switch
        {
            HelpRequest => OfficerReplies.Help(world.FindTown(officer.TownId)?.Name ?? world.Towns[0].Name),
            StatusRequest status => await StatusAsync(status.Reference, officer, sms.MessageSid, cancellationToken),
            CloseRequest close => await CloseAsync(close, officer, sms.MessageSid, cancellationToken),
            AddRequest add => await AmendAsync(null, add.Reference, new Amendment(null, null, add.More, sms.MessageSid), officer, cancellationToken),
            ReferralRequest referral when thread?.Pending is null || !referral.Draft.TownFromRoster =>
                await ReferAsync(referral.Draft, [], officer, from, ticket, traceParent, cancellationToken),
            ReferralRequest or NotUnderstood when thread is { Pending: { } pending, Asked: { } asked } =>
                await ContinueAsync(_questions.Complete(pending, asked, sms.Body, message), asked, thread.PendingTextsAnd(sms.MessageSid), rosterTown, officer, from, ticket, traceParent, cancellationToken),
            NotUnderstood { Partial: { } amendment } when IsAmendment(amendment) && thread is { LastNight: { } night, LastReference: { } last }
                && NightId.TryParse(night, out var lastNight) && ReferenceCode.TryParse(last, out var lastReference) =>
                await AmendAsync(lastNight, lastReference, new Amendment(amendment.SubjectPhone, amendment.Consent == Consent.NotStated ? null : amendment.Consent, null, sms.MessageSid), officer, cancellationToken),
            NotUnderstood { Partial: { } partial } when !IsAmendment(partial) && LooksLikeReferral(partial, rosterTown) =>
                await ContinueAsync(partial, null, [sms.MessageSid], rosterTown, officer, from, ticket, traceParent, cancellationToken),
            NotUnderstood notUnderstood => notUnderstood.Reply,
            var other => throw new InvalidOperationException($"Unknown officer message {other.GetType().Name}."),
        };
        return new InboundResult.Replied(reply);
    }

    // Matched in the switch above before any arm that looks at the thread (a referral naming its town ignores it).
    private static bool StandsAlone(OfficerMessage message) =>
        message is HelpRequest or StatusRequest or CloseRequest or AddRequest or ReferralRequest { Draft.TownFromRoster: false };

    // "consent y", "07700 900123": nothing but what adds to a referral already made.
    private static bool IsAmendment(PartialReferral partial) =>
        partial is { TownId: null, CategoryIds.Count: 0, Location: null, Description: null }
        && (partial.Consent != Consent.NotStated || partial.SubjectPhone is not null);

    // Worth a question: it names a town or a concern or a place, or (the town being known) says something of a person.
    private static bool LooksLikeReferral(PartialReferral partial, TownId? rosterTown) =>
        partial.TownId is not null || partial.CategoryIds.Count > 0 || partial.Location is not null
        || (rosterTown is not null && partial.Description is { } d && d.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length >= 2);

    /// <summary>
    /// A referral still being put together: complete, it is stored and referred; otherwise it waits (not stored as a
    /// referral) and the officer is asked the one question that is missing.
    /// </summary>
    private async Task<string> ContinueAsync(
        PartialReferral partial,
        string? askedBefore,
        IReadOnlyList<string> texts,
        TownId? rosterTown,
        Officer officer,
        string from,
        InboundTicket ticket,
        string? traceParent,
        CancellationToken cancellationToken)
    {
        var town = partial.TownId ?? rosterTown;
        var missing = town is null ? MissingParts.Town : partial.CategoryIds.Count == 0 ? MissingParts.Category : null;
        if (missing is null)
        {
            var draft = new ReferralDraft(town!.Value, partial.CategoryIds, partial.SubjectPhone, partial.Consent, partial.Location, partial.Description)
            {
                UnreadablePhone = partial.UnreadablePhone,
                TownFromRoster = partial.TownId is null,
            };
            // The text completing it is the referral's own inbound message; the earlier ones are recorded with it.
            return await ReferAsync(draft, texts.SkipLast(1).ToList(), officer, from, ticket, traceParent, cancellationToken);
        }

        await conversations.SaveAsync(
            from,
            new OfficerThread { Pending = partial, PendingTexts = string.Join(',', texts), Asked = missing, ExpiresAt = time.GetUtcNow() + OfficerThread.Lifetime },
            cancellationToken);
        LogAsked(missing, askedBefore is not null);
        return _questions.Ask(missing);
    }

    private async Task<string> ReferAsync(ReferralDraft draft, IReadOnlyList<string> earlierTexts, Officer officer, string from, InboundTicket ticket, string? traceParent, CancellationToken cancellationToken)
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
            Actors.Officer(officer.Collar))
        {
            Reading = ReadingSummary(draft),
            EarlierTexts = earlierTexts,
        };
        // The message's answer and the officer's thread (one write) go while the routing item is queued (one round trip).
        var reply = string.Empty;
        await intake.AcceptAsync(
            submission,
            ticket,
            traceParent,
            (accepted, ct) =>
            {
                reply = replies.Accepted(accepted, draft.UnreadablePhone, draft.TownFromRoster);
                return ticket.CompleteAsync(reply, from, ThreadAfter(accepted.Referral), ct);
            },
            cancellationToken);
        return reply;
    }

    private async Task<string> ResumeAsync(string from, InboundTicket ticket, string? traceParent, CancellationToken cancellationToken)
    {
        // The stored referral is what counts; the submission is not read when the ticket already holds one.
        var resumed = new ReferralSubmission(ReferralSource.Sms, default, [], null, Consent.NotStated, null, null, null, Actors.System);
        var accepted = await intake.AcceptAsync(resumed, ticket, traceParent, cancellationToken);
        await RememberAsync(from, accepted.Referral, cancellationToken);
        return replies.Accepted(accepted, unreadablePhone: false, townFromRoster: false);
    }

    // The referral is complete: nothing waits any more, and amendments in the next minutes go to it.
    private Task RememberAsync(string from, Referral referral, CancellationToken cancellationToken) =>
        conversations.SaveAsync(from, ThreadAfter(referral), cancellationToken);

    private OfficerThread ThreadAfter(Referral referral) =>
        new() { LastNight = referral.Night.ToString(), LastReference = referral.Reference.ToString(), ExpiresAt = time.GetUtcNow() + OfficerThread.Lifetime };

    // What the audit records of how the text was read (vocabulary and kinds, not the officer's other words).
    private static string ReadingSummary(ReferralDraft draft)
    {
        var parts = new List<string> { draft.TownFromRoster ? "town from roster" : "town named" };
        parts.AddRange(draft.Notes.CategoryWords.Select(w => $"{w.Key} <- '{w.Value.ToLowerInvariant()}'"));
        if (draft.Notes.NegatedCategories.Count > 0)
        {
            parts.Add("negated: " + string.Join(',', draft.Notes.NegatedCategories));
        }

        if (draft.Notes.LocationKind != LocationKind.Words)
        {
            parts.Add("location: " + draft.Notes.LocationKind.ToString().ToLowerInvariant());
        }

        return string.Join("; ", parts);
    }

    /// <summary>
    /// Adds to one of the officer's referrals: before routing it is part of the case; after routing each agency that has
    /// the case is sent what changed in its own view (the partner loop's update step).
    /// </summary>
    private async Task<string> AmendAsync(NightId? night, ReferenceCode reference, Amendment amendment, Officer officer, CancellationToken cancellationToken)
    {
        var found = night is { } n ? await store.FindAsync(n, reference, cancellationToken) : await FindRecentAsync(reference, cancellationToken);
        if (found is null || found.Value.Officer != officer.Collar)
        {
            return OfficerReplies.NotFound(reference);
        }

        var actor = Actors.Officer(officer.Collar);
        var at = time.GetUtcNow();
        var (reply, amended) = await store.UpdateAsync(
            found,
            stored => stored switch
            {
                null => new ReferralDecision<(string, bool)>((OfficerReplies.NotFound(reference), false)),
                { Value.CanAmend: false } => new((OfficerReplies.AlreadyClosed(reference), false)),
                _ => new(
                    (OfficerReplies.Amended(stored.Value, routed: stored.Value.Status != ReferralStatus.Received), true),
                    ReferralChange.From(stored, stored.Value.Amend(amendment.SubjectPhone, amendment.Consent, amendment.More, at, actor).CausedBySms(amendment.MessageSid))),
            },
            cancellationToken);
        if (!amended)
        {
            await RecordTextAsync(found.Value, actor, amendment.MessageSid, cancellationToken);
        }
        if (amended)
        {
            // Also before routing: a routing that read the referral before this change leaves a case the update corrects.
            await partners.ReferralAmendedAsync(found.Value, at, cancellationToken);
            LogAmended(found.Value.Night, found.Value.Reference);
        }

        return reply;
    }

    private async Task<string> StatusAsync(ReferenceCode reference, Officer officer, string messageSid, CancellationToken cancellationToken)
    {
        var found = await FindRecentAsync(reference, cancellationToken);
        if (found is null)
        {
            return OfficerReplies.NotFound(reference);
        }

        var referral = found.Value;
        if (!MayAct(officer, referral))
        {
            return await RefuseAsync(referral, officer, "status by SMS", messageSid, cancellationToken);
        }

        var cases = await store.CasesAsync(referral.Night, referral.Reference, cancellationToken);
        await store.AppendAsync(
            referral.Night,
            referral.Reference,
            [ReferralEvent.Of(time.GetUtcNow(), ReferralEventKinds.Consulted, Actors.Officer(officer.Collar), (ReferralEventData.Reason, "status by SMS")).WithSmsMessages([messageSid])],
            cancellationToken);
        LogStatus(referral.Night, referral.Reference);
        return replies.Status(referral, cases.Select(c => c.Value).ToList());
    }

    private async Task<string> CloseAsync(CloseRequest close, Officer officer, string messageSid, CancellationToken cancellationToken)
    {
        var found = await FindRecentAsync(close.Reference, cancellationToken);
        if (found is null)
        {
            return OfficerReplies.NotFound(close.Reference);
        }

        if (!MayAct(officer, found.Value))
        {
            return await RefuseAsync(found.Value, officer, "close by SMS", messageSid, cancellationToken);
        }

        var (reply, closed) = await store.UpdateAsync(
            found,
            stored => stored switch
            {
                null => new ReferralDecision<(string, bool)>((OfficerReplies.NotFound(close.Reference), false)),
                { Value.CanClose: false } => new((OfficerReplies.AlreadyClosed(close.Reference), false)),
                _ => new(
                    (OfficerReplies.Closed(close.Reference), true),
                    ReferralChange.From(stored, stored.Value.Close(time.GetUtcNow(), Actors.Officer(officer.Collar), close.Outcome).CausedBySms(messageSid))),
            },
            cancellationToken);
        if (closed)
        {
            LogClosed(found.Value.Night, found.Value.Reference);
        }
        else
        {
            await RecordTextAsync(found.Value, Actors.Officer(officer.Collar), messageSid, cancellationToken);
        }

        // Also when it was closed already: the cancellation queued by the first attempt may have been lost (it is idempotent).
        await partners.ReferralClosedAsync(found.Value, null, cancellationToken);
        return reply;
    }

    /// <summary>
    /// Who may ask after a referral or close it by SMS: the officer who made it, officers of its town, and supervisors
    /// (DESIGN.md, Rights). Anyone else on the roster knows a code, not the case.
    /// </summary>
    private static bool MayAct(Officer officer, Referral referral) =>
        officer.Supervisor || officer.Collar == referral.Officer || officer.TownId == referral.TownId;

    /// <summary>The neutral refusal (nothing of the referral in it), recorded in the referral's trail.</summary>
    private async Task<string> RefuseAsync(Referral referral, Officer officer, string what, string messageSid, CancellationToken cancellationToken)
    {
        await store.AppendAsync(
            referral.Night,
            referral.Reference,
            [ReferralEvent.Of(time.GetUtcNow(), ReferralEventKinds.ConsultationRefused, Actors.Officer(officer.Collar), (ReferralEventData.Reason, $"{what}: not the referring officer, of its town or a supervisor")).WithSmsMessages([messageSid])],
            cancellationToken);
        LogRefused(referral.Night, referral.Reference, what);
        return OfficerReplies.NotYours(referral.Reference);
    }

    /// <summary>A text that named the referral but changed nothing is still held by the provider: its id goes in the trail, for the erasure.</summary>
    private Task RecordTextAsync(Referral referral, string actor, string? messageSid, CancellationToken cancellationToken) =>
        messageSid is { Length: > 0 } sid
            ? store.AppendAsync(referral.Night, referral.Reference, [ReferralEvent.SmsReceived(time.GetUtcNow(), actor, sid)], cancellationToken)
            : Task.CompletedTask;

    /// <summary>What an officer's text adds to a referral, and the text's provider id.</summary>
    private sealed record Amendment(string? SubjectPhone, Consent? Consent, string? More, string MessageSid);

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

    [LoggerMessage(Level = LogLevel.Information, Message = "Referral {Night}/{ReferenceCode} amended by its officer")]
    private partial void LogAmended(NightId night, ReferenceCode referenceCode);

    [LoggerMessage(Level = LogLevel.Information, Message = "Officer text incomplete: asked for the {Missing} (asked before: {Again}); nothing stored as a referral")]
    private partial void LogAsked(string missing, bool again);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Referral {Night}/{ReferenceCode}: {What} refused (an officer neither its referrer, of its town nor a supervisor)")]
    private partial void LogRefused(NightId night, ReferenceCode referenceCode, string what);

    [LoggerMessage(Level = LogLevel.Information, Message = "Referral {Night}/{ReferenceCode} closed by an officer")]
    private partial void LogClosed(NightId night, ReferenceCode referenceCode);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Officer text not answered within {Seconds} s: told the answer follows by text; still working on it")]
    private partial void LogSlow(double seconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Officer text answered late (attempt {Attempt}): the answer was queued as an SMS")]
    private partial void LogAnsweredLate(int attempt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Officer text answered late: attempt {Attempt} failed; trying again in {Seconds} s")]
    private partial void LogLateRetry(Exception exception, int attempt, double seconds);

    [LoggerMessage(Level = LogLevel.Error, Message = "Officer text answered late could not be finished in {Attempt} attempts, by when the officer was told to send it again; a stored referral is routed by the received sweep")]
    private partial void LogLateFailed(Exception exception, int attempt);
}
