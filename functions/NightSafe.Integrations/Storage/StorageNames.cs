namespace NightSafe.Integrations.Storage;

/// <summary>The tables and queues NightSafe keeps in its storage account.</summary>
public static class StorageNames
{
    public const string ReferralsTable = "Referrals";
    public const string InboundMessagesTable = "InboundMessages";
    public const string OfficersTable = "Officers";
    public const string OptOutsTable = "OptOuts";
    public const string SummariesTable = "Summaries";

    /// <summary>Each officer phone's conversation for 15 minutes (a question waiting for its answer, the last referral).</summary>
    public const string ConversationsTable = "Conversations";

    /// <summary>Referrals waiting for routing (RouteReferral's queue trigger).</summary>
    public const string RoutingQueue = "referrals-routing";

    /// <summary>JSON referrals dropped by other systems (the intake queue trigger).</summary>
    public const string InboundQueue = "referrals-inbound";

    public static IReadOnlyList<string> Tables { get; } = [ReferralsTable, InboundMessagesTable, OfficersTable, OptOutsTable, SummariesTable, ConversationsTable];

    public static IReadOnlyList<string> Queues { get; } = [RoutingQueue, InboundQueue];
}
