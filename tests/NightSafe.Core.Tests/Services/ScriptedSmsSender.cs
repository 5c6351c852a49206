using System.Collections.Concurrent;
using NightSafe.Core.Ports;

namespace NightSafe.Core.Tests.Services;

/// <summary>
/// An SMS sender that answers from a script, records every attempt (<see cref="Sent"/>) and keeps what "reached the
/// provider" (<see cref="Provider"/>), which the reconcile reads. A script may call <see cref="Reach"/> and then throw
/// (accepted, then a 500) or throw without it (never reached).
/// </summary>
internal sealed class ScriptedSmsSender(TimeProvider time) : ISmsSender
{
    private int _next;

    public ConcurrentQueue<OutgoingSms> Sent { get; } = new();

    public ConcurrentQueue<(string Sid, OutgoingSms Sms, DateTimeOffset At)> Provider { get; } = new();

    public int Reconciles { get; private set; }

    public Func<OutgoingSms, SmsSendResult?> Script { get; set; } = _ => null;

    /// <summary>Records the message as created at the provider and returns its sid.</summary>
    public string Reach(OutgoingSms sms)
    {
        // "SMf…": never one of the officers' inbound MessageSids, which the hub numbers "SM0…".
        var sid = "SMf" + Interlocked.Increment(ref _next).ToString("D31", System.Globalization.CultureInfo.InvariantCulture);
        Provider.Enqueue((sid, sms, time.GetUtcNow()));
        return sid;
    }

    /// <summary>Sends for which the provider takes the message and then never answers, until the caller gives up.</summary>
    public Func<OutgoingSms, bool> Hangs { get; set; } = _ => false;

    public async Task<SmsSendResult> SendAsync(OutgoingSms sms, CancellationToken cancellationToken)
    {
        Sent.Enqueue(sms);
        if (Hangs(sms))
        {
            Reach(sms);
            await Task.Delay(Timeout.InfiniteTimeSpan, time, cancellationToken);
        }

        var scripted = Script(sms);
        return scripted ?? new SmsSendResult.Accepted(Reach(sms));
    }

    public Task<string?> FindSentAsync(string recipient, string body, DateTimeOffset since, CancellationToken cancellationToken)
    {
        Reconciles++;
        return Task.FromResult(Provider.Where(p => p.Sms.To == recipient && p.Sms.Body == body && p.At >= since).Select(p => p.Sid).FirstOrDefault());
    }
}
