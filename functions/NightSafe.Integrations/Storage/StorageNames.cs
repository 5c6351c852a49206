using NightSafe.Core.Ports;

namespace NightSafe.Integrations.Storage;

/// <summary>The tables and queues NightSafe keeps in its storage account.</summary>
public static class StorageNames
{
    public const string ReferralsTable = "Referrals";
    public const string InboundMessagesTable = "InboundMessages";
    public const string OfficersTable = "Officers";
    public const string OptOutsTable = "OptOuts";
    public const string SummariesTable = "Summaries";

    /// <summary>Partner duty phones the control room manages, and the trail of changes to them.</summary>
    public const string DutyPhonesTable = "DutyPhones";

    /// <summary>At-most-once markers of outbound SMS that belong to no referral (a night's summary), one per (message key, recipient); a referral's were here too before <see cref="SmsMarksTable"/>.</summary>
    public const string OutboundSmsTable = "OutboundSms";

    /// <summary>At-most-once markers of a referral's outbound SMS, one per (message key, recipient), a night to a partition.</summary>
    public const string SmsMarksTable = "SmsMarks";

    /// <summary>Each officer phone's conversation for 15 minutes (a question waiting for its answer, the last referral).</summary>
    public const string ConversationsTable = "Conversations";

    /// <summary>SMS provider records (Twilio messages) of erased referrals still to delete at the provider.</summary>
    public const string SmsDeletionsTable = "SmsDeletions";

    public static IReadOnlyList<string> Tables { get; } = [ReferralsTable, InboundMessagesTable, OfficersTable, OptOutsTable, SummariesTable, ConversationsTable, OutboundSmsTable, SmsMarksTable, DutyPhonesTable, SmsDeletionsTable];

    /// <summary>The storage queues, named once in Core (<see cref="QueueNames"/>).</summary>
    public static IReadOnlyList<string> Queues => QueueNames.All;
}
