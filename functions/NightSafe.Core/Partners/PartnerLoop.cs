using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using NightSafe.Core.Nights;
using NightSafe.Core.Ports;
using NightSafe.Core.References;
using NightSafe.Core.Referrals;
using NightSafe.Core.Routing;
using NightSafe.Core.Sms;
using NightSafe.Core.World;

namespace NightSafe.Core.Partners;

/// <summary>The kinds of outbound SMS the partner loop sends (each a plain text to one number).</summary>
public static class PartnerSmsKinds
{
    public const string CaseAlert = "case-alert";
    public const string InspectorAlert = "inspector-alert";
    public const string CaseCancelled = "case-cancelled";
    public const string CaseUpdated = "case-updated";
}

/// <summary>
/// A case is done when a person at an agency has taken it on. After routing, each case's duty phones are texted and its
/// acknowledgement deadline is queued; at the first deadline an unanswered agency is reminded (a <c>case-reminder</c>
/// message on its subscription, its duty phones texted again) and the control room told; at the second (or at once when every agency declined) the case is escalated to the control room and the
/// town's duty inspector is texted, once per referral; an urgent referral texts that inspector at once; a closed
/// referral is cancelled at every other agency that had it. Every step is checked against the case when it runs,
/// audited, and safe to repeat: texts go out once per key and recipient (<see cref="OutboundSms"/>; routing's are
/// sent at once when the provider answers quickly, the rest queued on <c>sms-outbound</c>), Service Bus messages carry
/// stable MessageIds, and a step's marker on the case makes a second firing do nothing new.
/// </summary>
public sealed partial class PartnerLoop(
    IReferralStore store,
    IPartnerMessagePublisher publisher,
    IOutboundSmsQueue sms,
    SmsAtOnce sendAtOnce,
    IPartnerLoopQueue steps,
    RoutingWorld world,
    DutyPhoneBook dutyPhones,
    HubSettings settings,
    TimeProvider time,
    ILogger<PartnerLoop> logger)
{
    /// <summary>The acknowledgement deadlines in force (routing.json, or the configured override).</summary>
    public Acknowledgement Acknowledgement { get; } =
        settings.AcknowledgeWithin is { } within ? Acknowledgement.Uniform(within) : world.Acknowledgement;

    /// <summary>
    /// After routing (and on every routing retry): alert the duty phones, queue the deadlines, text the inspector when
    /// urgent. With <paramref name="textAtOnce"/> (automatic routing, a queue's work) the texts are sent from here when
    /// the provider answers quickly (<see cref="SmsAtOnce"/>) and queued otherwise; without it (routing by hand, which
    /// answers the control room's request) they are queued.
    /// </summary>
    public async Task CasesRoutedAsync(Referral referral, IReadOnlyList<PartnerCase> cases, bool textAtOnce, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(referral);
        ArgumentNullException.ThrowIfNull(cases);
        if (referral.Status == ReferralStatus.Closed)
        {
            return;
        }

        // Each item is idempotent and independent of the others: sent at once, not one round trip after another. The
        // cases due at the same moment (routing records them together) share one deadline message.
        var now = time.GetUtcNow();
        var unanswered = cases.Where(c => c.IsUnanswered).ToList();
        var deadlines = unanswered
            .GroupBy(c => AcknowledgementRules.Due(c, referral.Priority, Acknowledgement, DeadlineStage.Reminder))
            .Select(due => ScheduleAsync(ReminderFor(referral, [.. due.Select(c => c.AgencyId.Value)]), due.Key - now, cancellationToken));
        await Task.WhenAll(unanswered.Select(@case => AlertAsync(referral, @case, AlertReason.New, null, cancellationToken, textAtOnce)).Concat(deadlines));

        if (referral.Priority == Priority.Urgent)
        {
            await TextInspectorsAsync(referral, $"urgent/{referral.Key}", CaseAlertTexts.InspectorUrgent(referral, world), cancellationToken, textAtOnce);
        }
    }

    /// <summary>An officer or a partner closed the referral: queue telling every other agency that had it.</summary>
    public Task ReferralClosedAsync(Referral referral, AgencyId? closedByAgency, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(referral);
        var by = closedByAgency is null ? "by the officer" : "by " + (world.FindAgency(closedByAgency.Value)?.Name ?? closedByAgency.Value.Value);
        return ScheduleAsync(
            new PartnerLoopItem(PartnerLoopItem.Cancellation, referral.Night.ToString(), referral.Reference.ToString(), closedByAgency?.Value, by, referral.TraceParent),
            TimeSpan.Zero,
            cancellationToken);
    }

    /// <summary>
    /// The officer added to the referral: queue sending each agency that has the case what changed in its view. The
    /// stamp (the amendment's time) names the update, so a retried step publishes under the same MessageId.
    /// </summary>
    public Task ReferralAmendedAsync(Referral referral, DateTimeOffset amendedAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(referral);
        return ScheduleAsync(
            new PartnerLoopItem(PartnerLoopItem.Update, referral.Night.ToString(), referral.Reference.ToString(), null, amendedAt.UtcTicks.ToString(CultureInfo.InvariantCulture), referral.TraceParent),
            TimeSpan.Zero,
            cancellationToken);
    }

    /// <summary>Every agency declined the referral: queue its escalation at once.</summary>
    public Task DeclinedByAllAsync(Referral referral, AgencyId lastAgency, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(referral);
        return ScheduleAsync(
            new PartnerLoopItem(PartnerLoopItem.Escalation, referral.Night.ToString(), referral.Reference.ToString(), lastAgency.Value, AcknowledgementRules.DeclinedByAllReason, referral.TraceParent),
            TimeSpan.Zero,
            cancellationToken);
    }

    /// <summary>Runs one step from the <c>partner-loop</c> queue. Throws to have the queue retry it.</summary>
    public async Task HandleAsync(PartnerLoopItem item, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(item);
        if (!NightId.TryParse(item.Night, out var night) || !ReferenceCode.TryParse(item.Reference, out var reference))
        {
            LogUnreadable(item.Step);
            return;
        }

        switch (item.Step)
        {
            case PartnerLoopItem.Reminder when item.Agencies is { Count: > 0 }:
                // Each agency's reminder is decided, sent and marked on its own case; a retry after a failure part-way
                // finds the earlier ones marked and does nothing new for them.
                foreach (var agency in item.AgencyIds())
                {
                    await RemindAsync(item with { Agency = agency, Agencies = null }, night, reference, AgencyId.From(agency), cancellationToken);
                }

                break;
            case PartnerLoopItem.Reminder when item.Agency is { Length: > 0 } reminded:
                await RemindAsync(item, night, reference, AgencyId.From(reminded), cancellationToken);
                break;
            case PartnerLoopItem.Escalation when item.Agency is { Length: > 0 } escalated:
                await EscalateAsync(item, night, reference, AgencyId.From(escalated), item.Reason ?? AcknowledgementRules.NotAcceptedReason, cancellationToken);
                break;
            case PartnerLoopItem.Cancellation:
                await CancelAsync(night, reference, string.IsNullOrWhiteSpace(item.Agency) ? null : AgencyId.From(item.Agency), item.Reason ?? "by the officer", cancellationToken);
                break;
            case PartnerLoopItem.Update:
                await UpdateCasesAsync(night, reference, item.Reason ?? "0", cancellationToken);
                break;
            default:
                LogUnreadable(item.Step);
                break;
        }
    }

    private async Task RemindAsync(PartnerLoopItem item, NightId night, ReferenceCode reference, AgencyId agencyId, CancellationToken cancellationToken)
    {
        if (await ReadAsync(night, reference, agencyId, cancellationToken) is not (Referral referral, PartnerCase @case))
        {
            return;
        }

        switch (AcknowledgementRules.Decide(referral, @case, DeadlineStage.Reminder, time.GetUtcNow(), Acknowledgement))
        {
            case DeadlineDecision.NotYet notYet:
                await ScheduleAsync(item, notYet.Remaining, cancellationToken);
                return;
            case DeadlineDecision.Moot moot:
                LogMoot(night, reference, agencyId.Value, item.Step, moot.Why);
                return;
            case DeadlineDecision.Remind remind:
                // The texts and the next deadline go first (each is idempotent), the marker last: a crash in between
                // repeats them harmlessly, and a second firing after the marker finds nothing to do.
                var waited = Acknowledgement.For(referral.Priority);
                if (world.FindAgency(agencyId) is { UsesServiceBus: true })
                {
                    await publisher.PublishCasesAsync([CaseReminder(referral, @case, remind.EscalateAt)], cancellationToken);
                }

                await AlertAsync(referral, @case, AlertReason.Reminder, null, cancellationToken);
                if (world.FallbackAgency is { } controlRoom && controlRoom.Channels.Contains(AgencyChannels.Sms) && controlRoom.Id != agencyId)
                {
                    await TextPhonesAsync(controlRoom, $"control-reminder/{referral.Key}/{agencyId}", CaseAlertTexts.ControlRoomReminder(@case, world.FindAgency(agencyId) ?? controlRoom, waited), referral, cancellationToken);
                }

                await ScheduleAsync(item with { Step = PartnerLoopItem.Escalation, Reason = AcknowledgementRules.NotAcceptedReason }, remind.EscalateAt - time.GetUtcNow(), cancellationToken);
                var marked = await store.UpdateAsync(night, reference, async (stored, ct) =>
                {
                    var found = await store.FindCaseAsync(night, reference, agencyId, ct);
                    if (stored is null || found is null || AcknowledgementRules.Decide(stored.Value, found.Value, DeadlineStage.Reminder, time.GetUtcNow(), Acknowledgement) is not DeadlineDecision.Remind)
                    {
                        return new ReferralDecision<bool>(false);
                    }

                    return new ReferralDecision<bool>(true, ReferralChange.From(stored, stored.Value.RemindCase(found.Value, waited, time.GetUtcNow()), found.Version));
                },
                cancellationToken);
                if (marked)
                {
                    LogReminded(night, reference, agencyId.Value);
                }

                return;
        }
    }

    private async Task EscalateAsync(PartnerLoopItem item, NightId night, ReferenceCode reference, AgencyId agencyId, string reason, CancellationToken cancellationToken)
    {
        if (await ReadAsync(night, reference, agencyId, cancellationToken) is not (Referral referral, PartnerCase @case))
        {
            return;
        }

        var declinedByAll = reason == AcknowledgementRules.DeclinedByAllReason;
        if (@case.EscalatedAt is null)
        {
            if (declinedByAll)
            {
                var cases = (await store.CasesAsync(night, reference, cancellationToken)).Select(c => c.Value).ToList();
                if (referral.Status == ReferralStatus.Closed || !AcknowledgementRules.DeclinedByAll(cases, world.FallbackAgencyId))
                {
                    LogMoot(night, reference, agencyId.Value, item.Step, "not declined by every agency");
                    return;
                }
            }
            else
            {
                switch (AcknowledgementRules.Decide(referral, @case, DeadlineStage.Escalation, time.GetUtcNow(), Acknowledgement))
                {
                    case DeadlineDecision.NotYet notYet:
                        await ScheduleAsync(item, notYet.Remaining, cancellationToken);
                        return;
                    case DeadlineDecision.Moot moot:
                        LogMoot(night, reference, agencyId.Value, item.Step, moot.Why);
                        return;
                }
            }

            // The control room's case is recorded (with its disclosure) before it is published, as routing does.
            var escalated = await store.UpdateAsync(night, reference, async (stored, ct) => await DecideEscalationAsync(stored, agencyId, reason, ct), cancellationToken);
            if (escalated is null)
            {
                return;
            }

            (referral, @case) = escalated.Value;
            LogEscalated(night, reference, agencyId.Value, reason);
        }
        else if (referral.Status == ReferralStatus.Closed)
        {
            return;
        }

        // Recorded now or by an earlier firing: (re)do the effects, each idempotent, so a crash after the record loses none.
        var why = Why(@case, referral, reason);
        if (agencyId != world.FallbackAgencyId && await store.FindCaseAsync(night, reference, world.FallbackAgencyId, cancellationToken) is { } fallback)
        {
            var controlRoom = world.FallbackAgency;
            if (controlRoom.UsesServiceBus)
            {
                await publisher.PublishCasesAsync([ReferralRouter.Outgoing(referral, fallback.Value, controlRoom)], cancellationToken);
            }

            await AlertAsync(referral, fallback.Value, AlertReason.Escalated, why, cancellationToken);
            if (fallback.Value.IsUnanswered)
            {
                await ScheduleAsync(
                    new PartnerLoopItem(PartnerLoopItem.Reminder, item.Night, item.Reference, controlRoom.Id.Value, TraceParent: item.TraceParent),
                    AcknowledgementRules.Due(fallback.Value, referral.Priority, Acknowledgement, DeadlineStage.Reminder) - time.GetUtcNow(),
                    cancellationToken);
            }
        }

        await TextInspectorsAsync(referral, $"escalation/{referral.Key}", CaseAlertTexts.InspectorEscalation(referral, world, why), cancellationToken);
    }

    private async Task<ReferralDecision<(Referral, PartnerCase)?>> DecideEscalationAsync(Stored<Referral>? stored, AgencyId agencyId, string reason, CancellationToken cancellationToken)
    {
        if (stored is null || stored.Value.Status == ReferralStatus.Closed)
        {
            return new(null);
        }

        var referral = stored.Value;
        var cases = (await store.CasesAsync(referral.Night, referral.Reference, cancellationToken)).ToList();
        if (cases.FirstOrDefault(c => c.Value.AgencyId == agencyId) is not { } found || found.Value.EscalatedAt is not null)
        {
            return new(null);
        }

        var stillDue = reason == AcknowledgementRules.DeclinedByAllReason
            ? AcknowledgementRules.DeclinedByAll(cases.Select(c => c.Value).ToList(), world.FallbackAgencyId)
            : AcknowledgementRules.Decide(referral, found.Value, DeadlineStage.Escalation, time.GetUtcNow(), Acknowledgement) is DeadlineDecision.Escalate;
        if (!stillDue)
        {
            return new(null);
        }

        var now = time.GetUtcNow();
        PartnerCase? fallbackCase = null;
        if (agencyId != world.FallbackAgencyId && cases.All(c => c.Value.AgencyId != world.FallbackAgencyId))
        {
            var (body, fields) = CaseMessage.Build(referral, world.FallbackAgency, referral.Categories, world); // the control room takes the whole referral
            fallbackCase = new PartnerCase { Night = referral.Night, Reference = referral.Reference, AgencyId = world.FallbackAgencyId, DisclosedAt = now, Fields = fields, View = body };
        }

        var transition = referral.EscalateCase(found.Value, reason, Why(found.Value, referral, reason), fallbackCase, now);
        return new((transition.Referral!, transition.Case!), ReferralChange.From(stored, transition, found.Version));
    }

    private async Task CancelAsync(NightId night, ReferenceCode reference, AgencyId? closedByAgency, string closedBy, CancellationToken cancellationToken)
    {
        var stored = await store.FindAsync(night, reference, cancellationToken);
        if (stored is null || stored.Value.Status != ReferralStatus.Closed)
        {
            LogMoot(night, reference, closedByAgency?.Value ?? "officer", PartnerLoopItem.Cancellation, "referral not closed");
            return;
        }

        var referral = stored.Value;
        var cases = await store.CasesAsync(night, reference, cancellationToken);
        foreach (var @case in cases.Select(c => c.Value).Where(c => c.AgencyId != closedByAgency && c.CancelledAt is null && c.Status is not (CaseStatus.Closed or CaseStatus.Declined)))
        {
            var agency = world.FindAgency(@case.AgencyId);
            if (agency is null)
            {
                continue;
            }

            // The messages first (stable MessageId, keyed SMS), the marker after: a retry repeats them harmlessly.
            if (agency.UsesServiceBus)
            {
                await publisher.PublishCasesAsync([CaseClosed(referral, @case, closedByAgency is not null)], cancellationToken);
            }

            if (@case.AcceptedAt is not null)
            {
                await TextPhonesAsync(agency, $"case-cancelled/{referral.Key}/{agency.Id}", CaseAlertTexts.Cancellation(reference, closedBy), referral, cancellationToken, PartnerSmsKinds.CaseCancelled);
            }

            await store.UpdateAsync(night, reference, async (fresh, ct) =>
            {
                var found = await store.FindCaseAsync(night, reference, agency.Id, ct);
                return fresh is null || found is null || found.Value.CancelledAt is not null || fresh.Value.Status != ReferralStatus.Closed
                    ? new ReferralDecision<bool>(false)
                    : new ReferralDecision<bool>(true, ReferralChange.From(fresh, fresh.Value.CancelCase(found.Value, closedBy, time.GetUtcNow()), found.Version));
            },
            cancellationToken);
            LogCancelled(night, reference, agency.Id.Value);
        }
    }

    /// <summary>
    /// Sends each agency whose case is still open what the officer added, in its own minimised view: a
    /// <c>case-updated</c> message to Service Bus agencies, a short SMS (field names only) to the duty phones of SMS
    /// agencies, then the case's stored view. The MessageId carries the amendment's stamp and a hash of the body, so a
    /// retried step is absorbed by duplicate detection while a later, different update is not.
    /// </summary>
    private async Task UpdateCasesAsync(NightId night, ReferenceCode reference, string stamp, CancellationToken cancellationToken)
    {
        var stored = await store.FindAsync(night, reference, cancellationToken);
        if (stored is null || stored.Value.Status == ReferralStatus.Closed)
        {
            LogMoot(night, reference, "officer", PartnerLoopItem.Update, "referral closed or gone");
            return;
        }

        var referral = stored.Value;
        foreach (var found in await store.CasesAsync(night, reference, cancellationToken))
        {
            var @case = found.Value;
            if (@case.IsFinished || world.FindAgency(@case.AgencyId) is not { } agency || CaseMessage.Refresh(referral, @case, agency, world) is not { } refresh)
            {
                continue;
            }

            var messageId = $"{PartnerCase.MessageIdFor(night, reference, agency.Id)}/update/{stamp}-{ShortHash(refresh.Body)}";
            if (agency.UsesServiceBus)
            {
                await publisher.PublishCasesAsync([new OutgoingCase(messageId, agency.Id, null, null, null, refresh.Body, referral.TraceParent, OutgoingCase.CaseUpdatedSubject)], cancellationToken);
            }

            if (agency.Channels.Contains(AgencyChannels.Sms))
            {
                await TextPhonesAsync(agency, $"case-updated/{referral.Key}/{agency.Id}/{stamp}", CaseAlertTexts.Updated(reference, refresh), referral, cancellationToken, PartnerSmsKinds.CaseUpdated);
            }

            var written = await store.UpdateAsync(night, reference, async (fresh, ct) =>
            {
                var now = await store.FindCaseAsync(night, reference, agency.Id, ct);
                return fresh is null || now is null || now.Value.IsFinished || fresh.Value.Status == ReferralStatus.Closed
                    ? new ReferralDecision<bool>(true)
                    : now.Value.View != @case.View
                        ? new ReferralDecision<bool>(false) // another update moved the case on since it was read
                        : new ReferralDecision<bool>(true, ReferralChange.From(fresh, fresh.Value.UpdateCase(now.Value, refresh, messageId, time.GetUtcNow()), now.Version));
            },
            cancellationToken);
            if (!written)
            {
                // What was sent may be older than what the case now says: the queue runs the step again, which compares
                // the newest referral with the newest view and sends the difference (under a new MessageId if it differs).
                throw new InvalidOperationException($"Case {night}/{reference}/{agency.Id} changed while its update was sent; retrying the step.");
            }

            LogUpdated(night, reference, agency.Id.Value, refresh.Changed.Count, refresh.Withdrawn.Count);
        }
    }

    private static string ShortHash(string body) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(body)))[..12];

    /// <summary>The <c>case-closed</c> message: the envelope and the reference, nothing personal.</summary>
    public static OutgoingCase CaseClosed(Referral referral, PartnerCase @case, bool closedByPartner) =>
        AboutCase(referral, @case, OutgoingCase.CaseClosedSubject, "closed", ("closedBy", closedByPartner ? "partner" : "officer"), ("closedAt", Utc(referral.ClosedAt ?? DateTimeOffset.UnixEpoch)));

    /// <summary>
    /// The <c>case-reminder</c> message: the case is still unanswered at its first deadline and goes to the control room
    /// at <paramref name="escalatesAt"/>. The envelope and the reference, nothing personal.
    /// </summary>
    public static OutgoingCase CaseReminder(Referral referral, PartnerCase @case, DateTimeOffset escalatesAt)
    {
        ArgumentNullException.ThrowIfNull(@case);
        return AboutCase(referral, @case, OutgoingCase.CaseReminderSubject, "reminder", ("sentAt", Utc(@case.DisclosedAt)), ("escalatesAt", Utc(escalatesAt)));
    }

    /// <summary>
    /// A message about a case the agency already has (its MessageId the case's, then <paramref name="suffix"/>): the
    /// envelope, the reference and <paramref name="fields"/>, and only the subscription filter's property, since the
    /// case said the rest.
    /// </summary>
    private static OutgoingCase AboutCase(Referral referral, PartnerCase @case, string subject, string suffix, params (string Name, string Value)[] fields)
    {
        ArgumentNullException.ThrowIfNull(referral);
        ArgumentNullException.ThrowIfNull(@case);
        var body = new JsonObject
        {
            ["schemaVersion"] = CaseMessage.SchemaVersion,
            ["type"] = subject,
            ["agency"] = @case.AgencyId.Value,
            ["night"] = referral.Night.ToString(),
            ["reference"] = referral.Reference.ToString(),
        };
        foreach (var (name, value) in fields)
        {
            body[name] = value;
        }

        return new OutgoingCase(
            $"{PartnerCase.MessageIdFor(referral.Night, referral.Reference, @case.AgencyId)}/{suffix}",
            @case.AgencyId,
            TownId: null,
            Categories: null,
            Priority: null,
            body.ToJsonString(),
            referral.TraceParent,
            subject);
    }

    private static string Utc(DateTimeOffset at) => at.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private string Why(PartnerCase @case, Referral referral, string reason)
    {
        var name = world.FindAgency(@case.AgencyId)?.Name ?? @case.AgencyId.Value;
        return reason == AcknowledgementRules.DeclinedByAllReason
            ? "declined by every agency"
            : $"not accepted by {name} in {CaseAlertTexts.Duration(Acknowledgement.For(referral.Priority) * 2)}";
    }

    private async Task<(Referral, PartnerCase)?> ReadAsync(NightId night, ReferenceCode reference, AgencyId agencyId, CancellationToken cancellationToken)
    {
        var referral = await store.FindAsync(night, reference, cancellationToken);
        var @case = referral is null ? null : await store.FindCaseAsync(night, reference, agencyId, cancellationToken);
        if (referral is null || @case is null)
        {
            LogMoot(night, reference, agencyId.Value, "deadline", "case not found");
            return null;
        }

        return (referral.Value, @case.Value);
    }

    private Task AlertAsync(Referral referral, PartnerCase @case, AlertReason reason, string? why, CancellationToken cancellationToken, bool atOnce = false)
    {
        var agency = world.FindAgency(@case.AgencyId);
        return agency is not null && agency.Channels.Contains(AgencyChannels.Sms)
            ? TextPhonesAsync(agency, $"case-alert/{referral.Key}/{agency.Id}/{reason.ToString().ToLowerInvariant()}", CaseAlertTexts.CaseAlert(@case, reason, world, why), referral, cancellationToken, atOnce: atOnce)
            : Task.CompletedTask;
    }

    private async Task TextPhonesAsync(Agency agency, string key, string body, Referral referral, CancellationToken cancellationToken, string kind = PartnerSmsKinds.CaseAlert, bool atOnce = false)
    {
        // The stored duty phones (the control room's), or routing.json's while the agency has none stored.
        foreach (var phone in await dutyPhones.PhonesOfAsync(agency, cancellationToken))
        {
            await TextAsync(new OutboundSmsItem(kind, key, phone, body, referral.Night.ToString(), referral.Reference.ToString(), referral.TraceParent), atOnce, cancellationToken);
        }
    }

    private async Task TextInspectorsAsync(Referral referral, string key, string body, CancellationToken cancellationToken, bool atOnce = false)
    {
        foreach (var inspector in world.InspectorsFor(referral.TownId))
        {
            await TextAsync(new OutboundSmsItem(PartnerSmsKinds.InspectorAlert, key, inspector.Phone, body, referral.Night.ToString(), referral.Reference.ToString(), referral.TraceParent), atOnce, cancellationToken);
        }
    }

    private Task TextAsync(OutboundSmsItem item, bool atOnce, CancellationToken cancellationToken) =>
        atOnce ? sendAtOnce.SendAsync(item, cancellationToken) : sms.EnqueueAsync(item, cancellationToken);

    private static PartnerLoopItem ReminderFor(Referral referral, IReadOnlyList<string> agencies) =>
        agencies.Count == 1
            ? new PartnerLoopItem(PartnerLoopItem.Reminder, referral.Night.ToString(), referral.Reference.ToString(), agencies[0], TraceParent: referral.TraceParent)
            : new PartnerLoopItem(PartnerLoopItem.Reminder, referral.Night.ToString(), referral.Reference.ToString(), null, TraceParent: referral.TraceParent, Agencies: agencies);

    private Task ScheduleAsync(PartnerLoopItem item, TimeSpan delay, CancellationToken cancellationToken) =>
        steps.ScheduleAsync(item, delay < TimeSpan.Zero ? TimeSpan.Zero : delay, cancellationToken);

    [LoggerMessage(Level = LogLevel.Information, Message = "Referral {Night}/{ReferenceCode}: {Agency} reminded, the control room told")]
    private partial void LogReminded(NightId night, ReferenceCode referenceCode, string agency);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Referral {Night}/{ReferenceCode}: case of {Agency} escalated ({Reason}) to the control room and the duty inspector")]
    private partial void LogEscalated(NightId night, ReferenceCode referenceCode, string agency, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Referral {Night}/{ReferenceCode}: {Agency} told the referral is closed")]
    private partial void LogCancelled(NightId night, ReferenceCode referenceCode, string agency);

    [LoggerMessage(Level = LogLevel.Information, Message = "Referral {Night}/{ReferenceCode}: {Agency} sent the officer's update ({Changed} fields changed, {Withdrawn} withdrawn)")]
    private partial void LogUpdated(NightId night, ReferenceCode referenceCode, string agency, int changed, int withdrawn);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Referral {Night}/{ReferenceCode}: {Step} for {Agency} has nothing to do ({Why})")]
    private partial void LogMoot(NightId night, ReferenceCode referenceCode, string agency, string step, string why);

    [LoggerMessage(Level = LogLevel.Error, Message = "Partner loop item {Step} could not be read; dropped")]
    private partial void LogUnreadable(string step);
}
