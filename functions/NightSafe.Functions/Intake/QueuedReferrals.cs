using System.Text.Json;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using NightSafe.Core.Intake;
using NightSafe.Core.Ports;
using NightSafe.Core.Referrals;
using NightSafe.Core.World;
using NightSafe.Functions.Http;

namespace NightSafe.Functions.Intake;

/// <summary>
/// Referrals other systems drop on the storage queue <c>referrals-inbound</c>. Valid ones are stored and routed; invalid
/// ones are recorded as rejected with the reason and completed (an invalid message will not get better with retries).
/// </summary>
public sealed partial class QueuedReferrals(ReferralIntake intake, InboundGate gate, RoutingWorld world, ILogger<QueuedReferrals> logger)
{

    [Function(nameof(QueuedReferrals))]
    public async Task RunAsync([QueueTrigger(QueueNames.Inbound)] string message, string id, FunctionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var cancellationToken = context.CancellationToken;
        using var activity = Trace.Start("referral queue", context.TraceContext?.TraceParent, System.Diagnostics.ActivityKind.Consumer);
        var traceParent = Trace.Current(context.TraceContext?.TraceParent);
        var outcome = await gate.PassAsync("queue", id, intake.Reserve(), async (ticket, ct) =>
        {
            ReferralDocument? document;
            try
            {
                document = JsonSerializer.Deserialize<ReferralDocument>(message, Responses.Json);
            }
            catch (JsonException)
            {
                return new InboundResult.Rejected("body is not valid JSON");
            }

            var (submission, errors) = ReferralDocumentRules.Check(document, ReferralSource.Queue, "queue", world);
            if (submission is null)
            {
                return new InboundResult.Rejected("invalid fields: " + string.Join(", ", errors.Keys));
            }

            var accepted = await intake.AcceptAsync(submission, ticket, traceParent, ct);
            return new InboundResult.Replied($"{accepted.Referral.Night}/{accepted.Referral.Reference}");
        }, cancellationToken);

        if (outcome.Rejected && !outcome.Repeat)
        {
            LogRejected(id);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Queued referral {MessageId} rejected as invalid; recorded with the reason, not retried")]
    private partial void LogRejected(string messageId);
}

/// <summary>
/// The intake queue's poison messages: recorded as rejected with the reason, inspectors alerted, and the message
/// deleted (completing normally deletes it), so nothing is lost silently and no personal data is kept in the queue.
/// </summary>
public sealed class QueuedReferralsPoison(PoisonedInbound poisoned)
{
    [Function(nameof(QueuedReferralsPoison))]
    public Task RunAsync([QueueTrigger(QueueNames.InboundPoison)] string message, string id, FunctionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return poisoned.HandleAsync(id, context.CancellationToken);
    }
}
