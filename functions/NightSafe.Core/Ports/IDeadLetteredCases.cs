using NightSafe.Core.World;

namespace NightSafe.Core.Ports;

/// <summary>
/// A case message a partner's subscription dead-lettered (it failed delivery too often, or the partner rejected it),
/// as the drain reads it: its ids and the broker's reason only, never its body.
/// </summary>
/// <param name="AgencyId">The agency whose subscription held it.</param>
/// <param name="MessageId">The message id, <c>{night}/{reference}/{agency}</c> for a case.</param>
/// <param name="Reason">The dead-letter reason as the broker or partner set it; may be free text, so never logged or stored as it is.</param>
public sealed record DeadLetteredCase(AgencyId AgencyId, string MessageId, string? Reason, DateTimeOffset EnqueuedAt);

/// <summary>The dead-letter queues of the partners' case subscriptions (<c>cases/{agency}/$DeadLetterQueue</c>).</summary>
public interface IDeadLetteredCases
{
    /// <summary>
    /// Receives every dead-lettered case of the subscriptions of <paramref name="agencyIds"/>, hands each to
    /// <paramref name="account"/>, and removes it once that returned (a message whose accounting failed stays for the
    /// next run). Returns how many.
    /// </summary>
    Task<int> DrainAsync(IReadOnlyList<AgencyId> agencyIds, Func<DeadLetteredCase, CancellationToken, Task> account, CancellationToken cancellationToken);
}
