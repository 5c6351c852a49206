using Microsoft.Extensions.Logging;
using NightSafe.Core.Ports;
using NightSafe.Core.Sms;
using NightSafe.Core.World;

namespace NightSafe.Core.Intake;

/// <summary>
/// A queued referral that failed every retry (<c>referrals-inbound-poison</c>): recorded in the inbound ledger as
/// rejected with the reason, the duty inspectors alerted (the sending system must resend it), and the message then
/// deleted by completing normally, so its personal data is not kept in a poison queue for ever. Its content is
/// neither logged nor stored.
/// </summary>
public sealed partial class PoisonedInbound(IInboundLedger ledger, IOutboundSmsQueue smsQueue, RoutingWorld world, ILogger<PoisonedInbound> logger)
{
    /// <summary>The ledger source of poisoned queue messages (keyed by the poison message's id).</summary>
    public const string Source = "queue-poison";

    public const string Reason = "failed every retry; not taken in (the sending system must resend it)";

    public async Task HandleAsync(string messageId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(messageId);
        var claim = await ledger.ClaimAsync(Source, messageId, InboundGate.StaleAfter, cancellationToken);
        if (claim.State is InboundState.Done or InboundState.Rejected or InboundState.Busy)
        {
            return;
        }

        // Alerts first (each is sent once whatever happens), then the record: a retry after a failure alerts nobody twice.
        await smsQueue.AlertEveryInspectorAsync(
            world,
            "alert/inbound-poison/" + messageId,
            $"NightSafe ALERT: a referral from another system (queue message {messageId}) could not be taken in after every retry and was discarded. Ask the sender to resend it.",
            null,
            null,
            null,
            cancellationToken);

        await ledger.RejectAsync(claim, Reason, cancellationToken);
        LogRejected(messageId);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Queued referral {MessageId} failed every retry: recorded as rejected, inspectors alerted, message discarded")]
    private partial void LogRejected(string messageId);
}
