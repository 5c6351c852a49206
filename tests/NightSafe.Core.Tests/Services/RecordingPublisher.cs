using System.Collections.Concurrent;
using NightSafe.Core.Ports;

namespace NightSafe.Core.Tests.Services;

internal sealed class RecordingPublisher : IPartnerMessagePublisher
{
    public ConcurrentQueue<OutgoingCase> Cases { get; } = new();

    public ConcurrentQueue<OutgoingSummary> Summaries { get; } = new();

    public Task PublishCasesAsync(IReadOnlyList<OutgoingCase> cases, CancellationToken cancellationToken)
    {
        foreach (var c in cases)
        {
            Cases.Enqueue(c);
        }

        return Task.CompletedTask;
    }

    public Task PublishSummariesAsync(IReadOnlyList<OutgoingSummary> summaries, CancellationToken cancellationToken)
    {
        foreach (var s in summaries)
        {
            Summaries.Enqueue(s);
        }

        return Task.CompletedTask;
    }
}
