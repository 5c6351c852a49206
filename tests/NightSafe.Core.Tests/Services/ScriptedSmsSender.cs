using System.Collections.Concurrent;
using NightSafe.Core.Ports;

namespace NightSafe.Core.Tests.Services;

/// <summary>An SMS sender that answers from a script per number, and records every attempt.</summary>
internal sealed class ScriptedSmsSender : ISmsSender
{
    private int _next;

    public ConcurrentQueue<OutgoingSms> Sent { get; } = new();

    public Func<OutgoingSms, SmsSendResult?> Script { get; set; } = _ => null;

    public Task<SmsSendResult> SendAsync(OutgoingSms sms, CancellationToken cancellationToken)
    {
        Sent.Enqueue(sms);
        var scripted = Script(sms);
        return Task.FromResult(scripted ?? new SmsSendResult.Accepted("SM" + Interlocked.Increment(ref _next).ToString("D32", System.Globalization.CultureInfo.InvariantCulture)));
    }
}
