namespace NightSafe.Integrations.Storage;

/// <summary>The tables and queues NightSafe keeps in its storage account.</summary>
public static class StorageNames
{
    public const string ReferralsTable = "Referrals";
    public const string InboundMessagesTable = "InboundMessages";
    public const string OfficersTable = "Officers";
    public const string OptOutsTable = "OptOuts";
    public const string SummariesTable = "Summaries";

    /// <summary>At-most-once markers of outbound SMS, one per (message key, recipient).</summary>
    public const string OutboundSmsTable = "OutboundSms";

    /// <summary>Referrals waiting for routing (RouteReferral's queue trigger).</summary>
    public const string RoutingQueue = "referrals-routing";

    /// <summary>JSON referrals dropped by other systems (the intake queue trigger).</summary>
    public const string InboundQueue = "referrals-inbound";

    /// <summary>Every outbound SMS, one work item per (message, recipient) (the SmsOutbound queue trigger).</summary>
    public const string OutboundSmsQueue = "sms-outbound";

    public static IReadOnlyList<string> Tables { get; } = [ReferralsTable, InboundMessagesTable, OfficersTable, OptOutsTable, SummariesTable, OutboundSmsTable];

    public static IReadOnlyList<string> Queues { get; } = [RoutingQueue, InboundQueue, OutboundSmsQueue];
}
