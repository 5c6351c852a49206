using NightSafe.Core.World;

namespace NightSafe.Core.Ports;

/// <summary>A referral waiting to be routed (the storage queue <c>referrals-routing</c>).</summary>
public sealed record RoutingWorkItem(string Night, string Reference, string? TraceParent);

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
/// </summary>
public sealed record OutgoingCase(
    string MessageId,
    string AgencyId,
    string? TownId,
    IReadOnlyList<string>? Categories,
    Priority? Priority,
    string Body,
    string? TraceParent);

/// <summary>One agency's end-of-night figures for topic <c>summaries</c>.</summary>
public sealed record OutgoingSummary(string MessageId, string AgencyId, string Night, string Body);

/// <summary>Publishes to partner agencies (Service Bus topics; one subscription per agency).</summary>
public interface ICasePublisher
{
    /// <summary>Publishes all messages or none; a retry with the same MessageIds is absorbed by duplicate detection.</summary>
    Task PublishCasesAsync(IReadOnlyList<OutgoingCase> cases, CancellationToken cancellationToken);

    Task PublishSummariesAsync(IReadOnlyList<OutgoingSummary> summaries, CancellationToken cancellationToken);
}
