using Microsoft.Extensions.Logging;
using NightSafe.Core.Ports;

namespace NightSafe.Core.Sms;

/// <summary>
/// Sends an SMS from the work that decided it (routing: the advice, the case alerts, the urgent text), or queues it on
/// <c>sms-outbound</c> when it cannot go at once. Sending at once saves the queue's send, receive and delete per SMS;
/// queueing keeps the rule that an SMS outage never fails the work that decided it, and that a slow provider never holds
/// it up for long: while <see cref="SmsProviderPace.IsSlow"/> every SMS is queued without trying, and a send that fails
/// or outlasts <see cref="Budget"/> is queued. The send itself still goes through <see cref="OutboundSms"/> (marked
/// before, recorded after), so a queued retry of an attempt that may have reached the provider reconciles before it
/// sends again.
/// </summary>
public sealed partial class SmsAtOnce(OutboundSmsWork work, IOutboundSmsQueue queue, SmsProviderPace pace, TimeProvider time, ILogger<SmsAtOnce> logger)
{
    /// <summary>
    /// The longest the work waits on a send at once; then it stops waiting and queues the SMS (that attempt waits out the
    /// mark's lease, then reconciles: the provider may have taken it).
    /// </summary>
    public static readonly TimeSpan Budget = TimeSpan.FromSeconds(3);

    /// <summary>Sends <paramref name="item"/> at once as the <c>sms-outbound</c> queue would (its composer, or as it stands), or queues it.</summary>
    public Task SendAsync(OutboundSmsItem item, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(item);
        return SendAsync(item, ct => work.HandleAsync(item, ct), cancellationToken);
    }

    /// <summary>
    /// Runs <paramref name="send"/> (which sends through <see cref="OutboundSms"/>) unless the provider is slow; queues
    /// <paramref name="queued"/> instead while it is, or when the send fails or outlasts <see cref="Budget"/>. A cancellation of <paramref name="cancellationToken"/> (the worker stopping) goes up.
    /// </summary>
    public async Task SendAsync(OutboundSmsItem queued, Func<CancellationToken, Task> send, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(queued);
        ArgumentNullException.ThrowIfNull(send);
        if (!pace.IsSlow)
        {
            using var budget = new CancellationTokenSource(Budget, time);
            using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, budget.Token);
            try
            {
                await send(bounded.Token);
                LogHandled(queued.Kind, queued.Key);
                return;
            }
            catch (Exception e) when (e is not OutOfMemoryException && (e is not OperationCanceledException || (budget.IsCancellationRequested && !cancellationToken.IsCancellationRequested)))
            {
                // Any failure (busy, unavailable, unclear, storage), or the budget spent.
                LogQueued(e, queued.Kind, queued.Key);
            }
        }

        await queue.EnqueueAsync(queued, cancellationToken);
    }

    // The step's one line at the default level, as a queued SMS's "handled (delivery n)".
    [LoggerMessage(Level = LogLevel.Information, Message = "SMS {Kind} {Key} handled at once")]
    private partial void LogHandled(string kind, string key);

    [LoggerMessage(Level = LogLevel.Warning, Message = "SMS {Kind} {Key} could not be sent at once; queued on sms-outbound")]
    private partial void LogQueued(Exception exception, string kind, string key);
}
