using Microsoft.Azure.Functions.Worker;
using NightSafe.Core.Retention;

namespace NightSafe.Functions.Retention;

/// <summary>
/// Daily: personal data of nights past the retention period is erased (the erasure itself is logged). Every few
/// minutes: officers' expired conversations are forgotten.
/// </summary>
public sealed class RetentionTimer(RetentionPurge purge)
{
    [Function("RetentionPurge")]
    public Task RunAsync([TimerTrigger(RetentionPurge.Cron)] TimerInfo timer, FunctionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return purge.RunAsync(context.CancellationToken);
    }

    [Function("ConversationsPurge")]
    public Task ForgetConversationsAsync([TimerTrigger(RetentionPurge.ConversationsCron)] TimerInfo timer, FunctionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return purge.ForgetExpiredConversationsAsync(context.CancellationToken);
    }
}
