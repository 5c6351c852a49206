using System.Text.Json;
using System.Text.Json.Serialization;
using NightSafe.Core.World;

namespace NightSafe.Core.Ports;

/// <summary>
/// The hub's storage queues, one name each: the triggers listen on them, the adapters send to them, the storage
/// initialiser creates them (infra/modules/storage.bicep lists the same names for Azure).
/// </summary>
public static class QueueNames
{
    /// <summary>JSON referrals dropped by other systems (the intake queue trigger).</summary>
    public const string Inbound = "referrals-inbound";

    /// <summary>Referrals waiting for routing (<see cref="RoutingWorkItem"/>).</summary>
    public const string Routing = "referrals-routing";

    /// <summary>Requests to (re)run a night's summary: {"night": "2026-12-18"}.</summary>
    public const string SummaryRequests = "summaries-requests";

    /// <summary>Partner-loop steps (<see cref="PartnerLoopItem"/>): acknowledgement deadlines as delayed messages, cancellations.</summary>
    public const string PartnerLoop = "partner-loop";

    /// <summary>Every outbound SMS, one work item per (message, recipient) (<see cref="OutboundSmsItem"/>).</summary>
    public const string OutboundSms = "sms-outbound";

    /// <summary>The Functions host moves a message that failed every retry to its queue's name plus this.</summary>
    public const string PoisonSuffix = "-poison";

    public const string InboundPoison = Inbound + PoisonSuffix;

    public const string RoutingPoison = Routing + PoisonSuffix;

    public const string SummaryRequestsPoison = SummaryRequests + PoisonSuffix;

    public const string PartnerLoopPoison = PartnerLoop + PoisonSuffix;

    public const string OutboundSmsPoison = OutboundSms + PoisonSuffix;

    /// <summary>The queues the app uses (the host creates the poison queues itself).</summary>
    public static IReadOnlyList<string> All { get; } = [Inbound, Routing, SummaryRequests, PartnerLoop, OutboundSms];
}

/// <summary>
/// A referral waiting to be routed (the storage queue <c>referrals-routing</c>), and its one codec:
/// JSON {"night", "reference", "traceparent"}, written by the routing queue and read by the routing triggers.
/// </summary>
public sealed record RoutingWorkItem(
    [property: JsonPropertyName("night")] string Night,
    [property: JsonPropertyName("reference")] string Reference,
    [property: JsonPropertyName("traceparent")] string? TraceParent)
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);

    /// <summary>The message text for this work item.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Options);

    /// <summary>The work item a message holds, or null when it is not such a JSON object.</summary>
    public static RoutingWorkItem? FromJson(string? message)
    {
        if (string.IsNullOrWhiteSpace(message))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<RoutingWorkItem>(message, Options);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

/// <summary>Puts referrals on the routing queue.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1711", Justification = "It is a queue: the storage queue referrals-routing.")]
public interface IRoutingQueue
{
    Task EnqueueAsync(RoutingWorkItem item, CancellationToken cancellationToken);
}

/// <summary>
/// One agency's copy of a case for topic <c>cases</c>: its minimised view and its message properties. Beside
/// <paramref name="AgencyId"/> (the subscription filter) a property is set only when the agency's <c>shares</c> hold
/// that field: null means "not disclosed to this agency". <paramref name="Categories"/> are the ones it was assigned.
/// <see cref="Subject"/> is <c>case</c> for a new case, <c>case-updated</c> when the officer added to it and
/// <c>case-closed</c> when the referral it had is over, <c>case-reminder</c> when its case is unanswered at the first deadline.
/// </summary>
public sealed record OutgoingCase(
    string MessageId,
    AgencyId AgencyId,
    TownId? TownId,
    IReadOnlyList<CategoryId>? Categories,
    Priority? Priority,
    string Body,
    string? TraceParent,
    string Subject = OutgoingCase.CaseSubject)
{
    public const string CaseSubject = "case";
    public const string CaseClosedSubject = "case-closed";
    public const string CaseUpdatedSubject = "case-updated";
    public const string CaseReminderSubject = "case-reminder";
}

/// <summary>One step of the partner loop, on the storage queue <c>partner-loop</c>, checked against the case when it runs.</summary>
/// <param name="Step"><c>reminder</c> or <c>escalation</c> (an acknowledgement deadline), <c>cancellation</c>, or <c>update</c> (the officer added to the referral).</param>
/// <param name="Agency">The agency whose case the deadline is for; for a cancellation, the agency that closed it (or null).</param>
/// <param name="Reason">For an escalation, <c>not-accepted</c> or <c>declined-by-all</c>; for a cancellation, who closed it; for an update, the amendment's stamp (one MessageId per amendment).</param>
/// <param name="Agencies">A reminder for several cases due at once (routing recorded them together), instead of <paramref name="Agency"/>: one message, each agency's reminder still decided on its own case.</param>
public sealed record PartnerLoopItem(
    [property: JsonPropertyName("step")] string Step,
    [property: JsonPropertyName("night")] string Night,
    [property: JsonPropertyName("reference")] string Reference,
    [property: JsonPropertyName("agency")] string? Agency,
    [property: JsonPropertyName("reason")] string? Reason = null,
    [property: JsonPropertyName("traceparent")] string? TraceParent = null,
    [property: JsonPropertyName("agencies")] IReadOnlyList<string>? Agencies = null)
{
    public const string Reminder = "reminder";
    public const string Escalation = "escalation";
    public const string Cancellation = "cancellation";
    public const string Update = "update";

    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);

    /// <summary>The message text for this step.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Options);

    /// <summary>The agencies this step is for: <see cref="Agencies"/>, or <see cref="Agency"/> alone, or none.</summary>
    public IReadOnlyList<string> AgencyIds() =>
        Agencies is { Count: > 0 } several ? [.. several.Where(a => !string.IsNullOrWhiteSpace(a)).Distinct(StringComparer.Ordinal)]
        : string.IsNullOrWhiteSpace(Agency) ? []
        : [Agency];

    /// <summary>The step a message holds, or null when it is not such a JSON object.</summary>
    public static PartnerLoopItem? FromJson(string? message)
    {
        if (string.IsNullOrWhiteSpace(message))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<PartnerLoopItem>(message, Options);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

/// <summary>
/// The storage queue <c>partner-loop</c>: each item becomes visible after its delay (a queue's visibility timeout),
/// so a deadline is one delayed message, never a polling loop.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1711", Justification = "It is a queue: the storage queue partner-loop.")]
public interface IPartnerLoopQueue
{
    Task ScheduleAsync(PartnerLoopItem item, TimeSpan delay, CancellationToken cancellationToken);
}

/// <summary>One agency's end-of-night figures for topic <c>summaries</c>.</summary>
public sealed record OutgoingSummary(string MessageId, string AgencyId, string Night, string Body);

/// <summary>Publishes what partner agencies receive: cases (topic <c>cases</c>) and end-of-night summaries (topic <c>summaries</c>), one subscription per agency.</summary>
public interface IPartnerMessagePublisher
{
    /// <summary>Publishes all messages or none; a retry with the same MessageIds is absorbed by duplicate detection.</summary>
    Task PublishCasesAsync(IReadOnlyList<OutgoingCase> cases, CancellationToken cancellationToken);

    Task PublishSummariesAsync(IReadOnlyList<OutgoingSummary> summaries, CancellationToken cancellationToken);
}
