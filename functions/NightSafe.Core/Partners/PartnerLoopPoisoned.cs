using Microsoft.Extensions.Logging;
using NightSafe.Core.Ports;
using NightSafe.Core.Sms;
using NightSafe.Core.World;

namespace NightSafe.Core.Partners;

/// <summary>
/// A partner-loop step that failed every retry (<c>partner-loop-poison</c>): a deadline that never fired, an escalation,
/// a cancellation or an update that never reached the agency. Each is what the loop exists for (a case nobody took on
/// is never escalated; a closed case stays with a partner), so a log line is not enough at 2 a.m.: every duty inspector
/// is texted, once per step (the alert's key), to follow it up by hand. The step holds no personal data and is not
/// kept; it names the referral and the agency only.
/// </summary>
public sealed partial class PartnerLoopPoisoned(IOutboundSmsQueue sms, RoutingWorld world, ILogger<PartnerLoopPoisoned> logger)
{
    /// <param name="item">The step, or null when the message could not be read (<paramref name="messageId"/> names it).</param>
    public async Task HandleAsync(PartnerLoopItem? item, string messageId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(messageId);
        string key;
        string alert;
        if (item is null)
        {
            LogUnreadable(messageId);
            key = "alert/partner-loop/unreadable/" + messageId;
            alert = $"NightSafe ALERT: a partner follow-up message ({messageId}) could not be read, so a deadline, escalation or cancellation may not have happened. Check the {QueueNames.PartnerLoopPoison} queue.";
        }
        else
        {
            var ids = item.AgencyIds();
            var agency = ids.Count == 0 ? null : string.Join(", ", ids.Select(id => world.AgencyNamed(id)?.Name ?? id));
            LogPoisoned(item.Step, item.Night, item.Reference, ids.Count == 0 ? "-" : string.Join(",", ids), messageId);
            key = $"alert/partner-loop/{item.Step}/{item.Night}/{item.Reference}/{string.Join(",", ids)}";
            alert = $"NightSafe ALERT: the {What(item.Step)} of referral {item.Reference}{(agency is null ? string.Empty : " for " + agency)} failed after every retry. Please follow it up by hand.";
        }

        await sms.AlertEveryInspectorAsync(world, key, alert, item?.Night, item?.Reference, item?.TraceParent, cancellationToken);
    }

    private static string What(string step) => step switch
    {
        PartnerLoopItem.Reminder => "acknowledgement deadline",
        PartnerLoopItem.Escalation => "escalation",
        PartnerLoopItem.Cancellation => "cancellation",
        PartnerLoopItem.Update => "case update",
        _ => "partner follow-up",
    };

    [LoggerMessage(Level = LogLevel.Critical, Message = "Partner-loop step {Step} for {Night}/{ReferenceCode} (agency {Agency}) failed every retry (message {MessageId}); duty inspectors alerted to follow it up by hand")]
    private partial void LogPoisoned(string step, string night, string referenceCode, string agency, string messageId);

    [LoggerMessage(Level = LogLevel.Critical, Message = "Unreadable partner-loop message {MessageId} reached the poison queue; duty inspectors alerted")]
    private partial void LogUnreadable(string messageId);
}
